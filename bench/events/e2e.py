"""The wires end to end on a server that runs the app's functions: event → handler start for
S3 PUT, SQS send and a DynamoDB write (stream), and the SQS → Lambda (batch 10) → DynamoDB
pipeline for 10,000 messages, paced at 2,000 msg/s and unpaced.

Latency is the handler's own ``time.time()`` at entry minus the client's just before its call
(same machine, same clock). Events are sent one at a time, each waited for, after one unrecorded
warm-up event per wire (the cold start).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.events.steps import run_workers
from bench.events.worker import client
from bench.load import percentile

MARKS = "bench-e2e-marks"
SINK = "bench-e2e-sink"
SOURCE = "bench-e2e-source"
UPLOADS = "bench-e2e-uploads"
MESSAGES = "bench-e2e-messages"
PIPELINE = "bench-e2e-pipeline"
POLL_S = 0.002


@dataclass(frozen=True)
class E2ESettings:
    events: int = 50
    event_timeout_s: float = 10.0
    pipeline_messages: int = 10_000
    pipeline_rate: float = 2_000.0
    pipeline_budget_s: float = 90.0


def _started(dynamodb: Any, ident: str, timeout_s: float) -> float | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        item = dynamodb.get_item(TableName=MARKS, Key={"id": {"S": ident}}).get("Item")
        if item:
            return float(item["started"]["N"])
        time.sleep(POLL_S)
    return None


def _wire(trigger: Callable[[str], None], dynamodb: Any, name: str,
          settings: E2ESettings) -> dict[str, Any]:
    warm = f"{name} warm-up"
    trigger(warm)
    if _started(dynamodb, warm, 60.0) is None:
        return {"error": f"the {name} handler did not run within 60 s of the warm-up event"}
    latencies_ms: list[float] = []
    missing = 0
    for n in range(settings.events):
        ident = f"{name} {n}"
        sent = time.time()
        trigger(ident)
        started = _started(dynamodb, ident, settings.event_timeout_s)
        if started is None:
            missing += 1
            if missing >= 3:
                break
            continue
        latencies_ms.append((started - sent) * 1000)
    if not latencies_ms:
        return {"error": f"no {name} event reached its handler", "missing": missing}
    return {"events": len(latencies_ms), "missing": missing,
            "p50_ms": round(percentile(latencies_ms, 0.5), 2),
            "p99_ms": round(percentile(latencies_ms, 0.99), 2)}


def _count(dynamodb: Any, prefix: str) -> int:
    total = 0
    kwargs: dict[str, Any] = {"TableName": SINK, "Select": "COUNT",
                              "FilterExpression": "begins_with(id, :p)",
                              "ExpressionAttributeValues": {":p": {"S": prefix}}}
    while True:
        page = dynamodb.scan(**kwargs)
        total += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _rows(dynamodb: Any, prefix: str) -> list[tuple[float, float]]:
    rows: list[tuple[float, float]] = []
    kwargs: dict[str, Any] = {"TableName": SINK, "FilterExpression": "begins_with(id, :p)",
                              "ExpressionAttributeValues": {":p": {"S": prefix}}}
    while True:
        page = dynamodb.scan(**kwargs)
        rows += [(float(i["sent"]["N"]), float(i["written"]["N"])) for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return rows
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def pipeline(endpoint: str, queue_url: str, prefix: str, rate: float,
             settings: E2ESettings) -> dict[str, Any]:
    dynamodb = client("dynamodb", endpoint)
    sent = run_workers("sqs-stamped", endpoint, queue_url, 4, seconds=settings.pipeline_budget_s,
                       count=settings.pipeline_messages, rate=rate, prefix=prefix)
    deadline = time.monotonic() + settings.pipeline_budget_s
    written = _count(dynamodb, prefix)
    while written < sent["ops"] and time.monotonic() < deadline:
        time.sleep(0.5)
        written = _count(dynamodb, prefix)
    rows = _rows(dynamodb, prefix)
    result: dict[str, Any] = {"sent": sent["ops"], "send_per_s": sent["per_s"],
                              "written": len(rows), "complete": len(rows) >= sent["ops"]}
    if rows:
        span_s = max(w for _, w in rows) - min(s for s, _ in rows)
        result["per_s"] = round(len(rows) / span_s, 1) if span_s > 0 else None
        latencies_ms = [(w - s) * 1000 for s, w in rows]
        result["p50_ms"] = round(percentile(latencies_ms, 0.5), 2)
        result["p99_ms"] = round(percentile(latencies_ms, 0.99), 2)
    return result


def measure_wires(endpoint: str, settings: E2ESettings) -> dict[str, Any]:
    s3, sqs, dynamodb = (client(s, endpoint) for s in ("s3", "sqs", "dynamodb"))
    messages_url = sqs.get_queue_url(QueueName=MESSAGES)["QueueUrl"]
    pipeline_url = sqs.get_queue_url(QueueName=PIPELINE)["QueueUrl"]
    results: dict[str, Any] = {}
    wires: dict[str, Callable[[str], None]] = {
        "s3": lambda ident: s3.put_object(Bucket=UPLOADS, Key=ident, Body=b"event"),
        "sqs": lambda ident: sqs.send_message(
            QueueUrl=messages_url, MessageBody=json.dumps({"id": ident})),
        "stream": lambda ident: dynamodb.put_item(
            TableName=SOURCE, Item={"id": {"S": ident}}),
    }
    for name, trigger in wires.items():
        try:
            results[name] = _wire(trigger, dynamodb, name, settings)
        except Exception as error:  # noqa: BLE001 - one broken wire must not end the run
            results[name] = {"error": f"{type(error).__name__}: {error}"[:400]}
    for label, rate in (("paced", settings.pipeline_rate), ("flood", 0.0)):
        try:
            results[f"pipeline_{label}"] = pipeline(endpoint, pipeline_url, label, rate, settings)
        except Exception as error:  # noqa: BLE001
            results[f"pipeline_{label}"] = {"error": f"{type(error).__name__}: {error}"[:400]}
    return results

"""The measured run: refresh N products, follow the cascade to its end, account for every
delivery.

Progress is read without disturbing the flow much: DynamoDB ``DescribeTable`` item counts
(exact on fogbank) of the model and inbox tables, and the batchers' own reports. The batched
receivers' schedules (rate(5 minutes) and longer) are stood in for by invoking the batcher
function for each batched receiver every ``batch_every_s`` seconds, exactly as its rule
would (same function, same input). At the end every receiver's output is read back in full
and compared with what the receivers' filter policies select from the catalogue.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.procs import rss_kb, tree_rss_mb
from bench.product_data.server import EXAMPLE_DIR, ProductDataServer

sys.path.insert(0, str(EXAMPLE_DIR / "layers" / "common" / "python"))
sys.path.insert(0, str(EXAMPLE_DIR))
from product_data import catalogue  # noqa: E402
from product_data.model import change_message, message_attributes  # noqa: E402
from product_data.receivers import Receiver, load  # noqa: E402
from refresh import refresh  # noqa: E402

from fogbank.services.sns.filter_policy import compile_policy  # noqa: E402


@dataclass
class Settings:
    products: int
    per_brand: int = catalogue.DEFAULT_PRODUCTS_PER_BRAND
    limit_s: float = 3600.0
    batch_every_s: float = 10.0
    sample_every_s: float = 2.0
    write_threads: int = 4


def expected_keys(products: int, per_brand: int) -> dict[str, set[str]]:
    """For each receiver, the idempotency keys a refresh of an empty catalogue must deliver:
    each product's INSERT (version 1) where the receiver's filter policy matches it. The
    policies are judged by fogbank's SNS filter-policy engine on the publisher's own
    attributes (the same code path as delivery, checked independently by the example's
    tests)."""
    names = {b["brand_id"]: b["name"] for b in catalogue.brands(products, per_brand)}
    receivers = load()
    policies = {r.name: compile_policy(json.dumps(r.filter_policy), "MessageAttributes")
                for r in receivers if r.filter_policy}
    wanted: dict[str, set[str]] = {r.name: set() for r in receivers}
    for index in range(products):
        item = {**catalogue.product(index, per_brand), **catalogue.price(index),
                "version": 1, "cause": "product", "cause_size": 1}
        item["brand_name"] = names[item["brand_id"]]
        message = change_message("INSERT", None, item)
        attributes = message_attributes(message)
        for receiver in receivers:
            policy = policies.get(receiver.name)
            if policy is None or policy.matches(attributes, "{}"):
                wanted[receiver.name].add(message["idempotency_key"])
    return wanted


@dataclass
class Progress:
    began: float
    peak_tree_rss_mb: float = 0.0
    peak_server_rss_mb: float = 0.0
    peak_processes: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)
    milestones: dict[str, float] = field(default_factory=dict)
    exported: Counter[str] = field(default_factory=Counter)
    batch_duplicates: Counter[str] = field(default_factory=Counter)
    batch_runs: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def mark(self, name: str) -> None:
        self.milestones.setdefault(name, round(time.monotonic() - self.began, 2))


class Batchers:
    """One thread per batched receiver: invoke the batcher, wait, repeat until stopped."""

    def __init__(self, server: ProductDataServer, receivers: list[Receiver],
                 progress: Progress, every_s: float) -> None:
        self.server = server
        self.progress = progress
        self.every_s = every_s
        self.stop = threading.Event()
        self.function = server.outputs["BatcherFunctionName"]
        self.threads = [threading.Thread(target=self._loop, args=(r.name,), daemon=True)
                        for r in receivers if r.mode == "batched"]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=900)

    def run_once(self, receiver: str, lam: Any) -> None:
        result = lam.invoke(FunctionName=self.function,
                            Payload=json.dumps({"receiver": receiver}).encode())
        payload = json.loads(result["Payload"].read() or b"null")
        if result.get("FunctionError"):
            self.progress.errors.append(f"batcher {receiver}: {payload}"[:500])
            return
        self.progress.exported[receiver] += int(payload["exported"])
        self.progress.batch_duplicates[receiver] += int(payload["duplicates_dropped"])
        self.progress.batch_runs[receiver] += 1

    def _loop(self, receiver: str) -> None:
        lam = self.server.client("lambda", read_timeout_s=960)
        while not self.stop.wait(self.every_s):
            try:
                self.run_once(receiver, lam)
            except Exception as error:  # noqa: BLE001 - reported, the loop goes on
                self.progress.errors.append(f"batcher {receiver}: {error}"[:500])


def _queues_empty(server: ProductDataServer, receivers: dict[str, int]) -> bool:
    sqs = server.client("sqs")
    for name in receivers:
        url = sqs.get_queue_url(QueueName=f"product-data-rcv-{name}")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        if any(int(v) for v in attributes["Attributes"].values()):
            return False
    return True


def _item_count(dynamodb: Any, table: str) -> int:
    return int(dynamodb.describe_table(TableName=table)["Table"]["ItemCount"])


def _sample(server: ProductDataServer, progress: Progress, dynamodb: Any) -> dict[str, Any]:
    assert server.process is not None
    tree_mb, processes = tree_rss_mb(server.process.pid)
    server_mb = rss_kb(server.process.pid) / 1024
    progress.peak_tree_rss_mb = max(progress.peak_tree_rss_mb, tree_mb)
    progress.peak_server_rss_mb = max(progress.peak_server_rss_mb, server_mb)
    progress.peak_processes = max(progress.peak_processes, processes)
    sample = {"t_s": round(time.monotonic() - progress.began, 1),
              "model": _item_count(dynamodb, server.outputs["ModelTableName"]),
              "inbox": _item_count(dynamodb, server.outputs["InboxTableName"]),
              "exported": sum(progress.exported.values()),
              "tree_rss_mb": round(tree_mb, 1), "processes": processes,
              "load_1m": round(os.getloadavg()[0], 2)}
    progress.samples.append(sample)
    return sample


def run(server: ProductDataServer, settings: Settings) -> dict[str, Any]:
    receivers = load()
    wanted = expected_keys(settings.products, settings.per_brand)
    per_change_total = sum(len(wanted[r.name]) for r in receivers if r.mode == "per-change")
    batched_total = {r.name: len(wanted[r.name]) for r in receivers if r.mode == "batched"}
    dynamodb = server.client("dynamodb")
    progress = Progress(began=time.monotonic())
    batchers = Batchers(server, receivers, progress, settings.batch_every_s)
    batchers.start()
    written: dict[str, int] = {}

    def write_catalogue() -> None:
        try:
            written.update(refresh(server.resource("dynamodb", pool=settings.write_threads * 2),
                                   server.outputs, settings.products, settings.per_brand,
                                   threads=settings.write_threads))
            progress.mark("refresh_written_s")
        except Exception as error:  # noqa: BLE001 - reported with the run
            progress.errors.append(f"refresh: {type(error).__name__}: {error}"[:500])

    writer = threading.Thread(target=write_catalogue, name="refresh", daemon=True)
    writer.start()
    completed = False
    last_print = 0.0
    try:
        while time.monotonic() - progress.began < settings.limit_s:
            server.check_alive()
            sample = _sample(server, progress, dynamodb)
            if sample["model"] >= settings.products:
                progress.mark("model_complete_s")
            if sample["inbox"] >= per_change_total:
                progress.mark("per_change_delivered_s")
            # A batcher's own report can be lost (an invoke that times out client-side after
            # the run has exported): done means every batched queue is empty once the
            # model is complete; the exports are then counted from S3 below.
            if "model_complete_s" in progress.milestones and (
                    all(progress.exported[name] >= count for name, count in batched_total.items())
                    or _queues_empty(server, batched_total)):
                progress.mark("batched_exported_s")
            if time.monotonic() - last_print > 15:
                last_print = time.monotonic()
                print(f"bench: {sample}", flush=True)
            if {"model_complete_s", "per_change_delivered_s",
                    "batched_exported_s"} <= progress.milestones.keys():
                completed = True
                break
            time.sleep(settings.sample_every_s)
    finally:
        batchers.finish()
        writer.join(timeout=5)
    end_to_end_s = progress.milestones.get("batched_exported_s", 0.0)
    end_to_end_s = max(end_to_end_s, progress.milestones.get("per_change_delivered_s", 0.0))
    result: dict[str, Any] = {
        "products": settings.products, "per_brand": settings.per_brand, "written": written,
        "completed": completed, "limit_s": settings.limit_s,
        "end_to_end_s": end_to_end_s if completed else None,
        "elapsed_s": round(time.monotonic() - progress.began, 1),
        "milestones": progress.milestones,
        "peak_tree_rss_mb": round(progress.peak_tree_rss_mb, 1),
        "peak_server_rss_mb": round(progress.peak_server_rss_mb, 1),
        "peak_processes": progress.peak_processes,
        "batch_runs": dict(progress.batch_runs), "errors": progress.errors[:20],
        "samples": progress.samples,
    }
    if not completed:
        result["abort"] = (f"the cascade had not completed after the {settings.limit_s:g} s "
                           "limit; the counts below are what had arrived by then")
    result["receivers"] = account(server, receivers, wanted, progress)
    result["dead_letters"] = dead_letters(server, receivers)
    deliveries = sum(r["delivered_distinct"] for r in result["receivers"].values())
    result["deliveries"] = deliveries
    if completed and end_to_end_s:
        result["products_per_s"] = round(settings.products / end_to_end_s, 1)
        result["deliveries_per_s"] = round(deliveries / end_to_end_s, 1)
    return result


def _inbox_keys(server: ProductDataServer, receiver: str) -> tuple[list[str], int]:
    dynamodb = server.client("dynamodb")
    keys: list[str] = []
    dropped = 0
    params: dict[str, Any] = {
        "TableName": server.outputs["InboxTableName"],
        "KeyConditionExpression": "receiver = :r",
        "ExpressionAttributeValues": {":r": {"S": receiver}},
        "ProjectionExpression": "idempotency_key, duplicates_dropped"}
    while True:
        page = dynamodb.query(**params)
        for item in page["Items"]:
            keys.append(item["idempotency_key"]["S"])
            dropped += int(item.get("duplicates_dropped", {}).get("N", "0"))
        if "LastEvaluatedKey" not in page:
            return keys, dropped
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _export_keys(server: ProductDataServer, receiver: Receiver) -> tuple[list[str], int]:
    s3 = server.client("s3")
    bucket = server.outputs["ExportsBucketName"]
    keys: list[str] = []
    files = 0
    for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"exports/{receiver.name}/"):
        for entry in page.get("Contents", []):
            files += 1
            lines = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read().decode(
            ).splitlines()
            if receiver.format == "csv":
                keys.extend(line.split(",", 1)[0] for line in lines[1:] if line)
            else:
                keys.extend(json.loads(line)["idempotency_key"] for line in lines if line)
    return keys, files


def account(server: ProductDataServer, receivers: list[Receiver],
            wanted: dict[str, set[str]], progress: Progress) -> dict[str, Any]:
    """Per receiver: expected, delivered (distinct keys in its output), lost, unexpected,
    duplicates left in the output (must be 0) and duplicates its dedup dropped."""
    report: dict[str, Any] = {}
    for receiver in receivers:
        if receiver.mode == "per-change":
            keys, dropped = _inbox_keys(server, receiver.name)
            extra = {"duplicates_dropped_by_dedup": dropped}
        else:
            keys, files = _export_keys(server, receiver)
            extra = {"duplicates_dropped_by_dedup": progress.batch_duplicates[receiver.name],
                     "export_files": files}
        distinct = set(keys)
        expected = wanted[receiver.name]
        report[receiver.name] = {
            "mode": receiver.mode, "format": receiver.format, "expected": len(expected),
            "delivered_distinct": len(distinct),
            "lost": len(expected - distinct), "unexpected": len(distinct - expected),
            "duplicates_in_output": len(keys) - len(distinct), **extra}
    return report


def dead_letters(server: ProductDataServer, receivers: list[Receiver]) -> dict[str, int]:
    sqs = server.client("sqs")
    urls = {"cascade": server.outputs["CascadeDeadLetterQueueUrl"]}
    for receiver in receivers:
        urls[receiver.name] = sqs.get_queue_url(
            QueueName=f"product-data-rcv-{receiver.name}-dlq")["QueueUrl"]
    counts: dict[str, int] = {}
    for name, url in urls.items():
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        counts[name] = sum(int(v) for v in attributes["Attributes"].values())
    return counts

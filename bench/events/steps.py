"""The single-operation measurements for one server: S3 PUT/GET at 1 KiB and 1 MiB, SQS send,
SQS Receive+Delete at three queue depths, SNS Publish fanned out to three SQS queues — each from
1 and from 4 client processes (``bench.events.worker``), bounded in time and count."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.events.worker import client
from bench.load import BenchError

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER_START_DELAY_S = 2.0
SIZES = {"1KiB": 1024, "1MiB": 1024 * 1024}
CpuProbe = Callable[[], float]


@dataclass(frozen=True)
class Settings:
    seconds: float = 3.0
    procs: tuple[int, ...] = (1, 4)
    depths: tuple[int, ...] = (0, 10_000, 30_000)
    receive_budget: int = 3_000
    fill_budget_s: float = 60.0
    fanout_wait_s: float = 30.0
    # The server's CPU seconds so far (its whole process tree), read around each run.
    cpu_probe: CpuProbe | None = None


def run_workers(mode: str, endpoint: str, target: str, procs: int, *, seconds: float,
                count: int = 10**9, size: int = 1024, rate: float = 0.0,
                prefix: str = "m", cpu_probe: CpuProbe | None = None) -> dict[str, Any]:
    """``procs`` worker processes started together; their totals and latencies, and — with
    ``cpu_probe`` (the server's CPU seconds so far) — the server's CPU time per operation."""
    cpu_before = cpu_probe() if cpu_probe is not None else 0.0
    start_at = time.time() + WORKER_START_DELAY_S
    per_worker = max(1, count // procs) if count < 10**9 else count
    children = [subprocess.Popen(
        [sys.executable, "-m", "bench.events.worker", mode, "--endpoint", endpoint,
         "--target", target, "--start-at", repr(start_at), "--seconds", repr(seconds),
         "--count", str(per_worker), "--size", str(size), "--worker", str(n),
         "--rate", repr(rate / procs), "--prefix", prefix],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(procs)]
    outputs = []
    for child in children:
        try:
            out, err = child.communicate(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
        if child.returncode != 0:
            raise BenchError(f"worker {mode} failed: {err.strip()[-800:]}")
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    slowest_s = max(o["seconds"] for o in outputs) or 1e-9
    total = sum(o["ops"] for o in outputs)
    result: dict[str, Any] = {"procs": procs, "ops": total, "seconds": slowest_s,
                              "per_s": round(total / slowest_s, 1),
                              "errors": sum(o["errors"] for o in outputs)}
    ended = [o["ended_at"] for o in outputs if "ended_at" in o]
    if ended:
        result["ended_at"] = max(ended)  # epoch seconds: the last worker's last call
    p50s = sorted(o["p50_ms"] for o in outputs if "p50_ms" in o)
    if p50s:
        result["p50_ms"] = p50s[len(p50s) // 2]
        result["p99_ms"] = max(o["p99_ms"] for o in outputs if "p99_ms" in o)
    if cpu_probe is not None and total:
        result["server_cpu_ms"] = round((cpu_probe() - cpu_before) * 1000 / total, 3)
    failures = [o["error"] for o in outputs if o.get("error")]
    if failures:
        result["error"] = failures[0]
    return result


def _queue_depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def measure_s3(endpoint: str, settings: Settings) -> dict[str, Any]:
    s3 = client("s3", endpoint)
    bucket = "bench-ops"
    s3.create_bucket(Bucket=bucket)
    results: dict[str, Any] = {}
    for label, size in SIZES.items():
        for key in range(16):
            s3.put_object(Bucket=bucket, Key=f"seed/{key}", Body=b"b" * size)
        for procs in settings.procs:
            results[f"put_{label}_p{procs}"] = run_workers(
                "s3-put", endpoint, bucket, procs, seconds=settings.seconds, size=size,
                cpu_probe=settings.cpu_probe)
            results[f"get_{label}_p{procs}"] = run_workers(
                "s3-get", endpoint, bucket, procs, seconds=settings.seconds, size=size,
                cpu_probe=settings.cpu_probe)
    return results


def measure_sqs(endpoint: str, settings: Settings) -> dict[str, Any]:
    sqs = client("sqs", endpoint)
    results: dict[str, Any] = {}
    url = sqs.create_queue(QueueName="bench-send")["QueueUrl"]
    for procs in settings.procs:
        results[f"send_p{procs}"] = run_workers("sqs-send", endpoint, url, procs,
                                                seconds=settings.seconds,
                                                cpu_probe=settings.cpu_probe)
    for depth in settings.depths:
        url = sqs.create_queue(QueueName=f"bench-depth-{depth}")["QueueUrl"]
        wanted = depth + settings.receive_budget * len(settings.procs)
        began = time.perf_counter()
        fill = run_workers("sqs-fill", endpoint, url, 4, seconds=settings.fill_budget_s,
                           count=wanted)
        queued = _queue_depth(sqs, url)
        results[f"fill_{depth}"] = {**fill, "queued": queued,
                                    "wall_s": round(time.perf_counter() - began, 2)}
        for procs in settings.procs:
            before = _queue_depth(sqs, url)
            measured = run_workers("sqs-receive", endpoint, url, procs,
                                   seconds=settings.seconds, count=settings.receive_budget,
                                   cpu_probe=settings.cpu_probe)
            results[f"receive_{depth}_p{procs}"] = {**measured, "queued_before": before}
    return results


def measure_sns(endpoint: str, settings: Settings) -> dict[str, Any]:
    sns, sqs = client("sns", endpoint), client("sqs", endpoint)
    topic = sns.create_topic(Name="bench-fanout")["TopicArn"]
    urls = []
    for n in range(3):
        url = sqs.create_queue(QueueName=f"bench-fanout-{n}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url,
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        urls.append(url)
    results: dict[str, Any] = {}
    delivered_before = 0
    for procs in settings.procs:
        began_epoch = time.time()
        published = run_workers("sns-publish", endpoint, topic, procs, seconds=settings.seconds,
                                cpu_probe=settings.cpu_probe)
        expected = delivered_before + 3 * published["ops"]
        deadline = time.monotonic() + settings.fanout_wait_s
        delivered = sum(_queue_depth(sqs, url) for url in urls)
        while delivered < expected and time.monotonic() < deadline:
            time.sleep(0.2)
            delivered = sum(_queue_depth(sqs, url) for url in urls)
        published["delivered"] = delivered - delivered_before
        published["expected"] = expected - delivered_before
        # From the end of publishing (the last worker's last call, as that worker saw it —
        # workers slow to start under load begin after the agreed instant) to the last copy
        # queued.
        publishing_end = published.pop("ended_at", None) or (
            began_epoch + WORKER_START_DELAY_S + published["seconds"])
        published["delivery_lag_s"] = (round(max(0.0, time.time() - publishing_end), 2)
                                       if delivered >= expected else None)
        delivered_before = delivered
        results[f"publish_p{procs}"] = published
    return results

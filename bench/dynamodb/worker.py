"""Client processes of the bench: ``python -m bench.dynamodb.worker load|boto3 ...``.

Each waits for a shared wall-clock start instant (so N processes run at once), works until done
or its budget ends, and prints one JSON line with what it did.

- ``load``: BatchWriteItem of this worker's slice of the seed data (raw keep-alive HTTP, 25 items
  per call, UnprocessedItems resent), every request encoded and signed before the clock starts;
  the harness starts the workers together with a ready/go handshake on their stdin/stdout.
- ``boto3``: GetItem through a boto3 client (no retries) in a loop for ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bench.dynamodb.conn import DynamoConnection, write_prepared
from bench.dynamodb.wire import batch_write_calls
from bench.dynamodb.workload import (
    ITEMS_TABLE,
    SEED_TABLE,
    partition,
    seed_half_hours,
    seed_items,
    sort_key,
    worker_slice,
)
from bench.load import percentile

BOTO3_WARMUP_CALLS = 20


def _wait_for(start_at: float) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)


def run_load(port: int, fraction: float, worker: int, workers: int, start_at: float,
             budget_s: float) -> dict[str, Any]:
    """Encode and sign every BatchWriteItem of this worker's slice first (as wrk's requests are
    built before it runs), say ``ready``, wait for ``go`` on stdin (or ``start_at`` when stdin
    is a terminal), then send them; the clock covers only the sending."""
    start, stop = worker_slice(seed_half_hours(fraction), worker, workers)
    connection = DynamoConnection(port)
    prepared = [(connection.prepare(call), len(call.body["RequestItems"][SEED_TABLE]))
                for call in batch_write_calls(SEED_TABLE, seed_items(start, stop))]
    if sys.stdin.isatty():
        _wait_for(start_at)
    else:
        print("ready", flush=True)
        sys.stdin.readline()
    began = time.monotonic()
    deadline = began + budget_s
    written = retries = 0
    for request, count in prepared:
        if time.monotonic() > deadline:
            break
        retries += write_prepared(connection, request, deadline)
        written += count
    elapsed = time.monotonic() - began
    connection.close()
    return {"items": written, "seconds": round(elapsed, 3), "retries": retries,
            "complete": written == sum(count for _, count in prepared)}


def run_boto3(port: int, seconds: float, start_at: float) -> dict[str, Any]:
    import boto3
    from botocore.config import Config
    client = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}",
                          region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test",
                          config=Config(retries={"total_max_attempts": 1}))
    key = {"pk": {"S": partition(3)}, "sk": {"S": sort_key(42)}}
    for _ in range(BOTO3_WARMUP_CALLS):
        client.get_item(TableName=ITEMS_TABLE, Key=key)
    _wait_for(start_at)
    latencies_ms: list[float] = []
    began = time.perf_counter()
    end = began + seconds
    while True:
        sent = time.perf_counter()
        if sent >= end:
            break
        answer = client.get_item(TableName=ITEMS_TABLE, Key=key)
        latencies_ms.append((time.perf_counter() - sent) * 1000)
        if "Item" not in answer:
            raise SystemExit("GetItem returned no Item")
    elapsed = time.perf_counter() - began
    return {"calls": len(latencies_ms), "seconds": round(elapsed, 3),
            "p50_ms": round(percentile(latencies_ms, 0.5), 3),
            "p99_ms": round(percentile(latencies_ms, 0.99), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dynamodb.worker")
    parser.add_argument("mode", choices=("load", "boto3"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--start-at", type=float, required=True, help="epoch seconds")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.mode == "load":
        result = run_load(args.port, args.fraction, args.worker, args.workers, args.start_at,
                          args.seconds)
    else:
        result = run_boto3(args.port, args.seconds, args.start_at)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Client processes of the event bench: ``python -m bench.events.worker MODE ...``.

The loops use the raw keep-alive clients of ``bench.events.wire`` (what boto3 sends, without
botocore's CPU cost) so that the client is not the bottleneck; the pipeline's sender uses a
boto3 client.
Each waits for a shared wall-clock start instant (so N processes run at once), works until its
count or time budget ends, and prints one JSON line: operations (or messages) done, seconds,
p50/p99 latency of one call in ms, errors.

Modes: ``s3-put`` / ``s3-get`` (objects of ``--size`` bytes), ``sqs-send`` (one message per
call), ``sqs-receive`` (ReceiveMessage of up to 10 + DeleteMessageBatch, counted per message,
stops at ``--count`` messages or an empty receive), ``sqs-fill`` (SendMessageBatch of 10 until
``--count`` messages), ``sns-publish`` (one Publish per call), ``sqs-stamped``
(SendMessageBatch of 10 bodies ``{"id", "sent"}`` for the pipeline, ids ``<prefix>-<worker>-<n>``,
paced to ``--rate`` messages/s when given).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.events.wire import S3Connection, SnsConnection, SqsConnection
from bench.load import percentile

WARMUP_CALLS = 10
BODY = "x" * 200


def client(service: str, endpoint: str) -> Any:
    import boto3
    from botocore.config import Config
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1},
                                      s3={"addressing_style": "path"}))


def _wait_for(start_at: float) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)


def _loop(call: Callable[[int], int], seconds: float, count: int,
          start_at: float) -> dict[str, Any]:
    """Run ``call(i)`` (returns units done; 0 means stop) until ``seconds`` or ``count`` units."""
    _wait_for(start_at)
    latencies_ms: list[float] = []
    done = errors = 0
    began = time.perf_counter()
    end = began + seconds
    index = 0
    while done < count:
        sent = time.perf_counter()
        if sent >= end:
            break
        try:
            units = call(index)
        except Exception as error:  # noqa: BLE001 - a failed call is counted, not fatal
            errors += 1
            if errors > 50 and errors > done:
                return {"ops": done, "seconds": round(time.perf_counter() - began, 3),
                        "errors": errors, "error": f"{type(error).__name__}: {error}"[:300]}
            index += 1
            continue
        latencies_ms.append((time.perf_counter() - sent) * 1000)
        index += 1
        if units == 0:
            break
        done += units
    elapsed = time.perf_counter() - began
    result: dict[str, Any] = {"ops": done, "seconds": round(elapsed, 3), "errors": errors,
                              "ended_at": time.time()}
    if latencies_ms:
        result["p50_ms"] = round(percentile(latencies_ms, 0.5), 3)
        result["p99_ms"] = round(percentile(latencies_ms, 0.99), 3)
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    tag = f"w{args.worker}"
    if args.mode in ("s3-put", "s3-get"):
        s3 = S3Connection(args.endpoint)
        body = b"b" * args.size
        if args.mode == "s3-put":
            def call(i: int) -> int:
                s3.put(args.target, f"{tag}/{i}", body)
                return 1
        else:
            keys = [f"seed/{n}" for n in range(args.keys)]

            def call(i: int) -> int:
                got = s3.get(args.target, keys[i % len(keys)])
                if len(got) != args.size:
                    raise RuntimeError(f"GetObject returned {len(got)} bytes")
                return 1
    elif args.mode == "sqs-send":
        raw = SqsConnection(args.endpoint)

        def call(i: int) -> int:
            raw.call("SendMessage", {"QueueUrl": args.target, "MessageBody": BODY})
            return 1
    elif args.mode == "sqs-fill":
        raw = SqsConnection(args.endpoint)
        batch = {"QueueUrl": args.target,
                 "Entries": [{"Id": str(n), "MessageBody": BODY} for n in range(10)]}

        def call(i: int) -> int:
            return len(raw.call("SendMessageBatch", batch).get("Successful", []))
    elif args.mode == "sqs-receive":
        raw = SqsConnection(args.endpoint)

        def call(i: int) -> int:
            messages = raw.call("ReceiveMessage", {
                "QueueUrl": args.target, "MaxNumberOfMessages": 10,
                "WaitTimeSeconds": 0}).get("Messages", [])
            if messages:
                raw.call("DeleteMessageBatch", {"QueueUrl": args.target, "Entries": [
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(messages)]})
            return len(messages)
    elif args.mode == "sqs-stamped":
        sqs = client("sqs", args.endpoint)
        interval_s = 10.0 / args.rate if args.rate else 0.0
        next_at = [0.0]

        def call(i: int) -> int:
            now = time.perf_counter()
            if interval_s:
                next_at[0] = max(next_at[0], now)
                if next_at[0] > now:
                    time.sleep(next_at[0] - now)
                next_at[0] += interval_s
            sent = time.time()
            answer = sqs.send_message_batch(QueueUrl=args.target, Entries=[
                {"Id": str(n), "MessageBody": json.dumps(
                    {"id": f"{args.prefix}-{tag}-{i * 10 + n}", "sent": sent})}
                for n in range(10)])
            return len(answer.get("Successful", []))
    elif args.mode == "sns-publish":
        sns = SnsConnection(args.endpoint)

        def call(i: int) -> int:
            sns.publish(args.target, BODY)
            return 1
    else:
        raise SystemExit(f"unknown mode {args.mode}")
    if args.mode in ("s3-get",):
        for i in range(WARMUP_CALLS):
            call(i)
    return _loop(call, args.seconds, args.count, args.start_at)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events.worker")
    parser.add_argument("mode")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--target", required=True, help="bucket, queue URL or topic ARN")
    parser.add_argument("--start-at", type=float, required=True, help="epoch seconds")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--count", type=int, default=10**9)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--keys", type=int, default=16)
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0.0, help="messages/s (sqs-stamped)")
    parser.add_argument("--prefix", default="m", help="message id prefix (sqs-stamped)")
    print(json.dumps(run(parser.parse_args(argv))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

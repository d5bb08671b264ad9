"""Measure SQS throughput against a running ``fogbank up`` (a script, not a test).

    python tests/sqs/measure_throughput.py [seconds_per_point] [client_processes]

Starts ``fogbank up`` on the durable test app; for queue depths 0, 10,000 and 30,000 (messages
that stay queued behind the ones measured) it measures SendMessage, SendMessageBatch and
ReceiveMessage(10)+DeleteMessageBatch from a few client processes speaking the SQS JSON
protocol over keep-alive connections (plain ``http.client``: boto3's own CPU cost per call
would otherwise dominate on a small machine), and prints messages per second. The results
are checked: every receive must return messages with receipt handles the delete accepts.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.e2e.test_durability import free_port, start_up  # noqa: E402
from tests.sqs.conftest import APPS  # noqa: E402

HEADERS = {"Content-Type": "application/x-amz-json-1.0",
           "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/"
                            "aws4_request, SignedHeaders=host, Signature=x"}


class Sqs:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port)

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        self.connection.request("POST", "/", body=json.dumps(params),
                                headers={**HEADERS, "X-Amz-Target": f"AmazonSQS.{operation}"})
        reply = self.connection.getresponse()
        body = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{operation}: {reply.status} {body[:300]!r}")
        return dict(json.loads(body)) if body else {}


def worker(port: int, url: str, kind: str, seconds: float, out: Any) -> None:
    sqs = Sqs(port)
    done = 0
    batch = [{"Id": str(i), "MessageBody": "z" * 100} for i in range(10)]
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if kind == "send":
            sqs.call("SendMessage", {"QueueUrl": url, "MessageBody": "y" * 100})
            done += 1
        elif kind == "batch":
            result = sqs.call("SendMessageBatch", {"QueueUrl": url, "Entries": batch})
            done += len(result["Successful"])
        else:
            messages = sqs.call("ReceiveMessage", {"QueueUrl": url,
                                                   "MaxNumberOfMessages": 10}).get(
                "Messages", [])
            if messages:
                result = sqs.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": [
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages)]})
                assert len(result["Successful"]) == len(messages)
            done += len(messages)
    out.put(done)


def run(port: int, url: str, kind: str, seconds: float, processes: int) -> float:
    queue: Any = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(port, url, kind, seconds, queue))
               for _ in range(processes)]
    for process in workers:
        process.start()
    total = sum(queue.get() for _ in workers)
    for process in workers:
        process.join()
    return total / seconds


def measure(port: int, seconds: float, processes: int) -> None:
    sqs = Sqs(port)
    for depth in (0, 10_000, 30_000):
        url = sqs.call("CreateQueue", {"QueueName": f"depth-{depth}"})["QueueUrl"]
        entries = [{"Id": str(i), "MessageBody": "x" * 100} for i in range(10)]
        for _ in range(depth // 10):
            sqs.call("SendMessageBatch", {"QueueUrl": url, "Entries": entries})
        # measured messages go behind the `depth` ones, then the drain takes from the head:
        # either way `depth` messages stay queued while we measure.
        sent = run(port, url, "send", seconds, processes)
        batched = run(port, url, "batch", seconds, processes)
        drained = run(port, url, "drain", seconds, processes)
        print(f"depth {depth:>6}: SendMessage {sent:6.0f} msg/s | SendMessageBatch "
              f"{batched:6.0f} msg/s | ReceiveMessage(10)+DeleteMessageBatch {drained:6.0f} "
              "msg/s", flush=True)


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    workdir = Path(tempfile.mkdtemp())
    app_dir = workdir / "durable"
    shutil.copytree(APPS / "durable", app_dir)
    edge_port = free_port()
    server = start_up(app_dir, edge_port, free_port(), workdir / "up.log")
    try:
        measure(edge_port, seconds, processes)
    finally:
        server.kill()
        server.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)

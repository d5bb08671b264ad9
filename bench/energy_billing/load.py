"""The load: readings files through the real pipeline, with the server's memory sampled.

Files are one per meter × revision × calendar month (how settlement runs deliver them: a
whole month at revision 1, later the same month at revision 2, ...), generated before the
clock starts and uploaded revision by revision. The load is complete when every file has
its ingest report and the chunk queue holds no message, visible or in flight.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.load import BenchError
from bench.procs import descendants, rss_kb, tree_rss_mb

LAYER = Path(__file__).resolve().parents[2] / "examples" / "energy-billing" / "layers" / \
    "billing" / "python"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))

from billing.sample import csv_bytes, readings, sample_mpan  # noqa: E402
from billing.settlement import periods_in_day  # noqa: E402

LINE_ITEMS = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POLL_S = 0.25


@dataclass(frozen=True)
class ReadingsFile:
    name: str
    body: bytes
    rows: int


def month_spans(first_day: date, day_count: int) -> Iterator[tuple[date, int]]:
    """(first day, number of days) of each calendar month touched by the range."""
    day, left = first_day, day_count
    while left > 0:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        span = min(left, (following - day).days)
        yield day, span
        day, left = day + timedelta(days=span), left - span


def build_files(meters: int, first_day: date, day_count: int, revisions: int
                ) -> list[ReadingsFile]:
    files = []
    for revision in range(1, revisions + 1):
        for index in range(meters):
            mpan = sample_mpan(index)
            for start, span in month_spans(first_day, day_count):
                rows = sum(periods_in_day(start + timedelta(days=d)) for d in range(span))
                body = csv_bytes(readings([mpan], start, span, [revision]))
                files.append(ReadingsFile(f"{mpan}-r{revision}-{start:%Y-%m}.csv", body, rows))
    return files


@dataclass
class MemorySampler:
    """Peak RSS of the server's process tree (server + Lambda workers), sampled in a thread."""

    pid: int
    interval_s: float = 0.25
    peak_tree_mb: float = 0.0
    peak_server_mb: float = 0.0
    processes_at_peak: int = 0
    server_cpu_s: float = 0.0  # CPU the server process used while sampling
    workers_cpu_s: float = 0.0  # CPU its descendants (Lambda workers) used meanwhile
    _cpu_at_start: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        tree_mb, processes = tree_rss_mb(self.pid)
        if tree_mb > self.peak_tree_mb:
            self.peak_tree_mb, self.processes_at_peak = tree_mb, processes
        self.peak_server_mb = max(self.peak_server_mb, rss_kb(self.pid) / 1024)

    def _cpu(self) -> dict[int, float]:
        return {pid: cpu_s(pid) for pid in [self.pid, *descendants(self.pid)]}

    def __enter__(self) -> MemorySampler:
        self._cpu_at_start = self._cpu()

        def run() -> None:
            while not self._stop.wait(self.interval_s):
                self.sample()
        self.sample()
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        self.sample()
        used = {pid: cpu - self._cpu_at_start.get(pid, 0.0) for pid, cpu in self._cpu().items()}
        self.server_cpu_s = used.pop(self.pid, 0.0)
        self.workers_cpu_s = sum(used.values())  # workers that exited meanwhile are not seen


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _queue_depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return sum(int(v) for v in attributes.values())


def _reports(s3: Any, bucket: str) -> int:
    count, token = 0, None
    while True:
        page = s3.list_objects_v2(Bucket=bucket, Prefix="reports/",
                                  **({"ContinuationToken": token} if token else {}))
        count += int(page.get("KeyCount", 0))
        token = page.get("NextContinuationToken")
        if not token:
            return count


def run_load(s3: Any, sqs: Any, outputs: dict[str, str], files: list[ReadingsFile],
             deadline: float) -> dict[str, Any]:
    """Upload every file and wait until the pipeline is idle; raise past ``deadline``."""
    began = time.perf_counter()
    for readings_file in files:
        s3.put_object(Bucket=outputs["ReadingsBucketName"], Key=f"incoming/{readings_file.name}",
                      Body=readings_file.body)
    uploaded_s = time.perf_counter() - began
    reported_s = None
    while True:
        reports = _reports(s3, outputs["ReportsBucketName"])
        if reports == len(files) and reported_s is None:
            reported_s = time.perf_counter() - began
        depth = _queue_depth(sqs, outputs["ChunkQueueUrl"])
        if reports == len(files) and depth == 0:
            break
        if time.monotonic() > deadline:
            raise BenchError(
                f"the load did not finish within the time limit: {reports} of {len(files)} "
                f"files reported, {depth} chunk messages still queued or in flight after "
                f"{time.perf_counter() - began:.0f} s (raise --time-limit or lower --days)")
        time.sleep(POLL_S)
    return {"load_s": round(time.perf_counter() - began, 2), "upload_s": round(uploaded_s, 2),
            "all_reported_s": round(reported_s or 0.0, 2)}


def count_items(dynamodb: Any, table: str, mpans: list[str]) -> int:
    total = 0
    for mpan in mpans:
        params: dict[str, Any] = {"TableName": table, "Select": "COUNT",
                                  "KeyConditionExpression": "pk = :pk",
                                  "ExpressionAttributeValues": {":pk": {"S": mpan}}}
        while True:
            page = dynamodb.query(**params)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return total


def run_aggregation(lambda_client: Any, function_name: str, deadline: float
                    ) -> dict[str, Any]:
    """Invoke the aggregation until nothing is pending (each run is bounded by its timeout)."""
    import json

    began, runs, days, months = time.perf_counter(), 0, 0, 0
    while True:
        reply = lambda_client.invoke(FunctionName=function_name, Payload=b"{}")
        payload = json.loads(reply["Payload"].read())
        if reply.get("FunctionError"):
            raise BenchError(f"the aggregation failed: {payload}")
        runs, days, months = runs + 1, days + payload["days"], months + payload["months"]
        if payload["stillPending"] == 0:
            break
        if time.monotonic() > deadline:
            raise BenchError("the aggregation did not finish within the time limit")
    return {"aggregation_s": round(time.perf_counter() - began, 2), "aggregation_runs": runs,
            "days_aggregated": days, "months_aggregated": months}

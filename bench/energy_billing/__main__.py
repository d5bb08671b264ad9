"""``python -m bench.energy_billing``: load meter-years of half-hourly readings through the
energy-billing example on fogbank, then time its bills. See ``bench/README.md``."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from bench.energy_billing import report
from bench.energy_billing.load import (
    LINE_ITEMS,
    MemorySampler,
    build_files,
    count_items,
    run_aggregation,
    run_load,
)
from bench.energy_billing.serve import time_gets
from bench.energy_billing.server import BillingServer, client
from bench.load import BenchError
from bench.procs import tree_rss_mb

BENCH_DIR = Path(__file__).resolve().parents[1]
METER_YEAR_ROWS = 17_520 * 6

METHOD = """\
`fogbank up` runs a copy of `examples/energy-billing` (unchanged template, durable state in a
temporary directory) on free loopback ports. The readings are generated first (deterministic
`billing.sample`, not timed): one CSV file per meter × revision × calendar month, 17,520
half-hours × 6 revisions × 30 line items = 3,153,600 data points per meter-year, ~27 MB of CSV.

- **Load**: the files are uploaded with boto3 `PutObject`, revision by revision (as settlement
  runs deliver them). Each upload triggers the ingest function (S3 notification), which
  validates every row and sends chunks of ≤ 24 KiB (~75 rows) with `SendMessageBatch`; the
  SQS event source mapping (batch 10, `ScalingConfig.MaximumConcurrency` = worker
  concurrency) drives the worker function, which writes each row as one item with
  `BatchWriteItem` (25 per call) and marks its days for aggregation. The load time runs from
  the first upload to the moment every file has its ingest report and the chunk queue holds no
  message (visible or in flight), polled every 0.25 s. Then the stored items are counted
  (`Query` `Select=COUNT` per meter) and the DLQ is read: every row must be there, nothing dead.
- **Memory**: RSS of the `fogbank up` process and all its descendants (the Lambda worker
  processes), from `/proc`, sampled every 0.25 s during the load and the aggregation.
- **Aggregation**: the aggregation function invoked directly (what its schedule does) until
  no day is pending: every day's latest revisions summed into a day item, then month items.
- **Bills**: sequential `GET /meters/{mpan}/bill` over one keep-alive connection to the API
  port (10 unrecorded warm-up requests), p50/p99: a whole month before aggregation (from
  8,928 half-hour items), a whole month after it (one month item), 16 days with partial days
  at both ends (day items + half-hours), a day's half-hours, and a year (12 month items) when
  a whole year is loaded.
"""

def findings(run: dict[str, Any]) -> str:
    """What this run shows beyond the table, from its own figures."""
    memory, lines = run.get("memory", {}), []
    if memory.get("load_cpu_server_s"):
        lines.append(
            f"- **The pipeline is bound by the functions, not the server.** During the load the "
            f"Lambda worker processes used {memory['load_cpu_lambda_workers_s']} CPU-seconds "
            f"and the fogbank server {memory['load_cpu_server_s']} "
            f"({memory['load_cpu_lambda_workers_s'] / memory['load_cpu_server_s']:.1f}×): "
            "botocore serialising BatchWriteItem requests and parsing SQS batches, the "
            "Powertools parser validating each chunk and the row checks. More workers do not "
            "help on 2 CPUs: on 2026-11-28 at a load average of about 9 the same meter-year "
            "with `--worker-concurrency 8` took 64 s and 706 MiB, against 44 s and 470 MiB "
            "with 4 a few minutes before.")
    if memory.get("peak_tree_mb"):
        lines.append(
            f"- **Memory is the Lambda environments.** The server process peaked at "
            f"{memory['peak_server_mb']} MiB; the tree at {memory['peak_tree_mb']} MiB with "
            f"{memory['processes_at_peak']} processes — each warm Python environment with "
            "boto3, Powertools and pydantic holds ~60 MiB, as on AWS. Memory is bounded by "
            "concurrency, so the template bounds it: the SQS mapping's MaximumConcurrency "
            "(4) and the ingest function's reserved concurrency (2). Without the latter, 72 "
            "uploads in a burst would start up to 72 ingest environments: fogbank's account "
            "concurrency is AWS's default 1,000, with no limit tied to the machine's memory.")
    raw, month = _bill(run, "month_raw"), _bill(run, "month_aggregated")
    if raw and month:
        lines.append(
            f"- **Aggregates are what make a month fast.** A month from its 8,928 half-hour "
            f"items (6 revisions × 1,488) took {raw['p50_ms']:,.0f} ms p50, from its month item "
            f"{month['p50_ms']} ms. The half-hours are three 1 MB Query pages: measured apart "
            "(same items, load average ~8), fogbank answered them in ~450 ms over raw HTTP "
            "(~150 ms per 1 MB page, the \"first 1 MB page\" figure of RESULTS-dynamodb.md) "
            "and boto3 took ~600–850 ms in all, so DynamoDB's large-page Query speed is the "
            "first limit on bills read from half-hours, boto3's parsing the second. Small "
            "ranges are cheap: a day's 288 items take ~4 ms on the server. The parsing cost is "
            "also why the readings keep their 30 line items in one attribute: with 30 number "
            "attributes boto3 took ~90–220 ms for a day's half-hours instead of ~13 ms, and "
            "BatchWriteItem of a month of readings took 2.5× longer (measured while choosing "
            "the key design).")
    return "\n".join([*lines, NO_PEER])


def _bill(run: dict[str, Any], key: str) -> dict[str, Any] | None:
    bills = run.get("bills") or {}
    result = bills.get(key)
    return result if isinstance(result, dict) else None


NO_PEER = """\
- **No peer is measured.** The workload is an application — S3 notifications → Lambda → SQS
  event source mapping → Lambda → DynamoDB, a schedule and an HTTP API — so a peer must run
  Lambda functions with their event sources. moto's server mode runs no functions without
  Docker (none here), and MiniStack's S3 → Lambda and SQS → Lambda wires are measured in
  `RESULTS-events.md` (its SQS → Lambda pipeline ran at 277–388 msg/s there against
  fogbank's 1,800–2,300, and a SAM `HttpApi` event does not serve there, see `RESULTS.md`),
  so the comparison would only repeat those figures at a larger scale. The DynamoDB part alone
  (a meter-year by BatchWriteItem from 4 client processes) is compared with moto and dynalite in
  `RESULTS-dynamodb.md`.
"""


def machine() -> dict[str, Any]:
    cpu_model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_model": cpu_model,
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
            "python": platform.python_version(), "kernel": platform.release()}


def bill_month(first_day: date, day_count: int) -> tuple[date, date]:
    """The first whole calendar month in the range (or the whole range if there is none)."""
    last_day = first_day + timedelta(days=day_count - 1)
    month = first_day if first_day.day == 1 else date(
        first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(1)
    return (month, month_end) if month_end <= last_day else (first_day, last_day)


def measure(args: argparse.Namespace, run: dict[str, Any], workdir: Path) -> None:
    deadline = time.monotonic() + args.time_limit
    files = build_files(args.meters, args.start, args.days, args.revisions)
    rows = sum(f.rows for f in files)
    run["scale"].update(files=len(files), rows=rows, data_points=rows * LINE_ITEMS,
                        csv_mb=round(sum(len(f.body) for f in files) / 2 ** 20, 1))
    server = BillingServer()
    try:
        server.start(workdir, {"WorkerConcurrency": str(args.worker_concurrency)}, 120)
        run["deployed_s"] = server.details["deployed_s"]
        edge = server.edge_url
        s3, sqs, dynamodb = client("s3", edge), client("sqs", edge), client("dynamodb", edge)
        assert server.process is not None
        print(f"deployed in {run['deployed_s']} s; loading {len(files)} files, {rows:,} rows "
              f"({rows * LINE_ITEMS:,} data points)", flush=True)
        with MemorySampler(server.process.pid) as memory:
            load = run_load(s3, sqs, server.outputs, files, deadline)
        load["rows_per_s"] = round(rows / load["load_s"])
        load["data_points_per_s"] = round(rows * LINE_ITEMS / load["load_s"])
        load["meter_year_s"] = round(METER_YEAR_ROWS / load["rows_per_s"], 1)
        run["load"] = load
        run["memory"] = {"peak_tree_mb": round(memory.peak_tree_mb, 1),
                         "peak_server_mb": round(memory.peak_server_mb, 1),
                         "processes_at_peak": memory.processes_at_peak,
                         "load_cpu_server_s": round(memory.server_cpu_s, 1),
                         "load_cpu_lambda_workers_s": round(memory.workers_cpu_s, 1),
                         "tree_after_load_mb": round(tree_rss_mb(server.process.pid)[0], 1)}
        print(f"loaded in {load['load_s']} s ({load['rows_per_s']:,} rows/s); peak RSS "
              f"{memory.peak_tree_mb:.0f} MiB", flush=True)
        mpans = sorted({f.name.split("-")[0] for f in files})
        dlq = sqs.get_queue_attributes(QueueUrl=server.outputs["ChunkDeadLetterQueueUrl"],
                                       AttributeNames=["ApproximateNumberOfMessages"])
        run["verify"] = {"items": count_items(dynamodb, server.outputs["ReadingsTableName"],
                                              mpans),
                         "dlq": int(dlq["Attributes"]["ApproximateNumberOfMessages"])}
        mpan, api = mpans[0], server.api_url
        first, last = bill_month(args.start, args.days)
        month = {"from": first.isoformat(), "to": last.isoformat()}
        path = f"/meters/{mpan}/bill"
        bills = run["bills"] = {}
        bills["month_raw"] = time_gets(api, path, month, 10, 1, deadline)
        lambda_client = client("lambda", edge, read_timeout_s=330)
        with MemorySampler(server.process.pid) as memory:
            run["aggregation"] = run_aggregation(
                lambda_client, server.outputs["AggregateFunctionName"], deadline)
        run["memory"]["peak_tree_aggregation_mb"] = round(memory.peak_tree_mb, 1)
        bills["month_aggregated"] = time_gets(api, path, month, args.bill_requests, 10, deadline)
        if args.days >= 26:
            bills["range_mixed"] = time_gets(api, path, {
                "from": (args.start + timedelta(9)).isoformat(), "fromPeriod": 13,
                "to": (args.start + timedelta(24)).isoformat(), "toPeriod": 30},
                args.bill_requests // 2, 10, deadline)
        bills["day_half_hours"] = time_gets(api, f"/meters/{mpan}/halfhours",
                                            {"date": args.start.isoformat()},
                                            args.bill_requests // 2, 10, deadline)
        if args.days >= 365 and args.start.day == 1:
            year_end = args.start + timedelta(days=364)
            bills["year_aggregated"] = time_gets(api, path, {
                "from": args.start.isoformat(), "to": year_end.isoformat()},
                args.bill_requests // 4, 10, deadline)
        run["memory"]["tree_at_end_mb"] = round(tree_rss_mb(server.process.pid)[0], 1)
        run["memory"]["peak_tree_run_mb"] = max(run["memory"]["peak_tree_mb"],
                                                run["memory"]["peak_tree_aggregation_mb"],
                                                run["memory"]["tree_at_end_mb"])
    finally:
        run["fogbank"] = server.version()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meters", type=int, default=1)
    parser.add_argument("--days", type=int, default=31,
                        help="days per meter (default 31; 365 is the full meter-year)")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--revisions", type=int, default=6, choices=range(1, 7))
    parser.add_argument("--worker-concurrency", type=int, default=4)
    parser.add_argument("--bill-requests", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=900,
                        help="abort past this many seconds (default 900)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    began = time.perf_counter()
    run: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
        "argv": " ".join(argv if argv is not None else sys.argv[1:]),
        "scale": {"meters": args.meters, "days": args.days, "start": args.start.isoformat(),
                  "revisions": args.revisions, "worker_concurrency": args.worker_concurrency}}
    workdir = Path(tempfile.mkdtemp(prefix="bench-energy-billing-"))
    code = 0
    try:
        measure(args, run, workdir)
    except (BenchError, KeyboardInterrupt) as error:
        run["error"] = str(error) or type(error).__name__
        print(f"bench stopped: {run['error']}", file=sys.stderr)
        code = 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    run["total_s"] = round(time.perf_counter() - began, 1)
    run["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(report.text_table(run))
    if not args.no_write:
        report.write_json(BENCH_DIR / "results-energy-billing.json", run)
        report.write_markdown(BENCH_DIR / "RESULTS-energy-billing.md", run, METHOD,
                              findings(run))
        print(f"wrote {BENCH_DIR / 'RESULTS-energy-billing.md'}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())

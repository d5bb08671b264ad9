"""``python -m bench.product_data [--products N]``: a full refresh of N products through the
product-data example on fogbank, end to end; see ``bench/product_data/__init__.py``."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench.load import BenchError
from bench.product_data import report
from bench.product_data.flow import Settings, run
from bench.product_data.server import ProductDataServer
from bench.report import machine, write_json

BENCH_DIR = Path(__file__).resolve().parents[1]
DEPLOY_DEADLINE_S = 180.0

METHOD = """\
`fogbank up` runs a copy of `examples/product-data` (unchanged template, durable state in a
temporary directory) on free loopback ports. The clock starts, and then, from the bench
process, `refresh.py`'s `refresh()` writes the synthetic catalogue (brands of 1,000
products, then every price, then every product) with boto3 `BatchWriteItem` from 4 threads —
the full refresh a master system would send.

- The cascade: three DynamoDB stream mappings (products and prices: batch 100,
  ParallelizationFactor 4; brands: batch 10) drive the denormaliser (Powertools
  `BatchProcessor`, one conditional `UpdateItem` per product); the model table's stream
  (batch 100, ParallelizationFactor 4) drives the publisher (SNS `PublishBatch`, 10 per call,
  message attributes); the topic fans out by filter policy to six SQS queues (raw message
  delivery); three per-change receivers are SQS event source mappings (batch 100, 1 s
  batching window, `MaximumConcurrency` 2) on one receiver function (conditional `PutItem`
  into the inbox table per change); three batched receivers are drained by the batcher
  function into JSON-lines/CSV files in S3 (≤ 5,000 rows per file, ledger table for
  cross-run deduplication). Their schedules (5 min to 1 h) are stood in for by invoking the
  batcher every 10 s per receiver from the bench (same function, same input as the rule's).
- Progress: every 2 s, `DescribeTable` item counts (exact on fogbank) of the model and inbox
  tables, the batchers' reported export counts, and the RSS of the `fogbank up` process and
  of its whole process tree (Lambda workers included) from `/proc`.
- End-to-end completion: from the first write of the refresh to the moment the last
  receiver has everything it should (inbox count and exported count reach the expected
  totals).
- Accounting, after the run: the expected keys per receiver are each product's INSERT
  (`sku#1`) wherever the receiver's filter policy matches the publisher's attributes for it;
  each receiver's output is read back in full (inbox: Query of its partition; batched: every
  export file in S3) and compared: lost = expected − delivered, duplicates in output = rows −
  distinct keys. "Duplicates dropped by dedup" counts redeliveries the receivers saw and
  discarded (inbox conditional puts that failed; batcher ledger hits).
- Bounded: the run aborts at `--limit-s` (default 3,600 s) with a clear message and reports
  what had arrived by then; every process is stopped by PID.
"""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.product_data", description=__doc__)
    parser.add_argument("--products", type=int, default=10_000,
                        help="catalogue size (default 10,000; the issue's figure is 100,000)")
    parser.add_argument("--limit-s", type=float, default=3600.0,
                        help="abort the run after this many seconds (default 3,600)")
    parser.add_argument("--batch-every-s", type=float, default=10.0)
    parser.add_argument("--notes", default="", help="free text added to RESULTS")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if not 1 <= args.products <= 1_000_000:
        parser.error("--products must be between 1 and 1,000,000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    server = ProductDataServer()
    record: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                              "machine": machine(), "version": server.version(),
                              "notes": args.notes}
    scratch = Path(tempfile.mkdtemp(prefix="bench-product-data-"))
    try:
        print(f"bench: deploying examples/product-data (state in {scratch}) …", flush=True)
        server.start(scratch, DEPLOY_DEADLINE_S)
        record["deployed_s"] = server.details["deployed_s"]
        print(f"bench: refreshing {args.products:,} products …", flush=True)
        record["result"] = run(server, Settings(products=args.products, limit_s=args.limit_s,
                                                batch_every_s=args.batch_every_s))
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    record["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(report.summary(record), flush=True)
    if not args.no_write:
        write_json(BENCH_DIR / "results-product-data.json", record)
        (BENCH_DIR / "RESULTS-product-data.md").write_text(report.markdown(record, METHOD))
        print(f"bench: wrote {BENCH_DIR / 'RESULTS-product-data.md'}", flush=True)
    result = record["result"]
    clean = result["completed"] and not any(
        r["lost"] or r["duplicates_in_output"] for r in result["receivers"].values())
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())

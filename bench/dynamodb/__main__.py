"""``python -m bench.dynamodb``: fogbank, moto (server mode) and dynalite side by side."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from bench.dynamodb import report
from bench.dynamodb.install import ensure_dynalite, ensure_moto
from bench.dynamodb.servers import (
    CannedServer,
    DynaliteServer,
    DynamoServer,
    FogbankServer,
    MotoServer,
)
from bench.dynamodb.steps import Settings, measure_canned, measure_server
from bench.dynamodb.workload import FULL_SEED_ITEMS
from bench.load import BenchError, require_wrk
from bench.report import machine, write_json

BENCH_DIR = Path(__file__).resolve().parents[1]
PEER_NAMES = ("fogbank", "moto", "dynalite-memory", "dynalite-disk")

METHOD = """\
Each server is started on a free loopback port, gets two tables (`pk`/`sk` strings, on demand;
fogbank's `bench-items` comes from an `AWS::DynamoDB::Table` in the template it is started with,
the rest through CreateTable), and `bench-items` is preloaded with 20,000 items (~150 bytes: 20
partitions × 1,000 sort keys) by BatchWriteItem over one keep-alive connection.

- **Replayed load**: `wrk -t1 -cC -dD s --latency` with a Lua script that replays 2,000 distinct
  pre-built requests round-robin (each signed once with botocore's SigV4 — no server verifies
  signatures), after an unrecorded 1 s warm-up run. GetItem of random existing keys; PutItem of
  new items; Query `pk = :p AND sk >= :s` with `Limit 100` (always a full 100-item page);
  UpdateItem `SET n = n + :one` with `ConditionExpression attribute_exists(pk) AND n >= :zero`
  (always true). ops/s counts only 2xx answers; wrk shares the 2 CPUs with the server.
- **boto3**: `client.get_item` of one existing item in a loop for B s (boto3 client, retries
  off, 20 unrecorded warm-up calls), from 1 process and from 4 processes started together; the
  same loop against `bench/dynamodb/canned.py`, an asyncio server answering every request with
  the same canned GetItem response, is the client-bound ceiling.
- **Seed workload** (half-hourly energy billing): one meter; sort key
  `<half-hour>#L<line>#R<revision>`; a meter-year is 17,520 half-hours × 30 line items × 6
  revisions = 3,153,600 items (~170 bytes). Run at fraction F of the year (the first F × 17,520
  half-hours, all lines and revisions), written by 4 worker processes started together, each a
  contiguous slice of half-hours as BatchWriteItem of 25 over one keep-alive connection (raw
  HTTP; every request body encoded and SigV4-signed by the worker before the clock starts, as
  wrk's are — signing with botocore costs ~1 ms of client CPU per call, which the 4 clients
  would otherwise take from the server's 2 CPUs; the workers start on a ready/go handshake;
  UnprocessedItems resent), bounded by S s. items/s = items ÷
  the slowest worker's time; the full-size time is 3,153,600 ÷ that rate (a linear
  extrapolation: it assumes the rate stays flat as the table grows 20×, which favours every
  server). RSS is the server's process tree (`/proc/PID/statm`) right after the load.
- **Month query**: `pk = :meter AND sk BETWEEN :day AND :day+30d` from a random start day inside
  the loaded range, timed round trip on a keep-alive connection, p50 over up to Q samples
  (10 s budget, at least one) after up to 3 warm-ups: with `Limit 100` (the first 100-item page
  — what the < 5 ms target is read as) and without a limit (the first 1 MB page; skipped when
  the 100-item page already takes over 500 ms). A server whose seed load stopped at its budget
  is queried on what it holds.
- **Server CPU**: user + system CPU time of the server's process tree (`/proc/PID/stat`) over
  each recorded wrk run and over the seed load, divided by the requests (items) served: the
  figure least disturbed by other work on the machine. 15,000 GetItem/s needs ≤ 66.7 µs per
  request on one core; the 3-minute meter-year needs ≤ 57 µs per item.
- Between wrk runs the harness waits (at most 20 s) until the server's process tree uses under
  10 % of a CPU, so work it still does for requests wrk abandoned is not charged to the next
  step.
- Everything on 127.0.0.1 with ports chosen free at run time; every server and worker process
  is stopped by PID at the end, also on failure and Ctrl-C/SIGTERM.
"""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dynamodb", description=__doc__)
    parser.add_argument("--peers", default=",".join(PEER_NAMES),
                        help=f"comma-separated servers (default: {','.join(PEER_NAMES)})")
    parser.add_argument("--duration", type=float, default=5.0,
                        help="seconds per wrk run (default 5, at most 30)")
    parser.add_argument("--boto3-seconds", type=float, default=3.0,
                        help="seconds per boto3 GetItem run (default 3, at most 30)")
    parser.add_argument("--seed-fraction", type=float, default=0.05,
                        help="fraction of the 3.15 M-item meter-year to load (default 0.05)")
    parser.add_argument("--seed-budget", type=float, default=60.0,
                        help="seconds the seed load may take per server (default 60, at most 300)")
    parser.add_argument("--moto-seed-budget", type=float, default=15.0,
                        help="seconds moto's seed load may take (default 15: it loads about 15× "
                             "slower and its Query scans, so a full fraction would take minutes)")
    parser.add_argument("--skip-seed", default="",
                        help="comma-separated servers to run without the seed workload")
    parser.add_argument("--venv", type=Path, default=BENCH_DIR / ".venv",
                        help="virtualenv for moto (default bench/.venv)")
    parser.add_argument("--node-dir", type=Path, default=BENCH_DIR / ".node",
                        help="npm prefix for dynalite (default bench/.node)")
    parser.add_argument("--rerender", action="store_true",
                        help="measure nothing: rewrite RESULTS-dynamodb.md from the last "
                             "results-dynamodb.json")
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave results-dynamodb.json and "
                             "RESULTS-dynamodb.md alone")
    args = parser.parse_args(argv)
    args.peers = [name.strip().lower() for name in args.peers.split(",") if name.strip()]
    unknown = sorted(set(args.peers) - set(PEER_NAMES))
    if unknown:
        parser.error(f"unknown server(s) {', '.join(unknown)}; "
                     f"choose from {', '.join(PEER_NAMES)}")
    if not (0 < args.duration <= 30 and 0 < args.boto3_seconds <= 30
            and 0 < args.seed_fraction <= 1 and 0 < args.seed_budget <= 300
            and 0 < args.moto_seed_budget <= 300):
        parser.error("--duration and --boto3-seconds in (0, 30], --seed-fraction in (0, 1], "
                     "--seed-budget and --moto-seed-budget in (0, 300]")
    return args


def _servers(args: argparse.Namespace, skipped: list[dict[str, object]]) -> list[DynamoServer]:
    servers: list[DynamoServer] = []
    for name in args.peers:
        try:
            if name == "fogbank":
                servers.append(FogbankServer())
            elif name == "moto":
                ensure_moto(args.venv)
                servers.append(MotoServer(args.venv))
            else:
                ensure_dynalite(args.node_dir)
                servers.append(DynaliteServer(args.node_dir, on_disk=name == "dynalite-disk"))
        except (BenchError, OSError) as error:
            skipped.append({"peer": name, "version": "?", "durable": False, "findings": [],
                            "error": f"not installed: {error}"})
    return servers


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _method(args: argparse.Namespace, connections: int, query_samples: int) -> str:
    return (METHOD.replace("-cC", f"-c{connections}")
            .replace("-dD s", f"-d{args.duration:g}s")
            .replace("loop for B s", f"loop for {args.boto3_seconds:g} s")
            .replace("fraction F", f"fraction {args.seed_fraction:g}")
            .replace("F × 17,520", f"{args.seed_fraction:g} × 17,520")
            .replace("by S s", f"by {args.seed_budget:g} s (moto: {args.moto_seed_budget:g} s)")
            .replace("up to Q samples", f"up to {query_samples} samples"))


def _rerender() -> int:
    run = json.loads((BENCH_DIR / "results-dynamodb.json").read_text())
    args = argparse.Namespace(duration=run["duration_s"], boto3_seconds=run["boto3_seconds"],
                              seed_fraction=run["seed_fraction"],
                              seed_budget=run["seed_budget_s"],
                              moto_seed_budget=run.get("moto_seed_budget_s", 15.0))
    settings = Settings()
    method = _method(args, settings.connections, settings.query_samples)
    (BENCH_DIR / "RESULTS-dynamodb.md").write_text(report.render_markdown(run, method))
    print(f"rewrote {BENCH_DIR / 'RESULTS-dynamodb.md'} from results-dynamodb.json")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.rerender:
        return _rerender()
    try:
        require_wrk()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    settings = Settings(duration_s=args.duration, boto3_seconds=args.boto3_seconds,
                        seed_fraction=args.seed_fraction, seed_budget_s=args.seed_budget,
                        moto_seed_budget_s=args.moto_seed_budget,
                        skip_seed=tuple(n.strip() for n in args.skip_seed.split(",") if n.strip()))
    started = time.monotonic()
    box = machine()
    results: list[dict[str, object]] = []
    servers = _servers(args, results)
    print("bench: measuring the canned-response ceiling …", flush=True)
    results.append(measure_canned(CannedServer(), settings))
    for server in servers:
        print(f"bench: measuring {server.name} …", flush=True)
        # measure_server stops the server's processes in its own finally, also on Ctrl-C.
        result = measure_server(server, settings)
        if result["error"]:
            print(f"bench: {server.name} failed: {result['error']}", file=sys.stderr)
        results.append(result)
    run = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": box,
           "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
           "duration_s": args.duration, "boto3_seconds": args.boto3_seconds,
           "seed_fraction": args.seed_fraction, "seed_budget_s": args.seed_budget,
           "moto_seed_budget_s": args.moto_seed_budget,
           "full_seed_items": FULL_SEED_ITEMS,
           "elapsed_s": round(time.monotonic() - started, 1), "results": results}
    print()
    print(report.print_table(results))
    for line in [*report.ceiling_lines(results), *report.notes(results)]:
        print(line)
    if not args.no_write:
        method = _method(args, settings.connections, settings.query_samples)
        write_json(BENCH_DIR / "results-dynamodb.json", run)
        (BENCH_DIR / "RESULTS-dynamodb.md").write_text(report.render_markdown(run, method))
        print(f"\nwrote {BENCH_DIR / 'results-dynamodb.json'} and "
              f"{BENCH_DIR / 'RESULTS-dynamodb.md'}")
    return 0 if all(not r.get("error") for r in results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nbench: interrupted; the servers it started were stopped", file=sys.stderr)
        sys.exit(130)

"""``python -m bench``: fogbank and MiniStack side by side on one SAM app, in one run."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from bench import measure, report
from bench.load import BenchError, require_wrk
from bench.peers import Fogbank, MiniStack, Peer
from bench.venv import ensure_peer_venv

BENCH_DIR = Path(__file__).resolve().parent
PEER_NAMES = ("fogbank", "ministack")

METHOD = f"""\
Both peers deploy the same SAM app (`bench/app/template.yaml`: an HTTP API route `GET /ping` to a
silent Python 3.11 function returning `{{"statusCode": 200, "body": "ok"}}`, plus an identical
function with no events for the Lambda Invoke cold start). fogbank runs from the current
interpreter (`fogbank up TEMPLATE --port-edge P --port-api Q`); MiniStack runs from the plain
virtualenv `bench/.venv` (`ministack`, `GATEWAY_PORT=P BIND_HOST=127.0.0.1 LOG_LEVEL=WARNING`,
default local Lambda executor, no Docker) and gets the app as a user deploys it there: code zipped
to its S3, then CloudFormation `CreateStack` (MiniStack applies the SAM transform itself).
A peer that deploys `template.yaml` but does not serve its route is measured with
`template-explicit.yaml` (the same app with the HTTP API written as `AWS::ApiGatewayV2::*`
resources); the findings above say when that happened.

- **up**: from the server process start to the first `200` from the route (polled every 10 ms);
  "deployed" is when the peer reported the stack ready (fogbank: its "fogbank is up" line,
  MiniStack: `CREATE_COMPLETE` after health, bucket, upload and `CreateStack`). The first start
  is in a fresh copy of the app (no state, fogbank's SAM transform not cached). fogbank's own
  bytecode is written first, untimed, as `pip install` does for MiniStack's venv (this matters
  where `PYTHONDONTWRITEBYTECODE` is set and fogbank is an editable install).
- **up again**: fogbank stopped after all other steps and started once more on the same app
  and state directory (what a developer's next `fogbank up` does); MiniStack keeps no state
  between starts, so it has no such row.
- **cold**: the first `200` of the route (the first request through the API after deploy,
  on a new connection), and the first boto3 `Invoke` of the never-invoked second function
  (after one `GetFunction` on the same client, so client setup and connect are not counted).
- **idle RSS**: sum of `/proc/PID/statm` resident pages of the server and all its descendants,
  {measure.IDLE_SETTLE_S:g} s after the cold starts (so the warm workers are included).
- **API**: `wrk -t1 --latency --timeout 10s` (keep-alive connections) for D s at 1 and at 16
  connections, after {measure.WARMUP_REQUESTS} sequential requests each on a new connection
  (their p50 is the "new conn per request" row), and before the 16-connection run, unrecorded
  {measure.WARMUP_WRK_S:g} s wrk runs at 16 connections until two in a row agree within
  {measure.WARMUP_SETTLED:.0%} (at most {measure.WARMUP_WRK_RUNS}); wrk shares the machine's CPUs
  with the server.
- **Invoke**: boto3 `Invoke` round trips (no retries) after {measure.INVOKE_WARMUP} warm-up
  calls, up to N calls or {measure.INVOKE_BUDGET_S:g} s.
- Everything on 127.0.0.1 with ports chosen free at run time; every process started is
  stopped by PID at the end.
"""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--peers", default=",".join(PEER_NAMES),
                        help="comma-separated peers to run (default: fogbank,ministack)")
    parser.add_argument("--duration", type=float, default=5.0,
                        help="seconds per wrk run (default 5, at most 30)")
    parser.add_argument("--invokes", type=int, default=200,
                        help="timed Lambda Invoke calls (default 200, at most 2000)")
    parser.add_argument("--venv", type=Path, default=BENCH_DIR / ".venv",
                        help="virtualenv for the peers (default bench/.venv)")
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave results.json and RESULTS.md alone")
    args = parser.parse_args(argv)
    args.peers = [name.strip().lower() for name in args.peers.split(",") if name.strip()]
    unknown = sorted(set(args.peers) - set(PEER_NAMES))
    if unknown:
        parser.error(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEER_NAMES)}")
    if not 0 < args.duration <= 30 or not 0 < args.invokes <= 2000:
        parser.error("--duration must be in (0, 30] and --invokes in (0, 2000]")
    return args


def _peers(names: list[str], venv_dir: Path) -> list[Peer]:
    peers: list[Peer] = []
    for name in names:
        if name == "fogbank":
            peers.append(Fogbank())
        else:
            peers.append(MiniStack(venv_dir))
    return peers


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        require_wrk()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    if "ministack" in args.peers:
        ensure_peer_venv(args.venv)
    signal.signal(signal.SIGTERM, _terminate)
    settings = measure.Settings(app_dir=BENCH_DIR / "app", duration_s=args.duration,
                                invoke_count=args.invokes)
    started = time.monotonic()
    box = report.machine()
    results = []
    for peer in _peers(args.peers, args.venv):
        print(f"bench: measuring {peer.name} …", flush=True)
        # measure_peer stops the peer's processes in its own finally, also on Ctrl-C.
        result = measure.measure_peer(peer, settings)
        if result["error"]:
            print(f"bench: {peer.name} failed: {result['error']}", file=sys.stderr)
        results.append(result)
    box["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    run = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": box, "duration_s": args.duration,
           "invoke_count": args.invokes, "elapsed_s": round(time.monotonic() - started, 1),
           "results": results}
    header, table = report.rows(results)
    print()
    print(report.text_table(header, table))
    for line in report.notes(results):
        print(line)
    if not args.no_write:
        report.write_json(BENCH_DIR / "results.json", run)
        report.write_markdown(BENCH_DIR / "RESULTS.md", run,
                              METHOD.replace(" D s", f" {args.duration:g} s")
                              .replace("up to N calls", f"up to {args.invokes} calls"))
        print(f"\nwrote {BENCH_DIR / 'results.json'} and {BENCH_DIR / 'RESULTS.md'}")
    return 0 if all(not r["error"] for r in results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nbench: interrupted; the servers it started were stopped", file=sys.stderr)
        sys.exit(130)

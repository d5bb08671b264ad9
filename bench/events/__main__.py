"""``python -m bench.events``: S3, SQS, SNS and the event wires — fogbank, moto (server mode)
and MiniStack side by side."""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench.dynamodb.install import ensure_moto
from bench.events import report
from bench.events.e2e import E2ESettings, measure_wires
from bench.events.servers import EventServer, FogbankEvents, MiniStackEvents, MotoEvents
from bench.events.steps import Settings, measure_s3, measure_sns, measure_sqs
from bench.report import machine, write_json
from bench.venv import ensure_peer_venv

BENCH_DIR = Path(__file__).resolve().parents[1]
SERVER_NAMES = ("fogbank", "moto", "ministack")
GROUPS = ("s3", "sqs", "sns", "wires")

METHOD = """\
Each server is started on a free loopback port, one after the other. fogbank (`fogbank up`) and
MiniStack (CloudFormation `CreateStack` of the packaged template) get the bench app
(`bench/events/app/template.yaml`); moto's server mode runs no functions without Docker, so it is
measured on the single operations only.

- **Single operations**: W worker processes (1, then 4) started together, each calling one
  operation in a loop for S seconds (default 3) over a raw keep-alive HTTP client that sends
  what boto3 sends — S3 path-style REST with unsigned payloads, SQS's JSON protocol, SNS's
  query protocol — with a SigV4 header signed once (no server verifies signatures; four boto3
  processes would otherwise be the bottleneck on 2 CPUs: with boto3 every server measured
  ~300 S3 PUT/s);
  rate = all calls ÷ the slowest worker's time; p50 is the median of the workers' p50s;
  server CPU per operation = the user + system CPU time of the server's process tree (from
  `/proc`) over the run, including the workers' 2 s start delay, ÷ the calls (less noisy
  than rates when other work shares the CPUs).
  S3: PutObject of new keys and GetObject of 16 pre-written keys, 1 KiB and 1 MiB bodies.
  SQS SendMessage: 200-byte bodies.
  SQS Receive+Delete: ReceiveMessage (up to 10, no wait) then DeleteMessageBatch of what came,
  counted per message, at most 3,000 messages per run, on a queue first filled (4 processes,
  SendMessageBatch) with D + 6,000 messages, so D messages stay queued behind the ones the runs
  consume (D = 0, 10,000, 30,000; the fill is bounded at 60 s, and the table's notes give
  the depth a slow server actually reached). SNS: Publish to a topic with three SQS
  subscriptions; after
  the run the harness polls the queues' ApproximateNumberOfMessages (every 0.2 s) until all
  3 × published copies are there (at most 30 s) and reports how long after the last Publish
  that was (0 when they were all there at the first poll).
- **Wires** (fogbank and MiniStack): one event at a time, each awaited, 50 per wire after one
  unrecorded warm-up event; the handler stores `time.time()` at entry in a DynamoDB table, and
  the latency is that minus the client's `time.time()` just before its call. S3 PutObject (keys
  with spaces) → S3 notification → function; SQS SendMessage → event source mapping (batch 1) →
  function; DynamoDB PutItem → stream → event source mapping → function.
- **Pipeline**: 10,000 messages sent by 4 processes with SendMessageBatch, bodies carrying an id
  and the send time, paced at 2,000 msg/s in total, then unpaced; an event source mapping
  (batch 10) gives them to a function that writes each to DynamoDB with the time just before
  its BatchWriteItem. msg/s = rows ÷ (last write − first send); latency = write − send, p50/p99.
  Bounded at 90 s per run; a server that has not written everything by then is reported on what
  it wrote.
- Everything on 127.0.0.1; every process is stopped by PID at the end, also on failure and
  Ctrl-C/SIGTERM. The machine's 2 CPUs are shared by the clients and the server.
"""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__)
    parser.add_argument("--servers", default=",".join(SERVER_NAMES),
                        help=f"comma-separated (default: {','.join(SERVER_NAMES)})")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per run (≤ 30)")
    parser.add_argument("--depths", default="0,10000,30000",
                        help="SQS queue depths for Receive+Delete")
    parser.add_argument("--events", type=int, default=50, help="events per wire")
    parser.add_argument("--pipeline-messages", type=int, default=10_000)
    parser.add_argument("--venv", type=Path, default=BENCH_DIR / ".venv")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--only", default=",".join(GROUPS),
                        help=f"comma-separated parts to run (default: {','.join(GROUPS)}); "
                             "a partial run prints only, it does not rewrite the results")
    args = parser.parse_args(argv)
    args.only = {name.strip().lower() for name in args.only.split(",") if name.strip()}
    if not args.only <= set(GROUPS):
        parser.error(f"--only takes {', '.join(GROUPS)}")
    if args.only != set(GROUPS):
        args.no_write = True
    args.seconds = min(max(args.seconds, 0.5), 30.0)
    return args


def _measure(server: EventServer, settings: Settings, e2e: E2ESettings,
             only: set[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"server": server.name, "version": server.version(),
                              "runs_functions": server.runs_functions}
    with tempfile.TemporaryDirectory(prefix=f"bench-events-{server.name}-") as scratch:
        try:
            endpoint = server.start(Path(scratch))
            result.update(server.details)
            result["ops"] = {}
            settings = dataclasses.replace(settings, cpu_probe=server.cpu_seconds)
            for name, step in (("s3", measure_s3), ("sqs", measure_sqs), ("sns", measure_sns)):
                if name not in only:
                    continue
                try:
                    result["ops"][name] = step(endpoint, settings)
                except Exception as error:  # noqa: BLE001 - one service failing ends only it
                    result["ops"][name] = {"error": f"{type(error).__name__}: {error}"[:600]}
                server.check_alive()
                print(f"bench: {server.name} {name} done", flush=True)
            if server.runs_functions and "wires" in only:
                result["wires"] = measure_wires(endpoint, e2e)
        except Exception as error:  # noqa: BLE001 - reported, the other servers still run
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            server.stop()
            shutil.rmtree(scratch, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    wanted = [name.strip().lower() for name in args.servers.split(",") if name.strip()]
    servers: list[EventServer] = []
    if "fogbank" in wanted:
        servers.append(FogbankEvents())
    if "moto" in wanted:
        ensure_moto(args.venv)
        servers.append(MotoEvents(args.venv))
    if "ministack" in wanted:
        ensure_peer_venv(args.venv)
        servers.append(MiniStackEvents(args.venv))

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    settings = Settings(seconds=args.seconds,
                        depths=tuple(int(d) for d in args.depths.split(",") if d.strip()))
    e2e = E2ESettings(events=args.events, pipeline_messages=args.pipeline_messages)
    run: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                           "machine": machine(), "results": []}
    began = time.monotonic()
    try:
        for server in servers:
            print(f"bench: measuring {server.name} …", flush=True)
            run["results"].append(_measure(server, settings, e2e, args.only))
    finally:
        for server in servers:
            server.stop()
    run["seconds"] = round(time.monotonic() - began, 1)
    run["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    report.print_table(run["results"])
    if not args.no_write:
        write_json(BENCH_DIR / "results-events.json", run)
        (BENCH_DIR / "RESULTS-events.md").write_text(report.markdown(run, METHOD))
        print(f"bench: wrote {BENCH_DIR / 'RESULTS-events.md'}", flush=True)
    return 1 if any(r.get("error") for r in run["results"]) else 0


if __name__ == "__main__":
    sys.exit(main())

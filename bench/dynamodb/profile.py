"""``python -m bench.dynamodb.profile``: fogbank's server CPU time per DynamoDB request.

A development tool next to the bench, not part of its table. It runs one fogbank server
(``CloudServer`` in a child process, optionally under cProfile), creates the bench tables,
preloads the 20,000 capacity items, then for each chosen operation replays the bench's
requests with wrk (or, for ``seed``, runs the bench's BatchWriteItem load workers) and prints
the server process's CPU time per request (user + system, from ``/proc``): a figure far less
noisy than throughput on a shared machine. With ``--cprofile FILE`` the server writes its
cProfile stats to FILE when it stops (read them with ``python -m pstats FILE``).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bench.dynamodb.conn import DynamoConnection
from bench.dynamodb.servers import REPO_ROOT, _env
from bench.dynamodb.steps import (
    REPLAYED_REQUESTS,
    _cpu_s,
    _workers,
    ensure_table,
    preload,
    run_wrk_script,
    wait_until_idle,
)
from bench.dynamodb.wire import raw_request, wrk_script
from bench.dynamodb.workload import ITEMS_TABLE, OPERATIONS, SEED_TABLE, operation_calls
from bench.load import BenchError
from bench.procs import ServerProcess, descendants, tree_rss_mb
from bench.procs import free_port as pick_port

CHOICES = (*OPERATIONS, "seed")
SEED_BUDGET_S = 300.0
T = TypeVar("T")


def serve(port: int, state_dir: Path, profile_path: Path | None) -> None:
    """The child: a fogbank cloud on ``port`` until SIGTERM, profiled when asked."""
    from fogbank.server import loop as event_loop
    from fogbank.server.runner import CloudServer

    async def run() -> None:
        server = CloudServer(state_dir, edge_port=port, api_port=0)
        await server.start()
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("profile server ready", flush=True)
        await stop.wait()
        await server.stop()

    profiler = cProfile.Profile() if profile_path else None
    if profiler is not None:
        profiler.enable()
    try:
        event_loop.run(run())
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile_path))


def _start(workdir: Path, profile_path: Path | None) -> tuple[ServerProcess, int]:
    port = pick_port()
    argv = [sys.executable, "-m", "bench.dynamodb.profile", "--serve", str(port),
            "--state-dir", str(workdir / "state")]
    if profile_path is not None:
        argv += ["--cprofile", str(profile_path)]
    process = ServerProcess(argv, workdir / "server.log", _env({"PYTHONUNBUFFERED": "1"}),
                            cwd=REPO_ROOT)
    deadline = time.monotonic() + 60
    while "profile server ready" not in process.log_text():
        if process.exit_code() is not None or time.monotonic() > deadline:
            raise BenchError(f"the server did not start:\n{process.log_tail()}")
        time.sleep(0.05)
    return process, port


def _peak_rss_mb(pid: int) -> float:
    """The server process's peak resident set size (``VmHWM``) in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _measure(pid: int, run: Callable[..., T], *args: Any) -> tuple[float, T]:
    """``run(*args)`` and the CPU seconds the server's process tree used meanwhile."""
    pids = [pid, *descendants(pid)]
    before = _cpu_s(pids)
    result = run(*args)
    return _cpu_s(pids) - before, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dynamodb.profile", description=__doc__)
    parser.add_argument("--ops", default="GetItem",
                        help=f"comma-separated, from {', '.join(CHOICES)} (default GetItem)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run (at most 30)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed-fraction", type=float, default=0.02)
    parser.add_argument("--cprofile", type=Path, help="write the server's cProfile stats here")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--state-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.state_dir, args.cprofile)
        return 0
    ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    if any(op not in CHOICES for op in ops) or not 0 < args.seconds <= 30:
        parser.error(f"--ops from {', '.join(CHOICES)}; --seconds in (0, 30]")
    with tempfile.TemporaryDirectory(prefix="bench-ddb-profile-") as tmp:
        workdir = Path(tmp)
        process, port = _start(workdir, args.cprofile.resolve() if args.cprofile else None)
        try:
            connection = DynamoConnection(port)
            for table in (ITEMS_TABLE, SEED_TABLE):
                ensure_table(connection, table)
            cpu, loaded = _measure(process.pid, preload, connection)
            connection.close()
            print(f"preload: {loaded}; server CPU {cpu * 1e6 / 20000:.0f} µs/item", flush=True)
            for op in ops:
                wait_until_idle(process.pid)
                if op == "seed":
                    cpu, results = _measure(process.pid, _workers, "load", port, 4,
                                            SEED_BUDGET_S,
                                            ["--fraction", f"{args.seed_fraction:g}"])
                    items = sum(r["items"] for r in results)
                    seconds = max(r["seconds"] for r in results)
                    rss = tree_rss_mb(process.pid)[0]
                    peak = _peak_rss_mb(process.pid)
                    # the 2 s start delay of the workers is idle time, not server work
                    print(f"seed: {items} items in {seconds:.2f} s = {items / seconds:,.0f} "
                          f"items/s; server CPU {cpu * 1e6 / items:.1f} µs/item; RSS {rss:.0f} "
                          f"MiB (peak {peak:.0f} MiB); load {os.getloadavg()[0]:.2f}", flush=True)
                    continue
                host = f"127.0.0.1:{port}"
                script = workdir / f"{op}.lua"
                script.write_text(wrk_script([raw_request(host, call) for call in
                                              operation_calls(op, REPLAYED_REQUESTS)]))
                run_wrk_script(port, script, args.connections, 1.0)
                wait_until_idle(process.pid)
                cpu, result = _measure(process.pid, run_wrk_script, port, script,
                                       args.connections, args.seconds)
                requests = result["requests"]
                print(f"{op}: {result['ok_per_s']:,.0f} ok/s (non-2xx {result['non_2xx']}), "
                      f"p50 {result['p50_ms']} ms; server CPU {cpu * 1e6 / requests:.1f} µs/req"
                      f" ({cpu / args.seconds:.2f} CPUs); load {os.getloadavg()[0]:.2f}",
                      flush=True)
        finally:
            process.stop()
            if args.cprofile:
                print(f"cProfile stats in {args.cprofile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure one DynamoDB server: tables, preload, replayed load (wrk), boto3, seed load, queries.

Returns a plain dict (the server's entry in ``results-dynamodb.json``). A step that fails ends
that server's measurement with ``error`` set; what was measured before stays in the dict. Every
loop is bounded in count and time.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.dynamodb.conn import DynamoConnection, write_all
from bench.dynamodb.servers import REPO_ROOT, DynamoServer
from bench.dynamodb.wire import Call, batch_write_calls, create_table_call, raw_request, wrk_script
from bench.dynamodb.workload import (
    ITEMS_TABLE,
    OPERATIONS,
    QUERY_PAGE,
    SEED_TABLE,
    capacity_items,
    month_query,
    operation_calls,
    seed_half_hours,
)
from bench.load import BenchError, parse_wrk, percentile, require_wrk
from bench.procs import descendants, tree_rss_mb

REPLAYED_REQUESTS = 2000
TABLE_ACTIVE_DEADLINE_S = 30.0
PRELOAD_DEADLINE_S = 120.0
WORKER_START_DELAY_S = 2.0
WARMUP_WRK_S = 1.0
IDLE_POLL_S = 0.5
IDLE_CPU_SHARE = 0.1
IDLE_MAX_WAIT_S = 20.0
SLOW_PAGE_MS = 500.0


@dataclass(frozen=True)
class Settings:
    duration_s: float = 5.0
    connections: int = 16
    boto3_seconds: float = 3.0
    boto3_processes: tuple[int, ...] = (1, 4)
    seed_fraction: float = 0.05
    seed_workers: int = 4
    seed_budget_s: float = 60.0
    moto_seed_budget_s: float = 15.0
    query_samples: int = 50
    query_budget_s: float = 10.0
    skip_seed: tuple[str, ...] = ()


def ensure_table(connection: DynamoConnection, table: str) -> None:
    """Create ``table`` (pk/sk strings) unless it exists, then wait until it is ACTIVE."""
    if table not in connection.call(Call("ListTables", {})).get("TableNames", []):
        connection.call(create_table_call(table))
    deadline = time.monotonic() + TABLE_ACTIVE_DEADLINE_S
    while True:
        status = connection.call(Call("DescribeTable", {"TableName": table}))["Table"].get(
            "TableStatus")
        if status == "ACTIVE":
            return
        if time.monotonic() > deadline:
            raise BenchError(f"table {table} still {status} after {TABLE_ACTIVE_DEADLINE_S:g} s")
        time.sleep(0.05)


def preload(connection: DynamoConnection) -> dict[str, float]:
    started = time.monotonic()
    deadline = started + PRELOAD_DEADLINE_S
    count = retries = 0
    for call in batch_write_calls(ITEMS_TABLE, capacity_items()):
        retries += write_all(connection, call, deadline)
        count += len(call.body["RequestItems"][ITEMS_TABLE])
        if time.monotonic() > deadline:
            raise BenchError(f"preloading stopped after {count} items at the "
                             f"{PRELOAD_DEADLINE_S:g} s deadline")
    elapsed = time.monotonic() - started
    return {"items": count, "seconds": round(elapsed, 3), "items_per_s": round(count / elapsed),
            "retries": retries}


def _cpu_s(pids: list[int]) -> float:
    total_ticks = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total_ticks += int(fields[11]) + int(fields[12])
    return total_ticks / os.sysconf("SC_CLK_TCK")


def wait_until_idle(root_pid: int) -> float:
    """Wait (at most IDLE_MAX_WAIT_S) until the server tree uses under 10 % of a CPU, so work
    it still does for abandoned requests is not charged to the next step; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < IDLE_MAX_WAIT_S:
        pids = [root_pid, *descendants(root_pid)]
        before = _cpu_s(pids)
        time.sleep(IDLE_POLL_S)
        if _cpu_s(pids) - before < IDLE_CPU_SHARE * IDLE_POLL_S:
            break
    return round(time.monotonic() - started, 1)


def run_wrk_script(port: int, script: Path, connections: int, duration_s: float) -> dict[str, Any]:
    argv = [require_wrk(), "-t1", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "10s",
            "--latency", "-s", str(script), f"http://127.0.0.1:{port}/"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False,
                              timeout=duration_s + 30)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"wrk did not finish within {duration_s + 30:g} s") from error
    if done.returncode != 0 or done.stderr.strip():
        # A Lua error is only printed: wrk then sends plain GET / requests, never what we built.
        raise BenchError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    result = asdict(parse_wrk(done.stdout, connections, duration_s))
    good = result["requests"] - result["non_2xx"] - result["socket_errors"]
    result["ok_per_s"] = round(max(0, good) / duration_s, 1)
    return result


def server_pids(server: DynamoServer) -> list[int]:
    """The server's process tree (empty when it runs in no process of ours)."""
    if server.process is None:
        return []
    return [server.process.pid, *descendants(server.process.pid)]


def _cpu_figures(cpu_s: float, count: int, elapsed_s: float) -> dict[str, float | None]:
    """Server CPU time (user + system of its process tree) per request and CPUs it used: far
    less sensitive to other load on the machine than throughput (None without requests)."""
    return {"server_cpu_us_per_op": round(cpu_s * 1e6 / count, 1) if count else None,
            "server_cpus": round(cpu_s / elapsed_s, 2) if elapsed_s else None}


def replayed_load(server: DynamoServer, workdir: Path, settings: Settings) -> dict[str, Any]:
    """For each operation: a short unrecorded warm-up, then one recorded wrk run."""
    results: dict[str, Any] = {}
    host = f"127.0.0.1:{server.port}"
    for operation in OPERATIONS:
        requests = [raw_request(host, call)
                    for call in operation_calls(operation, REPLAYED_REQUESTS)]
        script = workdir / f"{operation}.lua"
        script.write_text(wrk_script(requests))
        run_wrk_script(server.port, script, settings.connections, WARMUP_WRK_S)
        server.check_alive()
        if server.process is not None:
            wait_until_idle(server.process.pid)
        pids = server_pids(server)
        cpu_before = _cpu_s(pids)
        results[operation] = run_wrk_script(server.port, script, settings.connections,
                                            settings.duration_s)
        results[operation].update(_cpu_figures(_cpu_s(pids) - cpu_before,
                                               results[operation]["requests"],
                                               settings.duration_s))
        server.check_alive()
        if server.process is not None:
            results[operation]["idle_wait_s"] = wait_until_idle(server.process.pid)
    return results


def _workers(mode: str, port: int, count: int, seconds: float,
             extra: list[str]) -> list[dict[str, Any]]:
    """Run ``count`` worker processes starting together; their JSON results. ``load`` workers
    prepare their requests first and start on a ready/go handshake; ``boto3`` workers start at
    a shared wall-clock instant."""
    start_at = time.time() + WORKER_START_DELAY_S
    handshake = mode == "load"
    processes = [subprocess.Popen(
        [sys.executable, "-m", "bench.dynamodb.worker", mode, "--port", str(port),
         "--start-at", f"{start_at:.3f}", "--seconds", f"{seconds:g}",
         "--worker", str(index), "--workers", str(count), *extra],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.PIPE if handshake else subprocess.DEVNULL)
        for index in range(count)]
    results: list[dict[str, Any]] = []
    try:
        if handshake:
            for process in processes:
                assert process.stdout is not None and process.stdin is not None
                line = process.stdout.readline()  # bounded: the worker exits on any failure
                if line.strip() != "ready":
                    raise BenchError(f"{mode} worker did not get ready: {line.strip()!r}")
            for process in processes:
                assert process.stdin is not None
                process.stdin.write("go\n")
                process.stdin.flush()
        for process in processes:
            out, err = process.communicate(timeout=WORKER_START_DELAY_S + seconds + 300)
            if process.returncode != 0:
                raise BenchError(f"{mode} worker failed (exit {process.returncode}): "
                                 f"{err.strip()[-800:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return results


def boto3_getitem(port: int, settings: Settings) -> dict[str, Any]:
    """GetItem through boto3 from 1 and from 4 processes at once: calls/s (sum) and p50."""
    figures: dict[str, Any] = {}
    for count in settings.boto3_processes:
        results = _workers("boto3", port, count, settings.boto3_seconds, [])
        figures[f"p{count}"] = {
            "calls_per_s": round(sum(r["calls"] / r["seconds"] for r in results), 1),
            "p50_ms": round(sorted(r["p50_ms"] for r in results)[len(results) // 2], 3),
            "processes": results}
    return figures


def seed_budget_s(server: DynamoServer, settings: Settings) -> float:
    return settings.moto_seed_budget_s if server.name == "moto" else settings.seed_budget_s


def seed_load(server: DynamoServer, settings: Settings) -> dict[str, Any]:
    pids = server_pids(server)
    cpu_before = _cpu_s(pids)
    results = _workers("load", server.port, settings.seed_workers, seed_budget_s(server, settings),
                       ["--fraction", f"{settings.seed_fraction:g}"])
    cpu_s = _cpu_s(pids) - cpu_before  # includes the workers' preparation (server idle)
    items = sum(r["items"] for r in results)
    seconds = max(r["seconds"] for r in results)
    rss_mb, processes = tree_rss_mb(server.process.pid) if server.process else (0.0, 0)
    return {"items": items, "seconds": seconds, "items_per_s": round(items / seconds, 1),
            **_cpu_figures(cpu_s, items, seconds),
            "complete": all(r["complete"] for r in results),
            "retries": sum(r["retries"] for r in results),
            "rss_mb_after": round(rss_mb, 1), "rss_processes": processes}


def month_queries(port: int, settings: Settings, days_loaded: int) -> dict[str, Any]:
    """p50 of a month-range Query: first 100-item page, and a first full (1 MB) page."""
    rng = random.Random(11)
    connection = DynamoConnection(port)
    figures: dict[str, Any] = {}
    for label, limit in (("page100", QUERY_PAGE), ("page1mb", None)):
        if label == "page1mb" and figures["page100"]["p50_ms"] > SLOW_PAGE_MS:
            figures[label] = {"skipped": f"the 100-item page already took "
                                         f"{figures['page100']['p50_ms']:,.0f} ms (p50)"}
            continue
        deadline = time.monotonic() + settings.query_budget_s
        samples: list[float] = []
        items: list[int] = []
        for _ in range(3):  # unrecorded warm-up, inside the budget
            if time.monotonic() < deadline:
                connection.call(month_query(rng.randrange(max(1, days_loaded)), limit))
        while not samples or (len(samples) < settings.query_samples
                              and time.monotonic() < deadline):
            prepared = connection.prepare(month_query(rng.randrange(max(1, days_loaded)), limit))
            elapsed_ms, answer = connection.timed(prepared)
            samples.append(elapsed_ms)
            items.append(int(answer.get("Count", 0)))
        figures[label] = {"p50_ms": round(percentile(samples, 0.5), 3),
                          "p99_ms": round(percentile(samples, 0.99), 3),
                          "samples": len(samples), "items_p50": sorted(items)[len(items) // 2]}
    connection.close()
    return figures


def measure_server(server: DynamoServer, settings: Settings) -> dict[str, Any]:
    result: dict[str, Any] = {"peer": server.name, "version": server.version(),
                              "durable": server.durable, "error": None, "findings": []}
    with tempfile.TemporaryDirectory(prefix=f"bench-ddb-{server.slug}-") as tmp:
        workdir = Path(tmp)
        try:
            started = time.perf_counter()
            port = server.start(workdir)
            result["ready_s"] = round(time.perf_counter() - started, 3)
            connection = DynamoConnection(port)
            for table in (ITEMS_TABLE, SEED_TABLE):
                ensure_table(connection, table)
            steps_s = result.setdefault("step_s", {})
            mark = time.monotonic()
            print(f"bench: {server.name}: preloading 20,000 items …", flush=True)
            result["preload"] = preload(connection)
            connection.close()
            result["rss_mb_after_preload"] = round(tree_rss_mb(server.process.pid)[0], 1) \
                if server.process else None
            steps_s["preload"], mark = round(time.monotonic() - mark, 1), time.monotonic()
            print(f"bench: {server.name}: replayed load …", flush=True)
            result["wrk"] = replayed_load(server, workdir, settings)
            steps_s["wrk"], mark = round(time.monotonic() - mark, 1), time.monotonic()
            print(f"bench: {server.name}: boto3 GetItem …", flush=True)
            result["boto3"] = boto3_getitem(port, settings)
            steps_s["boto3"], mark = round(time.monotonic() - mark, 1), time.monotonic()
            if server.name in settings.skip_seed:
                result["findings"].append("seed workload skipped (see the notes)")
            else:
                print(f"bench: {server.name}: seed load …", flush=True)
                result["seed"] = seed_load(server, settings)
                server.check_alive()
                if not result["seed"]["complete"]:
                    result["findings"].append(
                        f"seed load stopped at the {seed_budget_s(server, settings):g} s "
                        f"budget after {result['seed']['items']:,} items; the month queries "
                        f"ran on those" + (
                            " (moto gets a shorter budget, --moto-seed-budget: it loads about "
                            "3,000 items/s, so the full fraction alone would take about a minute, "
                            "and its Query walks the whole partition)"
                            if server.name == "moto" else ""))
                days_loaded = max(1, seed_half_hours(settings.seed_fraction) // 48)
                steps_s["seed_load"], mark = round(time.monotonic() - mark, 1), time.monotonic()
                result["seed"]["queries"] = month_queries(port, settings, days_loaded)
                steps_s["month_queries"] = round(time.monotonic() - mark, 1)
        except Exception as error:  # noqa: BLE001 - any failure is a reportable state
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            server.stop()
    return result


def measure_canned(server: DynamoServer, settings: Settings) -> dict[str, Any]:
    result: dict[str, Any] = {"peer": server.name, "version": server.version(),
                              "durable": False, "error": None, "findings": []}
    with tempfile.TemporaryDirectory(prefix="bench-ddb-canned-") as tmp:
        try:
            port = server.start(Path(tmp))
            result["boto3"] = boto3_getitem(port, settings)
        except Exception as error:  # noqa: BLE001 - any failure is a reportable state
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            server.stop()
    return result

"""Measure one peer: start → deploy → route answers, cold starts, idle memory, load, Invoke.

Returns a plain dict (the peer's entry in results.json). A step that fails ends the peer's
measurement with ``error`` set to a sentence; what was measured before stays in the dict.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.load import (
    BenchError,
    invoke_round_trips,
    lambda_client,
    percentile,
    run_wrk,
    timed_get,
    timed_invoke,
    wait_for_http,
)
from bench.peers import Deployment, Peer
from bench.procs import tree_rss_mb

DEPLOY_DEADLINE_S = 30.0
ROUTE_DEADLINE_S = 3.0
IDLE_SETTLE_S = 1.0
WARMUP_REQUESTS = 20
WARMUP_WRK_S = 2.0
WARMUP_WRK_RUNS = 6
WARMUP_SETTLED = 0.25
INVOKE_WARMUP = 20
# Linux delays an ACK up to 40 ms; a keep-alive p50 that high and 10× the new-connection p50
# points at a response written in pieces with Nagle's algorithm on.
NAGLE_FLOOR_MS = 30.0
NAGLE_RATIO = 10.0
INVOKE_BUDGET_S = 30.0


@dataclass(frozen=True)
class Settings:
    app_dir: Path
    duration_s: float
    invoke_count: int
    connections: tuple[int, ...] = (1, 16)


def measure_peer(peer: Peer, settings: Settings) -> dict[str, Any]:
    result: dict[str, Any] = {"peer": peer.name, "version": peer.version(), "findings": [],
                              "error": None}
    with tempfile.TemporaryDirectory(prefix=f"bench-{peer.name.lower()}-") as tmp:
        workdir = Path(tmp)
        app_copy = workdir / "app"
        shutil.copytree(settings.app_dir, app_copy,
                        ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
        try:
            _measure_templates(peer, settings, app_copy, workdir, result)
        except BenchError as error:
            result["error"] = str(error)
        except Exception as error:  # noqa: BLE001 - a peer's failure is a result, not a crash
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            peer.stop()
    if peer.details:
        result["details"] = dict(peer.details)
    return result


def _measure_templates(peer: Peer, settings: Settings, app_copy: Path, workdir: Path,
                       result: dict[str, Any]) -> None:
    for index, template_name in enumerate(peer.templates):
        is_last = index + 1 == len(peer.templates)
        process = peer.start(app_copy / template_name, workdir)
        deployment = peer.deploy(DEPLOY_DEADLINE_S)
        result["deployed_s"] = time.perf_counter() - process.started_at
        result["template"] = template_name
        try:
            first, attempts = wait_for_http(deployment.route_url, ROUTE_DEADLINE_S)
        except BenchError as error:
            if not is_last:
                result["findings"].append(
                    f"{template_name}: deployed, but the route never answered 200 ({error}). "
                    f"Measured with {peer.templates[index + 1]} instead.")
                peer.stop()
                continue
            # Without the route, Invoke and memory can still be measured; the error says why
            # the API figures are missing.
            log_tail = process.log_tail()
            _measure_deployed(peer, settings, deployment, result, route_ok=False)
            raise BenchError(f"{template_name} deployed, but the route never answered 200 "
                             f"({error}); API figures are missing. Last lines of the "
                             f"{peer.name} log then:\n{log_tail}") from error
        result["ready_s"] = time.perf_counter() - process.started_at
        result["api_cold_ms"] = first.latency_ms
        result["api_cold_attempts"] = attempts
        _measure_deployed(peer, settings, deployment, result, route_ok=True)
        if peer.keeps_state:
            _measure_restart(peer, app_copy / template_name, workdir, result)
        return


def _measure_restart(peer: Peer, template: Path, workdir: Path, result: dict[str, Any]) -> None:
    """Stop the peer and start it again on the same app and state: a developer's usual
    ``up`` (the app deployed before, its processed template cached)."""
    peer.stop()
    process = peer.start(template, workdir)
    deployment = peer.deploy(DEPLOY_DEADLINE_S)
    wait_for_http(deployment.route_url, ROUTE_DEADLINE_S)
    result["restart_ready_s"] = time.perf_counter() - process.started_at


def _warm_up(route_url: str, connections: int) -> list[str]:
    """Unrecorded wrk runs at ``connections`` until the rate settles, so a peer has started the
    workers this concurrency needs; at most WARMUP_WRK_RUNS runs."""
    rates: list[float] = []
    for _ in range(WARMUP_WRK_RUNS):
        _drain(route_url)
        rates.append(run_wrk(route_url, connections, WARMUP_WRK_S).requests_per_s)
        if len(rates) >= 2 and abs(rates[-1] - rates[-2]) <= WARMUP_SETTLED * rates[-2]:
            return []
    shown = ", ".join(f"{rate:,.0f}" for rate in rates)
    return [f"warm-up at {connections} connections did not settle within {len(rates)} runs "
            f"of {WARMUP_WRK_S:g} s (req/s: {shown})"]


def _looks_like_nagle(keep_alive_p50_ms: float, new_connection_p50_ms: float) -> bool:
    return keep_alive_p50_ms >= NAGLE_FLOOR_MS and \
        keep_alive_p50_ms > NAGLE_RATIO * new_connection_p50_ms


def _drain(route_url: str) -> float:
    """One request on a new connection (it queues behind whatever a previous wrk run left in
    flight); its latency in ms."""
    sample = timed_get(route_url, timeout_s=60)
    if sample.status != 200:
        raise BenchError(f"GET {route_url} answered {sample.status}: {sample.body[:200]!r}")
    return sample.latency_ms


def _measure_deployed(peer: Peer, settings: Settings, deployment: Deployment,
                      result: dict[str, Any], route_ok: bool) -> None:
    assert peer.process is not None
    route_url, invoke_function = deployment.route_url, deployment.invoke_function
    client = lambda_client(deployment.endpoint_url)
    # Not an invocation: takes the client's first-call setup and connect out of the cold start.
    client.get_function(FunctionName=invoke_function)
    result["invoke_cold_ms"] = timed_invoke(client, invoke_function)

    time.sleep(IDLE_SETTLE_S)
    result["idle_rss_mb"], result["idle_processes"] = tree_rss_mb(peer.process.pid)
    if route_ok:
        _measure_api(settings, route_url, result)

    samples = invoke_round_trips(client, invoke_function, settings.invoke_count,
                                 INVOKE_WARMUP, INVOKE_BUDGET_S)
    result["invoke_count"] = len(samples)
    result["invoke_p50_ms"] = percentile(samples, 0.50)
    result["invoke_p99_ms"] = percentile(samples, 0.99)
    if len(samples) < settings.invoke_count:
        result["findings"].append(f"only {len(samples)} of {settings.invoke_count} Invoke calls "
                                  f"fit in the {INVOKE_BUDGET_S:g} s budget")
    result["loaded_rss_mb"], result["loaded_processes"] = tree_rss_mb(peer.process.pid)


def _measure_api(settings: Settings, route_url: str, result: dict[str, Any]) -> None:
    sequential_ms = [_drain(route_url) for _ in range(WARMUP_REQUESTS)]
    result["api_new_connection_p50_ms"] = percentile(sequential_ms, 0.50)
    result["wrk"] = {}
    for connections in settings.connections:
        if connections > 1:
            result["findings"] += _warm_up(route_url, connections)
        _drain(route_url)
        run = run_wrk(route_url, connections, settings.duration_s)
        result["wrk"][f"c{connections}"] = asdict(run)
        if connections == 1 and _looks_like_nagle(run.p50_ms, result["api_new_connection_p50_ms"]):
            result["findings"].append(
                f"keep-alive requests (wrk p50 {run.p50_ms:.1f} ms) are far slower than requests "
                f"on a new connection (p50 {result['api_new_connection_p50_ms']:.2f} ms): the "
                f"signature of Nagle's algorithm meeting delayed ACKs (~40 ms on Linux), i.e. "
                f"a server socket without TCP_NODELAY")
        if run.non_2xx or run.socket_errors:
            result["findings"].append(
                f"wrk at {connections} connections: {run.non_2xx} non-2xx responses, "
                f"{run.socket_errors} socket errors")

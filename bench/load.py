"""Load and latency probes: single timed HTTP GETs, wrk runs, timed Lambda Invoke calls.

Every loop here is bounded both in count and in time, and only loopback URLs are used.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

WRK_INSTALL_HINT = "wrk is not installed; install it with: apt-get install -y wrk"
_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class BenchError(Exception):
    """A step of the bench could not be measured; the message says why, as a sentence."""


class KeepAlive:
    """One keep-alive ``http.client`` connection, opened on first use and dropped (to be
    reopened) after a transport error or a ``Connection: close`` answer."""

    def __init__(self, host: str, port: int, timeout_s: float = 60.0) -> None:
        self.host, self.port = host, port
        self._timeout_s = timeout_s
        self._connection: http.client.HTTPConnection | None = None

    def round_trip(self, method: str, path: str, body: bytes | None,
                   headers: dict[str, str]) -> tuple[int, bytes]:
        """The status and body of one request."""
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port,
                                                          timeout=self._timeout_s)
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("connection", "").lower() == "close":
            self.close()
        return response.status, raw

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass(frozen=True)
class HttpSample:
    status: int
    latency_ms: float
    body: bytes


@dataclass(frozen=True)
class WrkResult:
    connections: int
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def timed_get(url: str, timeout_s: float = 10.0) -> HttpSample:
    """One GET on a fresh connection; latency from connect to the last body byte."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                            timeout=timeout_s)
    try:
        connection.request("GET", path or "/")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return HttpSample(response.status, (time.perf_counter() - started) * 1000, body)


def wait_for_http(url: str, deadline_s: float, interval_s: float = 0.01,
                  accept: frozenset[int] = frozenset({200})) -> tuple[HttpSample, int]:
    """Poll ``url`` until its status is in ``accept``; the sample and the attempts it took."""
    deadline = time.monotonic() + deadline_s
    attempts = 0
    last = "no answer"
    while True:
        attempts += 1
        try:
            sample = timed_get(url, timeout_s=max(0.5, deadline - time.monotonic()))
            if sample.status in accept:
                return sample, attempts
            last = f"HTTP {sample.status}: {sample.body[:200]!r}"
        except OSError as error:
            last = f"{type(error).__name__}: {error}"
        if time.monotonic() >= deadline:
            raise BenchError(f"{url} did not answer within {deadline_s:g} s "
                             f"({attempts} attempts; last: {last})")
        time.sleep(interval_s)


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(WRK_INSTALL_HINT)
    return wrk


def _wrk_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise BenchError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * _WRK_UNITS_MS[match.group(2)]


def parse_wrk(output: str, connections: int, duration_s: float) -> WrkResult:
    """Read the figures of ``wrk --latency`` output."""
    distribution = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if rate is None or total is None or "50" not in distribution or "99" not in distribution:
        raise BenchError(f"unreadable wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    return WrkResult(
        connections=connections, duration_s=duration_s, requests=int(total.group(1)),
        requests_per_s=float(rate.group(1)), p50_ms=_wrk_ms(distribution["50"]),
        p99_ms=_wrk_ms(distribution["99"]),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0)


def run_wrk(url: str, connections: int, duration_s: float, threads: int = 1) -> WrkResult:
    """``wrk --latency`` against ``url``; bounded by wrk's own duration plus a margin."""
    argv = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{duration_s:g}s",
            "--timeout", "10s", "--latency", url]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False,
                              timeout=duration_s + 20)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"wrk did not finish within {duration_s + 20:g} s") from error
    if done.returncode != 0:
        raise BenchError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout, connections, duration_s)


def lambda_client(endpoint_url: str) -> Any:
    """A boto3 Lambda client for a local endpoint: no retries, so every call is one round trip."""
    return boto3.client(
        "lambda", endpoint_url=endpoint_url, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60))


def timed_invoke(client: Any, function_name: str) -> float:
    """One synchronous Invoke; its round trip in ms. Raises if the function did not succeed."""
    started = time.perf_counter()
    response = client.invoke(FunctionName=function_name, Payload=b"{}")
    payload = response["Payload"].read()
    elapsed_ms = (time.perf_counter() - started) * 1000
    if response.get("FunctionError") or _status_code(payload) != 200:
        raise BenchError(f"Invoke {function_name} failed: {response.get('FunctionError')} "
                         f"{payload[:300]!r}")
    return elapsed_ms


def _status_code(payload: bytes) -> object:
    try:
        result = json.loads(payload)
    except ValueError:
        return None
    return result.get("statusCode") if isinstance(result, dict) else None


def invoke_round_trips(client: Any, function_name: str, count: int, warmup: int,
                       budget_s: float) -> list[float]:
    """Up to ``count`` timed Invokes after ``warmup`` untimed ones, stopping at ``budget_s``."""
    deadline = time.monotonic() + budget_s
    for _ in range(warmup):
        timed_invoke(client, function_name)
    samples: list[float] = []
    while len(samples) < count and time.monotonic() < deadline:
        samples.append(timed_invoke(client, function_name))
    return samples

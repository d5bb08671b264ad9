"""The bench's measuring tools: wrk output reading (and a real wrk run), percentiles, HTTP polls."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import BenchError, parse_wrk, percentile, run_wrk, timed_get, wait_for_http

WRK_OUTPUT = """\
Running 3s test @ http://127.0.0.1:54425/_aws/execute-api/acc0db32/ping
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   178.87ms  260.86ms   1.00s    83.67%
    Req/Sec    17.62      5.39    20.00     80.95%
  Latency Distribution
     50%  853.90us
     75%   54.66ms
     90%  683.79ms
     99%    1.00s {trailing}
  38 requests in 3.01s, 5.34KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:     12.63
Transfer/sec:      1.78KB
""".format(trailing=" ")


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        status = 200 if self.path == "/ping" else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_parse_wrk_reads_units_errors_and_trailing_spaces() -> None:
    result = parse_wrk(WRK_OUTPUT, connections=16, duration_s=3)
    assert result.requests == 38
    assert result.requests_per_s == 12.63
    assert result.p50_ms == pytest.approx(0.8539)
    assert result.p99_ms == pytest.approx(1000.0)
    assert result.non_2xx == 4
    assert result.socket_errors == 3


def test_parse_wrk_refuses_output_without_figures() -> None:
    with pytest.raises(BenchError, match="unreadable wrk output"):
        parse_wrk("wrk: connection refused\n", connections=1, duration_s=1)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0


def test_timed_get_and_wait_for_http(server_url: str) -> None:
    sample = timed_get(f"{server_url}/ping")
    assert (sample.status, sample.body) == (200, b"ok")
    first, attempts = wait_for_http(f"{server_url}/ping", deadline_s=5)
    assert first.status == 200 and attempts == 1
    with pytest.raises(BenchError, match="HTTP 404"):
        wait_for_http(f"{server_url}/missing", deadline_s=0.05)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_run_wrk_against_a_local_server(server_url: str) -> None:
    result = run_wrk(f"{server_url}/ping", connections=2, duration_s=1)
    assert result.requests > 0
    assert result.non_2xx == 0
    assert result.p50_ms <= result.p99_ms

"""The DynamoDB bench's table, ratios, targets and Markdown; its client and option parsing."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bench.dynamodb import report
from bench.dynamodb.__main__ import _parse
from bench.dynamodb.conn import DynamoConnection, DynamoError, write_all
from bench.dynamodb.steps import wait_until_idle
from bench.dynamodb.wire import Call


def _server_result(name: str, get_per_s: float, query_per_s: float, load_per_s: float,
                   page_ms: float, boto3_per_s: float) -> dict[str, Any]:
    run = {"ok_per_s": get_per_s, "p50_ms": 1.0, "p99_ms": 2.0, "requests": 10, "non_2xx": 0,
           "socket_errors": 0}
    return {"peer": name, "version": "1", "durable": name != "moto", "error": None,
            "findings": [], "wrk": {"GetItem": run, "Query": {**run, "ok_per_s": query_per_s}},
            "boto3": {"p1": {"calls_per_s": boto3_per_s, "p50_ms": 1.5},
                      "p4": {"calls_per_s": boto3_per_s * 2, "p50_ms": 2.0}},
            "seed": {"items": 100, "seconds": 1.0, "items_per_s": load_per_s, "complete": True,
                     "retries": 0, "rss_mb_after": 90.0,
                     "queries": {"page100": {"p50_ms": page_ms, "items_p50": 100},
                                 "page1mb": {"skipped": "slow"}}}}


RESULTS = [
    {"peer": "canned", "version": "py", "durable": False, "error": None, "findings": [],
     "boto3": {"p1": {"calls_per_s": 1000.0, "p50_ms": 1.0},
               "p4": {"calls_per_s": 2000.0, "p50_ms": 2.0}}},
    _server_result("fogbank", 16_000, 900, 20_000, 2.0, 950),
    _server_result("moto", 800, 4, 2_000, 600.0, 300),
    _server_result("dynalite (disk)", 8_000, 1_000, 10_000, 3.0, 990),
]


def _row(label: str) -> dict[str, str]:
    header, table = report.rows(RESULTS)
    row = next(r for r in table if r[0] == label)
    return dict(zip(header, row, strict=True))


def test_rows_have_servers_ratios_and_targets() -> None:
    header, _ = report.rows(RESULTS)
    assert header == ["metric", "fogbank", "moto", "dynalite (disk)", "fogbank/moto",
                      "fogbank/dynalite (disk)", "target", "fogbank meets"]
    get = _row("GetItem ops/s, 16 conn")
    assert get["fogbank"] == "16,000" and get["fogbank/moto"] == "20×"
    assert get["fogbank/dynalite (disk)"] == "2×" and get["fogbank meets"] == "yes"
    assert _row("Query 100-item pages/s, 16 conn")["fogbank meets"] == "NO"
    full = _row("seed: full 3.15 M items, extrapolated")
    assert full["fogbank"] == "157.7 s" and full["fogbank meets"] == "yes"
    assert _row("month query p50, first 1 MB page")["fogbank"] == "—"


def test_ceiling_lines_compare_with_the_canned_server() -> None:
    lines = report.ceiling_lines(RESULTS)
    assert "1,000 GetItem calls/s from 1" in lines[0]
    fogbank = next(line for line in lines if line.startswith("- fogbank"))
    assert "95% of canned (within 10 %)" in fogbank
    moto = next(line for line in lines if line.startswith("- moto"))
    assert "NOT within 10 %" in moto


def test_markdown_carries_date_machine_table_and_method() -> None:
    run = {"date": "2026-11-27 22:00 UTC", "seed_fraction": 0.05, "elapsed_s": 300,
           "loadavg_1m_at_end": 1.5,
           "machine": {"nproc": 2, "cpu_model": "cpu", "python": "3.11", "kernel": "6",
                       "wrk": "wrk 4", "loadavg_1m_at_start": 1.0},
           "results": RESULTS}
    text = report.render_markdown(run, "the method")
    assert "2026-11-27 22:00 UTC" in text and "load average 1.0" in text
    assert "| GetItem ops/s, 16 conn | 16,000 |" in text
    assert "first 1 MB page skipped: slow" in text
    assert text.rstrip().endswith("the method")


def test_error_results_render() -> None:
    broken = [{"peer": "fogbank", "version": "?", "durable": True, "findings": [],
               "error": "BenchError: no\nway\n`x`\nat\nall"}]
    header, table = report.rows(broken)
    assert header[1] == "fogbank" and all(row[1] == "—" for row in table)
    assert any("**error:**" in line for line in report.notes(broken))


class _Scripted(BaseHTTPRequestHandler):
    answers: list[tuple[int, dict[str, Any]]] = []
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        type(self).seen.append(json.loads(self.rfile.read(length)))
        status, body = type(self).answers.pop(0)
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[int, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"answers": [], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler
    finally:
        server.shutdown()
        server.server_close()


def test_connection_decodes_errors_and_write_all_resends(
        scripted: tuple[int, type[_Scripted]]) -> None:
    port, handler = scripted
    unprocessed = {"t": [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}]}
    handler.answers += [
        (400, {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
               "message": "Requested resource not found"}),
        (200, {"UnprocessedItems": unprocessed}),
        (200, {"UnprocessedItems": {}}),
    ]
    connection = DynamoConnection(port)
    with pytest.raises(DynamoError) as raised:
        connection.call(Call("DescribeTable", {"TableName": "x"}))
    assert raised.value.code == "ResourceNotFoundException" and raised.value.status == 400
    call = Call("BatchWriteItem", {"RequestItems": {"t": [
        {"PutRequest": {"Item": {"pk": {"S": "a"}}}}, *unprocessed["t"]]}})
    assert write_all(connection, call, deadline=float("inf"), backoff_s=0) == 1
    assert handler.seen[-1] == {"RequestItems": unprocessed}
    connection.close()


def test_wait_until_idle_returns_for_an_idle_process() -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert wait_until_idle(sleeper.pid) >= 0
    finally:
        sleeper.kill()
        sleeper.wait()


def test_options_are_validated() -> None:
    assert _parse([]).peers == ["fogbank", "moto", "dynalite-memory", "dynalite-disk"]
    assert _parse(["--peers", "fogbank, moto"]).peers == ["fogbank", "moto"]
    assert _parse(["--rerender"]).rerender and not _parse([]).rerender
    for bad in (["--peers", "dynamo"], ["--duration", "0"], ["--seed-fraction", "2"]):
        with pytest.raises(SystemExit):
            _parse(bad)

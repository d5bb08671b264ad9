"""The event bench's table: ratios against moto and MiniStack, the "≥ 3× moto" and absolute
targets, error notes; and the worker's bounded loop."""

from __future__ import annotations

from typing import Any

from bench.events import report
from bench.events.worker import _loop


def _result(server: str, put_per_s: float, receive_per_s: float,
            s3_wire_ms: float | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "server": server, "version": "1", "runs_functions": server != "moto",
        "ops": {"s3": {"put_1KiB_p1": {"per_s": put_per_s, "errors": 0}},
                "sqs": {"receive_30000_p4": {"per_s": receive_per_s, "errors": 0}},
                "sns": {"error": "NotImplemented: Publish"}}}
    if s3_wire_ms is not None:
        result["wires"] = {"s3": {"p50_ms": s3_wire_ms, "p99_ms": s3_wire_ms * 2}}
    return result


def _row(table: list[list[str]], label: str) -> list[str]:
    return next(row for row in table if row[0] == label)


def test_ratios_targets_and_notes() -> None:
    results = [_result("fogbank", 1200, 3500, 4.0), _result("moto", 300, 20, None),
               _result("MiniStack", 500, 25, 40.0)]
    header, table = report.rows(results)
    assert header[:4] == ["metric", "fogbank", "moto", "MiniStack"]
    assert header[4:6] == ["fb/moto", "fb/MiniStack"]
    put = _row(table, "S3 PUT 1KiB, 1 proc ops/s")
    assert put[1:6] == ["1,200", "300", "500", "4×", "2.4×"] and put[-1] == "yes"
    receive = _row(table, "SQS Receive+Delete, 30,000 queued, 4 proc msg/s")
    assert receive[-1] == "yes"
    wire = _row(table, "S3 PUT → handler start p50")
    assert wire[1:4] == ["4.00 ms", "—", "40.00 ms"] and wire[-1] == "yes"
    missing = _row(table, "SQS SendMessage, 1 proc msg/s")
    assert missing[1] == "—" and missing[-1] == ""
    lines = report.notes(results)
    assert any("ops.sns" in line and "NotImplemented" in line for line in lines)
    assert any("single operations only" in line for line in lines)


def test_three_times_moto_fails_below_three() -> None:
    _, table = report.rows([_result("fogbank", 800, 100, 30.0), _result("moto", 300, 20, None)])
    assert _row(table, "S3 PUT 1KiB, 1 proc ops/s")[-1] == "NO"
    assert _row(table, "S3 PUT → handler start p50")[-1] == "NO"
    assert _row(table, "SQS Receive+Delete, 30,000 queued, 4 proc msg/s")[-1] == "NO"


def test_worker_loop_stops_at_count_at_empty_and_after_repeated_errors() -> None:
    assert _loop(lambda i: 10, seconds=5, count=35, start_at=0)["ops"] == 40
    assert _loop(lambda i: 0 if i == 3 else 1, seconds=5, count=100, start_at=0)["ops"] == 3

    def failing(i: int) -> int:
        raise RuntimeError("down")

    result = _loop(failing, seconds=5, count=100, start_at=0)
    assert result["ops"] == 0 and result["errors"] == 51 and "down" in result["error"]

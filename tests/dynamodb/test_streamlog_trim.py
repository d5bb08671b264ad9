"""Stream records are trimmed after 24 hours by a sweep that runs every second: the trim
must find old records through an index, not by scanning every record (found by the
product-data benchmark, where the scan took a growing share of the server's CPU)."""

from __future__ import annotations

from pathlib import Path

from fogbank.core.db import Database
from fogbank.services.dynamodb.streamlog import RETENTION_S, StreamLog


def test_the_trim_finds_old_records_by_index(tmp_path: Path) -> None:
    log = StreamLog(Database(tmp_path / "streams.db"))
    plan = " ".join(str(tuple(row)) for row in log.db.query(
        "EXPLAIN QUERY PLAN DELETE FROM ddb_stream_records WHERE created_s < ?", (1.0,)))
    assert "ddb_stream_records_by_created" in plan, plan


def test_the_trim_drops_only_records_past_retention(tmp_path: Path) -> None:
    log = StreamLog(Database(tmp_path / "streams.db"))
    now_s = 2_000_000_000.0
    with log.db.transaction() as conn:
        for created_s in (now_s - RETENTION_S - 1, now_s - RETENTION_S + 1, now_s):
            conn.execute("INSERT INTO ddb_stream_records (stream_arn, created_s, record)"
                         " VALUES ('arn', ?, '{}')", (created_s,))
    with log.db.transaction() as conn:
        log.trim(conn, now_s)
    kept = log.db.query("SELECT created_s FROM ddb_stream_records ORDER BY seq")
    assert [row[0] for row in kept] == [now_s - RETENTION_S + 1, now_s]

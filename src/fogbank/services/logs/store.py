"""CloudWatch Logs records in one SQLite file: log groups, log streams and log events.

Events are rows ordered by ``(timestamp_ms, event_id)``; that pair is an event's *position*,
which the paging tokens encode. Two indexes keep reads cheap on large streams: by stream
(GetLogEvents) and by group (FilterLogEvents, interleaved across streams). A PutLogEvents
batch is one transaction: the events plus the stream's statistics.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fogbank.core.db import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS log_groups (
    group_id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    retention_days INTEGER,
    kms_key_id TEXT,
    log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
    tags TEXT NOT NULL DEFAULT '{}',
    UNIQUE (region, name)
);
CREATE TABLE IF NOT EXISTS log_streams (
    stream_id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES log_groups(group_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    first_event_ms INTEGER,
    last_event_ms INTEGER,
    last_ingestion_ms INTEGER,
    stored_bytes INTEGER NOT NULL DEFAULT 0,
    upload_seq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, name)
);
CREATE TABLE IF NOT EXISTS log_events (
    event_id INTEGER PRIMARY KEY,
    stream_id INTEGER NOT NULL REFERENCES log_streams(stream_id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    ingestion_ms INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (stream_id, timestamp_ms, event_id);
CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (group_id, timestamp_ms, event_id);
"""

Position = tuple[int, int]  # (timestamp_ms, event_id)
START: Position = (-(2**62), 0)
END: Position = (2**62, 2**62)


@dataclass(frozen=True)
class LogGroup:
    group_id: int
    region: str
    name: str
    created_ms: int
    retention_days: int | None
    kms_key_id: str | None
    log_group_class: str
    tags: dict[str, str]
    stored_bytes: int


@dataclass(frozen=True)
class LogStream:
    stream_id: int
    group_id: int
    name: str
    created_ms: int
    first_event_ms: int | None
    last_event_ms: int | None
    last_ingestion_ms: int | None
    stored_bytes: int
    upload_seq: int


@dataclass(frozen=True)
class LogEvent:
    event_id: int
    stream_id: int
    timestamp_ms: int
    ingestion_ms: int
    message: str

    @property
    def position(self) -> Position:
        return (self.timestamp_ms, self.event_id)


_GROUP_COLUMNS = (
    "g.group_id, g.region, g.name, g.created_ms, g.retention_days, g.kms_key_id,"
    " g.log_group_class, g.tags,"
    " (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.group_id)"
)
_STREAM_COLUMNS = (
    "stream_id, group_id, name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms,"
    " stored_bytes, upload_seq"
)
_STREAM_COLUMNS_OF_S = ", ".join(f"s.{name.strip()}" for name in _STREAM_COLUMNS.split(","))
_EVENT_COLUMNS = "event_id, stream_id, timestamp_ms, ingestion_ms, message"


def _group(row: Sequence[Any]) -> LogGroup:
    return LogGroup(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]),
                    row[8])


def _stream(row: Sequence[Any]) -> LogStream:
    return LogStream(*row)


def _event(row: Sequence[Any]) -> LogEvent:
    return LogEvent(*row)


class LogsStore:
    """All log groups of every region of one local cloud."""

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- log groups ---------------------------------------------------------------------

    def create_group(self, region: str, name: str, *, created_ms: int, kms_key_id: str | None,
                     log_group_class: str, tags: dict[str, str]) -> bool:
        """Insert a log group; ``False`` if one of that name exists in the region."""
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO log_groups (region, name, created_ms, kms_key_id,"
                    " log_group_class, tags) VALUES (?, ?, ?, ?, ?, ?)",
                    (region, name, created_ms, kms_key_id, log_group_class, json.dumps(tags)),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def get_group(self, region: str, name: str) -> LogGroup | None:
        rows = self.db.query(
            f"SELECT {_GROUP_COLUMNS} FROM log_groups g WHERE g.region = ? AND g.name = ?",
            (region, name),
        )
        return _group(rows[0]) if rows else None

    def delete_group(self, region: str, name: str) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM log_groups WHERE region = ? AND name = ?", (region, name)
            )
            return cursor.rowcount > 0

    def list_groups(self, region: str, *, prefix: str | None, pattern: str | None,
                    after_name: str | None, limit: int) -> list[LogGroup]:
        """Log groups in name order, after ``after_name``; ``pattern`` is a substring."""
        sql = f"SELECT {_GROUP_COLUMNS} FROM log_groups g WHERE g.region = ?"
        args: list[Any] = [region]
        if prefix:
            sql += " AND substr(g.name, 1, ?) = ?"
            args += [len(prefix), prefix]
        if pattern:
            sql += " AND instr(g.name, ?) > 0"
            args.append(pattern)
        if after_name is not None:
            sql += " AND g.name > ?"
            args.append(after_name)
        sql += " ORDER BY g.name LIMIT ?"
        args.append(limit)
        return [_group(row) for row in self.db.query(sql, tuple(args))]

    def set_retention(self, group_id: int, retention_days: int | None) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE log_groups SET retention_days = ? WHERE group_id = ?",
                         (retention_days, group_id))

    def set_tags(self, group_id: int, tags: dict[str, str]) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE log_groups SET tags = ? WHERE group_id = ?",
                         (json.dumps(tags), group_id))

    # -- log streams --------------------------------------------------------------------

    def create_stream(self, group_id: int, name: str, *, created_ms: int) -> bool:
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO log_streams (group_id, name, created_ms) VALUES (?, ?, ?)",
                    (group_id, name, created_ms),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def get_stream(self, group_id: int, name: str) -> LogStream | None:
        rows = self.db.query(
            f"SELECT {_STREAM_COLUMNS} FROM log_streams WHERE group_id = ? AND name = ?",
            (group_id, name),
        )
        return _stream(rows[0]) if rows else None

    def stream_for_put(self, region: str, group_name: str,
                       stream_name: str) -> tuple[LogStream, int | None] | None:
        """The stream and its group's retention (days) in one look-up, for PutLogEvents;
        ``None`` when either is missing."""
        rows = self.db.query(
            f"SELECT {_STREAM_COLUMNS_OF_S}, g.retention_days FROM log_groups g"
            " JOIN log_streams s ON s.group_id = g.group_id"
            " WHERE g.region = ? AND g.name = ? AND s.name = ?",
            (region, group_name, stream_name),
        )
        return (_stream(rows[0][:-1]), rows[0][-1]) if rows else None

    def delete_stream(self, stream_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM log_streams WHERE stream_id = ?", (stream_id,))

    def list_streams(self, group_id: int, *, prefix: str | None = None,
                     by_last_event: bool = False, descending: bool = False,
                     offset: int = 0, limit: int | None = None) -> list[LogStream]:
        sql = f"SELECT {_STREAM_COLUMNS} FROM log_streams WHERE group_id = ?"
        args: list[Any] = [group_id]
        if prefix:
            sql += " AND substr(name, 1, ?) = ?"
            args += [len(prefix), prefix]
        direction = "DESC" if descending else "ASC"
        if by_last_event:
            sql += f" ORDER BY COALESCE(last_event_ms, -1) {direction}, name {direction}"
        else:
            sql += f" ORDER BY name {direction}"
        sql += " LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        return [_stream(row) for row in self.db.query(sql, tuple(args))]

    # -- log events ---------------------------------------------------------------------

    def put_events(self, stream: LogStream, events: Sequence[tuple[int, str]], *,
                   ingestion_ms: int) -> int:
        """Append ``(timestamp_ms, message)`` events in one transaction; returns the stream's
        new upload sequence number."""
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO log_events (stream_id, group_id, timestamp_ms, ingestion_ms, message)"
                " VALUES (?, ?, ?, ?, ?)",
                [(stream.stream_id, stream.group_id, ts, ingestion_ms, msg) for ts, msg in events],
            )
            first_ms = min((ts for ts, _ in events), default=None)
            last_ms = max((ts for ts, _ in events), default=None)
            size = sum(len(msg) if msg.isascii() else len(msg.encode())
                       for _, msg in events)
            row = conn.execute(
                "UPDATE log_streams SET"
                " first_event_ms = CASE WHEN first_event_ms IS NULL OR ? < first_event_ms"
                "   THEN ? ELSE first_event_ms END,"
                " last_event_ms = CASE WHEN last_event_ms IS NULL OR ? > last_event_ms"
                "   THEN ? ELSE last_event_ms END,"
                " last_ingestion_ms = ?, stored_bytes = stored_bytes + ?,"
                " upload_seq = upload_seq + 1 WHERE stream_id = ? RETURNING upload_seq",
                (first_ms, first_ms, last_ms, last_ms, ingestion_ms, size, stream.stream_id),
            ).fetchone()
        return int(row[0])

    def stream_events(self, stream_id: int, *, after: Position = START, before: Position = END,
                      start_ms: int | None = None, end_ms: int | None = None,
                      limit: int, newest_first: bool) -> list[LogEvent]:
        """Up to ``limit`` events strictly between the positions ``after`` and ``before``,
        in time order; ``newest_first`` takes them from the newest end."""
        sql = (f"SELECT {_EVENT_COLUMNS} FROM log_events WHERE stream_id = ?"
               " AND (timestamp_ms, event_id) > (?, ?) AND (timestamp_ms, event_id) < (?, ?)")
        args: list[Any] = [stream_id, *after, *before]
        sql, args = _time_window(sql, args, start_ms, end_ms)
        direction = "DESC" if newest_first else "ASC"
        sql += f" ORDER BY timestamp_ms {direction}, event_id {direction} LIMIT ?"
        args.append(limit)
        found = [_event(row) for row in self.db.query(sql, tuple(args))]
        return found[::-1] if newest_first else found

    def group_events(self, group_id: int, *, stream_ids: Sequence[int] | None,
                     after: Position = START, start_ms: int | None = None,
                     end_ms: int | None = None, batch_size: int = 2000) -> Iterator[LogEvent]:
        """Events of a log group (optionally only some streams) in time order, read in
        batches so a caller may stop early."""
        while True:
            sql = (f"SELECT {_EVENT_COLUMNS} FROM log_events WHERE group_id = ?"
                   " AND (timestamp_ms, event_id) > (?, ?)")
            args: list[Any] = [group_id, *after]
            if stream_ids is not None:
                sql += f" AND stream_id IN ({','.join('?' * len(stream_ids))})"
                args += list(stream_ids)
            sql, args = _time_window(sql, args, start_ms, end_ms)
            sql += " ORDER BY timestamp_ms, event_id LIMIT ?"
            args.append(batch_size)
            rows = self.db.query(sql, tuple(args))
            for row in rows:
                yield _event(row)
            if len(rows) < batch_size:
                return
            after = (rows[-1][2], rows[-1][0])

    def stream_names(self, stream_ids: Sequence[int]) -> dict[int, str]:
        if not stream_ids:
            return {}
        rows = self.db.query(
            f"SELECT stream_id, name FROM log_streams WHERE stream_id IN"
            f" ({','.join('?' * len(stream_ids))})",
            tuple(stream_ids),
        )
        return {row[0]: row[1] for row in rows}


def _time_window(sql: str, args: list[Any], start_ms: int | None,
                 end_ms: int | None) -> tuple[str, list[Any]]:
    if start_ms is not None:
        sql += " AND timestamp_ms >= ?"
        args.append(start_ms)
    if end_ms is not None:
        sql += " AND timestamp_ms <= ?"
        args.append(end_ms)
    return sql, args

"""The ``config_*`` tables: one JSON document per (bucket, subresource), the notification
outbox and the per-bucket event sequencer."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fogbank.core.db import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS config_subresources (
    bucket TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (bucket, kind));
CREATE TABLE IF NOT EXISTS config_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS config_sequencer (
    bucket TEXT PRIMARY KEY, last_value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class OutboxEntry:
    """One delivery still owed: ``destination`` is ``{"kind", "arn"}``, ``payload`` the
    message (an S3 event document or an EventBridge entry)."""

    seq: int
    destination: dict[str, Any]
    payload: dict[str, Any]


class ConfigStore:
    """The tables above. Documents are read on every object write (is there a notification
    configuration?), so their stored text is cached here; this store is their only writer."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(SCHEMA)
        self._texts: dict[tuple[str, str], str | None] = {}  # (bucket, kind) → body

    # -- subresources ----------------------------------------------------------------

    def get(self, bucket: str, kind: str) -> Any | None:
        """A fresh copy of the stored document, or None."""
        try:
            text = self._texts[(bucket, kind)]
        except KeyError:
            rows = self.db.query("SELECT body FROM config_subresources WHERE bucket = ? AND "
                                 "kind = ?", (bucket, kind))
            text = self._texts[(bucket, kind)] = str(rows[0][0]) if rows else None
        return json.loads(text) if text is not None else None

    def put(self, bucket: str, kind: str, document: Any) -> None:
        text = json.dumps(document, separators=(",", ":"), default=_plain)
        self._texts.pop((bucket, kind), None)
        self.db.execute(
            "INSERT INTO config_subresources(bucket, kind, body) VALUES (?, ?, ?)"
            " ON CONFLICT(bucket, kind) DO UPDATE SET body = excluded.body",
            (bucket, kind, text))

    def delete(self, bucket: str, kind: str) -> None:
        self._texts.pop((bucket, kind), None)
        self.db.execute("DELETE FROM config_subresources WHERE bucket = ? AND kind = ?",
                        (bucket, kind))

    def forget(self, bucket: str) -> None:
        for cached in [cached for cached in self._texts if cached[0] == bucket]:
            del self._texts[cached]
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM config_subresources WHERE bucket = ?", (bucket,))
            conn.execute("DELETE FROM config_sequencer WHERE bucket = ?", (bucket,))

    # -- sequencer -------------------------------------------------------------------

    def next_sequencer(self, bucket: str, floor: int) -> int:
        """A value above every earlier one of this bucket and at least ``floor``."""
        with self.db.transaction() as conn:
            return next_sequencer_in(conn, bucket, floor)

    # -- outbox ----------------------------------------------------------------------

    def enqueue(self, deliveries: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[int]:
        """Store ``(destination, payload)`` pairs durably; their sequence numbers."""
        with self.db.transaction() as conn:
            return enqueue_in(conn, deliveries)

    def last_seq(self) -> int:
        return int(self.db.query("SELECT COALESCE(MAX(seq), 0) FROM config_outbox")[0][0])

    def pending(self, limit: int = 100, upto: int | None = None) -> list[OutboxEntry]:
        rows = self.db.query(
            "SELECT seq, destination, body FROM config_outbox WHERE seq <= ?"
            " ORDER BY seq LIMIT ?", (upto if upto is not None else 2**62, limit))
        return [OutboxEntry(int(row[0]), json.loads(row[1]), json.loads(row[2]))
                for row in rows]

    def entry(self, seq: int) -> OutboxEntry | None:
        rows = self.db.query(
            "SELECT seq, destination, body FROM config_outbox WHERE seq = ?", (seq,))
        return (OutboxEntry(int(rows[0][0]), json.loads(rows[0][1]), json.loads(rows[0][2]))
                if rows else None)

    def done(self, seq: int) -> None:
        self.db.execute("DELETE FROM config_outbox WHERE seq = ?", (seq,))


def next_sequencer_in(conn: sqlite3.Connection, bucket: str, floor: int) -> int:
    """``ConfigStore.next_sequencer`` inside the caller's transaction ``conn``."""
    row = conn.execute("SELECT last_value FROM config_sequencer WHERE bucket = ?",
                       (bucket,)).fetchone()
    value = max(floor, (row[0] + 1) if row else 0)
    conn.execute("INSERT INTO config_sequencer(bucket, last_value) VALUES (?, ?)"
                 " ON CONFLICT(bucket) DO UPDATE SET last_value = excluded.last_value",
                 (bucket, value))
    return int(value)


def enqueue_in(conn: sqlite3.Connection,
               deliveries: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[int]:
    """``ConfigStore.enqueue`` inside the caller's transaction ``conn``."""
    seqs: list[int] = []
    for destination, payload in deliveries:
        cursor = conn.execute("INSERT INTO config_outbox(destination, body) VALUES (?, ?)",
                              (json.dumps(destination),
                               json.dumps(payload, separators=(",", ":"))))
        seqs.append(int(cursor.lastrowid or 0))
    return seqs


def _plain(value: Any) -> Any:
    """Timestamps (lifecycle dates) are kept as ISO text; bytes as text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot store {type(value).__name__}")

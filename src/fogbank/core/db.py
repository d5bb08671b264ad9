"""SQLite in WAL mode: the durable record store every service builds on.

A ``Database`` is one SQLite file. ``Documents`` is a small JSON document table on top of it
(``kind``, ``key`` → JSON), enough for control-plane records (functions, stacks, roles);
services with richer needs create their own tables on the same ``Database``.

Durability: every write commits before the caller returns, and WAL with
``synchronous=NORMAL`` keeps committed transactions across a ``kill -9`` of the process
(only an OS crash or power loss could lose the last few).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class Database:
    """One SQLite file (or ``:memory:``) shared by a service's store."""

    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=5000")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate transaction: commits on success, rolls back on any exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def execute(self, sql: str, args: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, args)

    def query(self, sql: str, args: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._conn.execute(sql, args)
            return cursor.fetchall()

    def executescript(self, sql: str) -> None:
        with self._lock:
            self._conn.executescript(sql)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class Documents:
    """JSON documents keyed by ``(kind, key)`` in one table of a ``Database``."""

    def __init__(self, db: Database, table: str = "documents") -> None:
        if not table.isidentifier():
            raise ValueError(f"bad table name {table!r}")
        self.db = db
        self.table = table
        db.executescript(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            " kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,"
            " seq INTEGER NOT NULL DEFAULT 0,"
            " PRIMARY KEY (kind, key))"
        )

    def put(self, kind: str, key: str, doc: Any) -> None:
        with self.db.transaction() as conn:
            seq = conn.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {self.table}").fetchone()[0]
            conn.execute(
                f"INSERT INTO {self.table}(kind, key, body, seq) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(kind, key) DO UPDATE SET body = excluded.body",
                (kind, key, json.dumps(doc, separators=(",", ":")), seq),
            )

    def get(self, kind: str, key: str) -> Any | None:
        rows = self.db.query(
            f"SELECT body FROM {self.table} WHERE kind = ? AND key = ?", (kind, key)
        )
        return json.loads(rows[0][0]) if rows else None

    def delete(self, kind: str, key: str) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"DELETE FROM {self.table} WHERE kind = ? AND key = ?", (kind, key)
            )
            return cursor.rowcount > 0

    def items(self, kind: str, prefix: str = "") -> list[tuple[str, Any]]:
        """All ``(key, doc)`` of a kind in insertion order, optionally filtered by key prefix."""
        rows = self.db.query(
            f"SELECT key, body FROM {self.table} WHERE kind = ? AND substr(key, 1, ?) = ?"
            " ORDER BY seq",
            (kind, len(prefix), prefix),
        )
        return [(row[0], json.loads(row[1])) for row in rows]

    def values(self, kind: str, prefix: str = "") -> list[Any]:
        return [doc for _, doc in self.items(kind, prefix)]

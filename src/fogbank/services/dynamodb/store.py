"""DynamoDB's SQLite store: table metadata, items, index entries, stream records.

One database file (``dynamodb.db``, WAL) under the service's state directory:

- ``ddb_tables``: one JSON ``TableMeta`` document per table.
- ``ddb_items``: ``(table_id, hk, rk)`` → the encoded item, its AWS size and its TTL expiry;
  ``hk``/``rk`` are the sortable key bytes of ``keys.py`` (``rk`` is ``b""`` without a range
  key), so a Query is one range scan of the primary key.
- ``ddb_index_entries``: ``(index_id, hk, rk, thk, trk)`` — the index key then the table key;
  index reads join back to ``ddb_items``. Entries exist only for items that carry the index
  key attributes (sparse indexes).
- ``ddb_stats``: item count and bytes per table (``scope = table_id``) and per index
  (``scope = -index_id``), updated in the same transaction as each write (one UPDATE per
  table and index touched, once per batch), so DescribeTable never counts rows.
- stream tables (``streamlog.py``) and ``ddb_tx_tokens`` (transaction idempotency).

Every write (item, its index entries, its stream record) happens inside the caller's
``Database.transaction()``, so it is all-or-nothing and committed before the response.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fogbank.core.db import Database
from fogbank.services.dynamodb.codec import decode_item, encode_item
from fogbank.services.dynamodb.model import IndexMeta, Item, KeyBytes, TableMeta
from fogbank.services.dynamodb.streamlog import StreamLog, build_record
from fogbank.services.dynamodb.types import values_equal

SCHEMA = """
CREATE TABLE IF NOT EXISTS ddb_tables (
  name TEXT PRIMARY KEY, table_id INTEGER NOT NULL UNIQUE, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ddb_items (
  table_id INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL, item BLOB NOT NULL,
  size INTEGER NOT NULL, expires REAL, PRIMARY KEY (table_id, hk, rk)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ddb_items_expiry ON ddb_items(table_id, expires)
  WHERE expires IS NOT NULL;
CREATE TABLE IF NOT EXISTS ddb_index_entries (
  index_id INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL, thk BLOB NOT NULL,
  trk BLOB NOT NULL, PRIMARY KEY (index_id, hk, rk, thk, trk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ddb_stats (
  scope INTEGER PRIMARY KEY, item_count INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS ddb_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ddb_tx_tokens (
  token TEXT PRIMARY KEY, digest TEXT NOT NULL, created_s REAL NOT NULL, response TEXT NOT NULL);
"""

DB_FILE_NAME = "dynamodb.db"
_KEYS_PER_SELECT = 100  # range keys per ``rk IN (...)`` lookup
Deltas = dict[int, list[int]]  # stats scope -> [item count delta, bytes delta]


def items_equal(old: Item | None, new: Item | None) -> bool:
    """Whether a write changed nothing (sets compared unordered, numbers numerically)."""
    if old is None or new is None:
        return old is new
    return old.keys() == new.keys() and all(values_equal(old[k], new[k]) for k in old)


def _add(deltas: Deltas, scope: int, count: int, size: int) -> None:
    entry = deltas.setdefault(scope, [0, 0])
    entry[0] += count
    entry[1] += size


def database_path(state_dir: Path) -> Path:
    return Path(state_dir) / DB_FILE_NAME


class ItemStore:
    """Tables, items and index entries of one DynamoDB database."""

    def __init__(self, db: Database, *, region: str, ids: Any) -> None:
        self.db = db
        self.region = region
        self.ids = ids
        db.executescript(SCHEMA)
        self.streams = StreamLog(db)

    # -- tables ---------------------------------------------------------------------------

    def next_id(self, conn: sqlite3.Connection, counter: str) -> int:
        row = conn.execute(
            "INSERT INTO ddb_counters(name, value) VALUES (?, 1) ON CONFLICT(name)"
            " DO UPDATE SET value = value + 1 RETURNING value", (counter,)).fetchone()
        return int(row[0])

    def load_table(self, name: str) -> TableMeta | None:
        rows = self.db.query("SELECT meta FROM ddb_tables WHERE name = ?", (name,))
        return TableMeta.from_doc(json.loads(rows[0][0])) if rows else None

    def table_names(self) -> list[str]:
        return [row[0] for row in self.db.query("SELECT name FROM ddb_tables ORDER BY name")]

    def save_table(self, conn: sqlite3.Connection, table: TableMeta) -> None:
        conn.execute(
            "INSERT INTO ddb_tables(name, table_id, meta) VALUES (?, ?, ?) ON CONFLICT(name)"
            " DO UPDATE SET meta = excluded.meta",
            (table.name, table.table_id, json.dumps(table.to_doc())))
        scopes = [(table.table_id,)] + [(-index.index_id,) for index in table.indexes.values()]
        conn.executemany("INSERT OR IGNORE INTO ddb_stats(scope) VALUES (?)", scopes)

    def drop_table(self, conn: sqlite3.Connection, table: TableMeta) -> None:
        conn.execute("DELETE FROM ddb_items WHERE table_id = ?", (table.table_id,))
        for index in table.indexes.values():
            self.drop_index_entries(conn, index)
        conn.execute("DELETE FROM ddb_stats WHERE scope = ?", (table.table_id,))
        conn.execute("DELETE FROM ddb_tables WHERE name = ?", (table.name,))

    def drop_index_entries(self, conn: sqlite3.Connection, index: IndexMeta) -> None:
        conn.execute("DELETE FROM ddb_index_entries WHERE index_id = ?", (index.index_id,))
        conn.execute("DELETE FROM ddb_stats WHERE scope = ?", (-index.index_id,))

    def backfill_index(self, conn: sqlite3.Connection, table: TableMeta, index: IndexMeta) -> None:
        conn.execute("INSERT OR IGNORE INTO ddb_stats(scope) VALUES (?)", (-index.index_id,))
        rows = conn.execute("SELECT hk, rk, item, size FROM ddb_items WHERE table_id = ?",
                            (table.table_id,)).fetchall()
        count = total = 0
        for hk, rk, raw, size in rows:
            index_key = index.key_bytes(decode_item(raw))
            if index_key is not None:
                conn.execute("INSERT INTO ddb_index_entries VALUES (?, ?, ?, ?, ?)",
                             (index.index_id, index_key[0], index_key[1], hk, rk))
                count += 1
                total += int(size)
        self.flush_stats(conn, {-index.index_id: [count, total]})

    def recompute_expiry(self, conn: sqlite3.Connection, table: TableMeta) -> None:
        rows = conn.execute("SELECT hk, rk, item FROM ddb_items WHERE table_id = ?",
                            (table.table_id,)).fetchall()
        for hk, rk, raw in rows:
            expires = table.ttl_expiry(decode_item(raw))
            conn.execute("UPDATE ddb_items SET expires = ? WHERE table_id = ? AND hk = ?"
                         " AND rk = ?", (expires, table.table_id, hk, rk))

    def table_stats(self, table: TableMeta) -> tuple[int, int]:
        """``(item count, total size in bytes)`` of a table."""
        return self._stats(table.table_id)

    def index_stats(self, table: TableMeta, index: IndexMeta) -> tuple[int, int]:
        """``(entry count, bytes)`` of an index (bytes count whole items, not projections)."""
        return self._stats(-index.index_id)

    def _stats(self, scope: int) -> tuple[int, int]:
        rows = self.db.query("SELECT item_count, size_bytes FROM ddb_stats WHERE scope = ?",
                             (scope,))
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    # -- items ----------------------------------------------------------------------------

    def get(self, table: TableMeta, key: KeyBytes,
            conn: sqlite3.Connection | None = None) -> Item | None:
        sql = "SELECT item FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?"
        args = (table.table_id, key[0], key[1])
        if conn is None:
            rows = self.db.query(sql, args)
            return decode_item(rows[0][0]) if rows else None
        row = conn.execute(sql, args).fetchone()
        return decode_item(row[0]) if row else None

    def get_raw(self, table: TableMeta, key: KeyBytes) -> tuple[bytes, int] | None:
        """The stored (encoded) item and its size, not decoded."""
        rows = self.db.query("SELECT item, size FROM ddb_items WHERE table_id = ? AND hk = ?"
                             " AND rk = ?", (table.table_id, key[0], key[1]))
        return (rows[0][0], int(rows[0][1])) if rows else None

    def get_sized(self, table: TableMeta, key: KeyBytes,
                  conn: sqlite3.Connection) -> tuple[Item | None, int | None]:
        """The item and its stored size (``(None, None)`` when absent)."""
        row = conn.execute("SELECT item, size FROM ddb_items WHERE table_id = ? AND hk = ?"
                           " AND rk = ?", (table.table_id, key[0], key[1])).fetchone()
        return (decode_item(row[0]), int(row[1])) if row else (None, None)

    def flush_stats(self, conn: sqlite3.Connection, deltas: Deltas) -> None:
        for scope, (count, size) in deltas.items():
            if count or size:
                conn.execute("UPDATE ddb_stats SET item_count = item_count + ?,"
                             " size_bytes = size_bytes + ? WHERE scope = ?", (count, size, scope))

    def write(self, conn: sqlite3.Connection, table: TableMeta, key: KeyBytes,
              old: Item | None, new: Item | None, *, size_bytes: int, now_s: float,
              old_size: int | None = None, deltas: Deltas | None = None,
              user_identity: dict[str, str] | None = None) -> int | None:
        """Replace (``new``) or delete (``new is None``) one item with its index entries, stream
        record and statistics; returns the old item's stored size (None if there was none).

        ``old_size`` is the stored size of ``old`` (looked up when not given); statistics go to
        ``deltas`` (flushed by the caller) or straight to ``ddb_stats``. A write that changes
        nothing writes no stream record."""
        if old_size is None:
            row = conn.execute("SELECT size FROM ddb_items WHERE table_id = ? AND hk = ?"
                               " AND rk = ?", (table.table_id, key[0], key[1])).fetchone()
            old_size = int(row[0]) if row else None
        pending: Deltas = {} if deltas is None else deltas
        if new is None:
            if old_size is None:
                return None
            conn.execute("DELETE FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?",
                         (table.table_id, key[0], key[1]))
            _add(pending, table.table_id, -1, -old_size)
        else:
            conn.execute("INSERT INTO ddb_items VALUES (?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT(table_id, hk, rk) DO UPDATE SET item = excluded.item,"
                         " size = excluded.size, expires = excluded.expires",
                         (table.table_id, key[0], key[1], encode_item(new), size_bytes,
                          table.ttl_expiry(new)))
            if old_size is None:
                _add(pending, table.table_id, 1, size_bytes)
            else:
                _add(pending, table.table_id, 0, size_bytes - old_size)
        for index in table.indexes.values():
            old_key = index.key_bytes(old) if old is not None else None
            new_key = index.key_bytes(new) if new is not None else None
            if old_key == new_key:
                if new_key is not None:
                    _add(pending, -index.index_id, 0, size_bytes - (old_size or 0))
                continue
            if old_key is not None:
                conn.execute("DELETE FROM ddb_index_entries WHERE index_id = ? AND hk = ?"
                             " AND rk = ? AND thk = ? AND trk = ?",
                             (index.index_id, old_key[0], old_key[1], key[0], key[1]))
                _add(pending, -index.index_id, -1, -(old_size or 0))
            if new_key is not None:
                conn.execute("INSERT INTO ddb_index_entries VALUES (?, ?, ?, ?, ?)",
                             (index.index_id, new_key[0], new_key[1], key[0], key[1]))
                _add(pending, -index.index_id, 1, size_bytes)
        if deltas is None:
            self.flush_stats(conn, pending)
        if table.stream_arn and table.stream_view_type and not items_equal(old, new):
            record = build_record(table, old, new, now_s=now_s, event_id=self.ids.hex(32),
                                  region=self.region, user_identity=user_identity)
            self.streams.append(conn, table.stream_arn, now_s, record)
        return old_size

    def put_many(self, conn: sqlite3.Connection, table: TableMeta,
                 puts: list[tuple[KeyBytes, Item, int]], deltas: Deltas) -> list[int | None]:
        """Replace many items of a table without indexes or stream (BatchWriteItem): one
        SELECT per partition key for the sizes of the items they replace, one ``executemany``
        INSERT; returns the old sizes in order (None where there was no item). Keys must be
        distinct; statistics go to ``deltas``."""
        if table.indexes or table.stream_arn:
            raise ValueError("put_many is for tables without indexes and streams")
        by_hash: dict[bytes, list[bytes]] = {}
        for (hk, rk), _item, _size in puts:
            by_hash.setdefault(hk, []).append(rk)
        old_sizes: dict[KeyBytes, int] = {}
        for hk, range_keys in by_hash.items():
            # One primary-key search per range key (``hk = ? AND rk IN (...)``; a row-value
            # ``(hk, rk) IN (VALUES ...)`` would scan the table's rows instead).
            for start in range(0, len(range_keys), _KEYS_PER_SELECT):
                chunk = range_keys[start:start + _KEYS_PER_SELECT]
                rows = conn.execute(
                    "SELECT rk, size FROM ddb_items WHERE table_id = ? AND hk = ? AND rk IN"
                    f" ({','.join('?' * len(chunk))})", (table.table_id, hk, *chunk)).fetchall()
                for rk, size in rows:
                    old_sizes[(hk, bytes(rk))] = int(size)
        ttl = table.ttl_enabled and table.ttl_attribute
        conn.executemany(
            "INSERT INTO ddb_items VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(table_id, hk, rk)"
            " DO UPDATE SET item = excluded.item, size = excluded.size,"
            " expires = excluded.expires",
            [(table.table_id, key[0], key[1], encode_item(item), size,
              table.ttl_expiry(item) if ttl else None) for key, item, size in puts])
        count = total = 0
        olds: list[int | None] = []
        for key, _item, size in puts:
            old_size = old_sizes.get(key)
            olds.append(old_size)
            if old_size is None:
                count += 1
                total += size
            else:
                total += size - old_size
        _add(deltas, table.table_id, count, total)
        return olds

    # -- reads ----------------------------------------------------------------------------

    def rows(self, sql: str, args: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        """Stream rows of a read query (the caller stops early on Limit / 1 MB)."""
        cursor = self.db.execute(sql, args)
        try:
            while True:
                batch = cursor.fetchmany(256)
                if not batch:
                    return
                yield from batch
        finally:
            cursor.close()

    def expired(self, table: TableMeta, now_s: float, oldest_s: float,
                limit: int) -> list[tuple[bytes, bytes]]:
        rows = self.db.query(
            "SELECT hk, rk FROM ddb_items WHERE table_id = ? AND expires IS NOT NULL"
            " AND expires <= ? AND expires >= ? LIMIT ?",
            (table.table_id, now_s, oldest_s, limit))
        return [(row[0], row[1]) for row in rows]

"""The change log behind DynamoDB Streams, kept in the DynamoDB database.

A table with a StreamSpecification gets a stream (``ddb_streams``); every real change of an
item appends a record (``ddb_stream_records``) in the same SQLite transaction as the write.
The record's position (an AUTOINCREMENT integer) is its sequence number, shown to clients as
a 21-digit decimal string like AWS's. The ``dynamodbstreams`` provider reads the same file
through its own ``StreamLog`` (a stream is part of its table in AWS too).
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from fogbank.core.db import Database
from fogbank.services.dynamodb.codec import map_item, to_bytes, to_text

if TYPE_CHECKING:
    from fogbank.services.dynamodb.model import Item, TableMeta

SEQUENCE_BASE = 10**20  # sequence numbers are 21 digits: 100000000000000000001, ...
RETENTION_S = 24 * 3600

SCHEMA = """
CREATE TABLE IF NOT EXISTS ddb_streams (
  stream_arn TEXT PRIMARY KEY, table_name TEXT NOT NULL, created_s REAL NOT NULL,
  doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ddb_stream_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_arn TEXT NOT NULL, created_s REAL NOT NULL,
  record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ddb_stream_records_by_stream ON ddb_stream_records(stream_arn, seq);
-- trim() runs every second (with the TTL sweep): without this index it scanned every record.
CREATE INDEX IF NOT EXISTS ddb_stream_records_by_created ON ddb_stream_records(created_s);
"""


def sequence_number(seq: int) -> str:
    return str(SEQUENCE_BASE + seq)


def parse_sequence_number(text: str) -> int | None:
    if not text.isdigit():
        return None
    return int(text) - SEQUENCE_BASE


_IMAGES = ("Keys", "NewImage", "OldImage")


def _dump_record(record: dict[str, Any]) -> str:
    try:
        return json.dumps(record)
    except TypeError:
        body = record["dynamodb"]
        safe = {**body, **{part: map_item(body[part], to_text) for part in _IMAGES
                           if part in body}}
        return json.dumps({**record, "dynamodb": safe, "binary": True})


def _load_record(text: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(text)
    if record.pop("binary", False):
        body = record["dynamodb"]
        for part in _IMAGES:
            if part in body:
                body[part] = map_item(body[part], to_bytes)
    return record


def build_record(table: TableMeta, old: Item | None, new: Item | None, *, now_s: float,
                 event_id: str, region: str,
                 user_identity: dict[str, str] | None = None) -> dict[str, Any]:
    """The stream record of one change (without its SequenceNumber, assigned on append)."""
    from fogbank.services.dynamodb.types import item_size_bytes

    view = str(table.stream_view_type)
    source = new if new is not None else old
    assert source is not None
    keys = table.key_of(source)
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": int(now_s),
        "Keys": keys,
        "StreamViewType": view,
    }
    size = item_size_bytes(keys)
    if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["NewImage"] = new
        size += item_size_bytes(new)
    if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["OldImage"] = old
        size += item_size_bytes(old)
    body["SizeBytes"] = size
    record: dict[str, Any] = {
        "eventID": event_id,
        "eventName": "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY"),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }
    if user_identity:
        record["userIdentity"] = user_identity
    return record


class StreamLog:
    """Streams and their records in one ``Database``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(SCHEMA)

    def create_stream(self, conn: sqlite3.Connection, doc: dict[str, Any], now_s: float) -> None:
        conn.execute("INSERT OR REPLACE INTO ddb_streams VALUES (?, ?, ?, ?)",
                     (doc["StreamArn"], doc["TableName"], now_s, json.dumps(doc)))

    def set_status(self, conn: sqlite3.Connection, stream_arn: str, status: str) -> None:
        row = conn.execute("SELECT doc FROM ddb_streams WHERE stream_arn = ?",
                           (stream_arn,)).fetchone()
        if row:
            doc = json.loads(row[0])
            doc["StreamStatus"] = status
            conn.execute("UPDATE ddb_streams SET doc = ? WHERE stream_arn = ?",
                         (json.dumps(doc), stream_arn))

    def append(self, conn: sqlite3.Connection, stream_arn: str, now_s: float,
               record: dict[str, Any]) -> None:
        conn.execute("INSERT INTO ddb_stream_records(stream_arn, created_s, record)"
                     " VALUES (?, ?, ?)",
                     (stream_arn, now_s, _dump_record(record)))

    def streams(self, table_name: str | None = None) -> list[dict[str, Any]]:
        if table_name is None:
            rows = self.db.query("SELECT doc FROM ddb_streams ORDER BY created_s, stream_arn")
        else:
            rows = self.db.query("SELECT doc FROM ddb_streams WHERE table_name = ?"
                                 " ORDER BY created_s, stream_arn", (table_name,))
        return [json.loads(row[0]) for row in rows]

    def stream(self, stream_arn: str) -> dict[str, Any] | None:
        rows = self.db.query("SELECT doc FROM ddb_streams WHERE stream_arn = ?", (stream_arn,))
        return json.loads(rows[0][0]) if rows else None

    def bounds(self, stream_arn: str) -> tuple[int | None, int | None]:
        """``(first seq, last seq)`` currently kept for a stream."""
        row = self.db.query("SELECT MIN(seq), MAX(seq) FROM ddb_stream_records"
                            " WHERE stream_arn = ?", (stream_arn,))[0]
        return row[0], row[1]

    def last_seq(self) -> int:
        row = self.db.query("SELECT seq FROM sqlite_sequence WHERE name = 'ddb_stream_records'")
        return int(row[0][0]) if row else 0

    def read(self, stream_arn: str, after_seq: int, limit: int) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT seq, record FROM ddb_stream_records WHERE stream_arn = ? AND seq > ?"
            " ORDER BY seq LIMIT ?", (stream_arn, after_seq, limit))
        records = []
        for seq, text in rows:
            record = _load_record(text)
            record["dynamodb"]["SequenceNumber"] = sequence_number(int(seq))
            records.append(record)
        return records

    def trim(self, conn: sqlite3.Connection, now_s: float) -> None:
        """Drop records older than 24 hours and disabled streams whose records are gone."""
        conn.execute("DELETE FROM ddb_stream_records WHERE created_s < ?", (now_s - RETENTION_S,))
        conn.execute("DELETE FROM ddb_streams WHERE created_s < ? AND json_extract(doc,"
                     " '$.StreamStatus') = 'DISABLED' AND stream_arn NOT IN"
                     " (SELECT stream_arn FROM ddb_stream_records)", (now_s - RETENTION_S,))



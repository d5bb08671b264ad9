"""SQS on SQLite: queues, messages, FIFO deduplication records.

Messages are rows ordered by ``seq``; ``visible_at`` is the clock time a message may next be
received (send time + delay, or receive time + visibility timeout). The index
``(queue_id, visible_at, seq)`` makes a receive a range read of the visible head of the queue,
however many messages are queued or in flight. A message is *in flight* when it has been
received and ``visible_at`` is in the future, *delayed* when it has not been received yet and
``visible_at`` is in the future. Every write commits before the caller answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fogbank.core.db import Database
from fogbank.services.sqs.records import (
    MESSAGE_COLUMNS,
    NewMessage,
    QueueRecord,
    StoredMessage,
    encode_attributes,
    message_from_row,
    sequence_number,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS queues (
    queue_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    region TEXT NOT NULL,
    account_id TEXT NOT NULL,
    attributes TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at REAL NOT NULL,
    modified_at REAL NOT NULL,
    purged_at REAL
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT NOT NULL,
    md5_body TEXT NOT NULL,
    extra TEXT NOT NULL,
    sent_at REAL NOT NULL,
    visible_at REAL NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_receive_at REAL,
    receipt_nonce TEXT,
    group_id TEXT,
    dedup_id TEXT
);
CREATE INDEX IF NOT EXISTS messages_visible ON messages(queue_id, visible_at, seq);
CREATE INDEX IF NOT EXISTS messages_group ON messages(queue_id, group_id, seq);
CREATE TABLE IF NOT EXISTS dedup (
    queue_id INTEGER NOT NULL,
    dedup_key TEXT NOT NULL,
    expires_at REAL NOT NULL,
    message_id TEXT NOT NULL,
    sequence_number TEXT NOT NULL,
    PRIMARY KEY (queue_id, dedup_key)
);
CREATE TABLE IF NOT EXISTS move_tasks (
    task_id TEXT PRIMARY KEY,
    source_arn TEXT NOT NULL,
    body TEXT NOT NULL,
    started_at REAL NOT NULL
);
"""

DEDUP_WINDOW_S = 300.0


@dataclass
class Counts:
    visible: int
    in_flight: int
    delayed: int


@dataclass
class ReceiveOutcome:
    messages: list[StoredMessage]
    moved_to: set[int]  # queue ids that got dead-lettered messages


class SqsStore:
    """All queues of one cloud in one SQLite file; queue records are cached in memory."""

    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.db.executescript(SCHEMA)
        self._queues: dict[str, QueueRecord] = {}
        for row in self.db.query("SELECT queue_id, name, region, account_id, attributes, tags,"
                                 " created_at, modified_at, purged_at FROM queues"):
            record = QueueRecord(row[0], row[1], row[2], row[3], json.loads(row[4]),
                                 json.loads(row[5]), row[6], row[7], row[8])
            self._queues[record.name] = record

    def close(self) -> None:
        self.db.close()

    # -- queues --------------------------------------------------------------------------

    def queue(self, name: str) -> QueueRecord | None:
        return self._queues.get(name)

    def queue_by_arn(self, arn: str) -> QueueRecord | None:
        name = arn.rsplit(":", 1)[-1]
        record = self._queues.get(name)
        return record if record is not None and record.arn == arn else None

    def queues(self) -> list[QueueRecord]:
        return sorted(self._queues.values(), key=lambda record: record.name)

    def queue_by_id(self, queue_id: int) -> QueueRecord | None:
        for record in self._queues.values():
            if record.queue_id == queue_id:
                return record
        return None

    def create_queue(self, name: str, region: str, account_id: str,
                     attributes: dict[str, str], tags: dict[str, str],
                     now: float) -> QueueRecord:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO queues(name, region, account_id, attributes, tags, created_at,"
                " modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, region, account_id, json.dumps(attributes), json.dumps(tags), now, now))
            queue_id = int(cursor.lastrowid or 0)
        record = QueueRecord(queue_id, name, region, account_id, dict(attributes), dict(tags),
                             now, now)
        self._queues[name] = record
        return record

    def save_queue(self, record: QueueRecord) -> None:
        self.db.execute(
            "UPDATE queues SET attributes = ?, tags = ?, modified_at = ?, purged_at = ?"
            " WHERE queue_id = ?",
            (json.dumps(record.attributes), json.dumps(record.tags), record.modified_at,
             record.purged_at, record.queue_id))

    def delete_queue(self, record: QueueRecord) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM messages WHERE queue_id = ?", (record.queue_id,))
            conn.execute("DELETE FROM dedup WHERE queue_id = ?", (record.queue_id,))
            conn.execute("DELETE FROM queues WHERE queue_id = ?", (record.queue_id,))
        self._queues.pop(record.name, None)

    def purge(self, record: QueueRecord, now: float) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM messages WHERE queue_id = ? AND sent_at <= ?",
                         (record.queue_id, now))
            record.purged_at = now
            conn.execute("UPDATE queues SET purged_at = ? WHERE queue_id = ?",
                         (now, record.queue_id))

    def counts(self, record: QueueRecord, now: float) -> Counts:
        cutoff = now - record.int_attribute("MessageRetentionPeriod")
        row = self.db.query(
            "SELECT COALESCE(SUM(visible_at <= :now), 0),"
            " COALESCE(SUM(visible_at > :now AND receive_count > 0), 0),"
            " COALESCE(SUM(visible_at > :now AND receive_count = 0), 0)"
            " FROM messages WHERE queue_id = :queue AND sent_at > :cutoff",
            {"now": now, "queue": record.queue_id, "cutoff": cutoff})[0]
        return Counts(int(row[0]), int(row[1]), int(row[2]))

    # -- messages ------------------------------------------------------------------------

    def dedup_hit(self, record: QueueRecord, key: str, now: float) -> tuple[str, str] | None:
        """``(message_id, sequence_number)`` of a message sent with ``key`` in the last five
        minutes, if any."""
        rows = self.db.query(
            "SELECT message_id, sequence_number FROM dedup WHERE queue_id = ? AND dedup_key = ?"
            " AND expires_at > ?", (record.queue_id, key, now))
        return (rows[0][0], rows[0][1]) if rows else None

    def insert(self, record: QueueRecord, messages: list[NewMessage], now: float,
               dedup_keys: list[str | None] | None = None) -> list[int]:
        """Store messages; returns their sequence numbers (``seq``)."""
        seqs: list[int] = []
        with self.db.transaction() as conn:
            for index, message in enumerate(messages):
                extra: dict[str, object] = {"sender": message.sender_id}
                if message.message_attributes:
                    extra["attributes"] = encode_attributes(message.message_attributes)
                    extra["md5_attributes"] = message.md5_of_message_attributes
                if message.system_attributes:
                    extra["system_attributes"] = encode_attributes(message.system_attributes)
                    extra["md5_system"] = message.md5_of_system_attributes
                cursor = conn.execute(
                    "INSERT INTO messages(queue_id, message_id, body, md5_body, extra, sent_at,"
                    " visible_at, group_id, dedup_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record.queue_id, message.message_id, message.body, message.md5_of_body,
                     json.dumps(extra, separators=(",", ":")), now, now + message.delay_s,
                     message.group_id, message.dedup_id))
                seq = int(cursor.lastrowid or 0)
                seqs.append(seq)
                key = dedup_keys[index] if dedup_keys else None
                if key is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO dedup(queue_id, dedup_key, expires_at,"
                        " message_id, sequence_number) VALUES (?, ?, ?, ?, ?)",
                        (record.queue_id, key, now + DEDUP_WINDOW_S, message.message_id,
                         sequence_number(seq)))
            if dedup_keys:
                conn.execute("DELETE FROM dedup WHERE queue_id = ? AND expires_at <= ?",
                             (record.queue_id, now))
        return seqs

    def receive(self, record: QueueRecord, now: float, limit: int, visibility_s: int,
                nonce: Callable[[], str], dead_letter: QueueRecord | None) -> ReceiveOutcome:
        """Take up to ``limit`` visible messages, making them in flight for ``visibility_s``.
        Expired messages are dropped and messages past maxReceiveCount moved to
        ``dead_letter`` on the way."""
        policy = record.redrive_policy if dead_letter is not None else None
        max_receives = policy.max_receive_count if policy else None
        cutoff = now - record.int_attribute("MessageRetentionPeriod")
        picked: list[StoredMessage] = []
        moved: set[int] = set()
        with self.db.transaction() as conn:
            candidates = (self._fifo_candidates(record, now) if record.fifo
                          else self._standard_candidates(record, now, limit))
            for message in candidates:
                if message.sent_at <= cutoff:
                    conn.execute("DELETE FROM messages WHERE seq = ?", (message.seq,))
                    continue
                if max_receives is not None and message.receive_count >= max_receives:
                    assert dead_letter is not None
                    self.dead_letter(message, dead_letter, now, record.arn)
                    moved.add(dead_letter.queue_id)
                    continue
                message.receive_count += 1
                message.first_receive_at = message.first_receive_at or now
                message.receipt_nonce = nonce()
                message.visible_at = now + visibility_s
                picked.append(message)
                if len(picked) >= limit:
                    break
            conn.executemany(
                "UPDATE messages SET visible_at = ?, receive_count = ?, first_receive_at = ?,"
                " receipt_nonce = ? WHERE seq = ?",
                [(m.visible_at, m.receive_count, m.first_receive_at, m.receipt_nonce, m.seq)
                 for m in picked])
        return ReceiveOutcome(picked, moved)

    def _standard_candidates(self, record: QueueRecord, now: float,
                             limit: int) -> Iterable[StoredMessage]:
        seen: set[int] = set()
        while True:
            rows = self.db.query(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE queue_id = ? AND visible_at <= ?"
                " ORDER BY visible_at, seq LIMIT ?", (record.queue_id, now, limit + len(seen)))
            fresh = [message_from_row(row) for row in rows if row[0] not in seen]
            if not fresh:
                return
            for message in fresh:
                seen.add(message.seq)
                yield message

    def _fifo_candidates(self, record: QueueRecord,
                         now: float) -> Iterable[StoredMessage]:
        """Messages group by group (oldest group head first), each group in send order,
        skipping every group that has a message in flight or not visible yet. Reads one
        index entry per group plus the messages returned, however long a blocked group is."""
        blocked = {row[0] for row in self.db.query(
            "SELECT DISTINCT group_id FROM messages WHERE queue_id = ? AND visible_at > ?",
            (record.queue_id, now))}
        heads = self.db.query(
            "SELECT group_id, MIN(seq) AS head FROM messages WHERE queue_id = ?"
            " GROUP BY group_id ORDER BY head", (record.queue_id,))
        for group_id, _ in heads:
            if group_id in blocked:
                continue
            after = 0
            while True:
                rows = self.db.query(
                    f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE queue_id = ?"
                    " AND group_id IS ? AND seq > ? ORDER BY seq LIMIT 10",
                    (record.queue_id, group_id, after))
                if not rows:
                    break
                for row in rows:
                    message = message_from_row(row)
                    after = message.seq
                    if message.visible_at > now:
                        break
                    yield message
                else:
                    continue
                break

    def _move(self, message: StoredMessage, target: QueueRecord, now: float,
              extra: dict[str, object], receive_count: int,
              first_receive_at: float | None) -> None:
        self.db.execute(
            "INSERT INTO messages(queue_id, message_id, body, md5_body, extra, sent_at,"
            " visible_at, receive_count, first_receive_at, group_id, dedup_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (target.queue_id, message.message_id, message.body, message.md5_of_body,
             json.dumps(extra, separators=(",", ":")),
             now if target.fifo else message.sent_at, now, receive_count, first_receive_at,
             message.group_id, message.dedup_id))
        self.db.execute("DELETE FROM messages WHERE seq = ?", (message.seq,))

    def dead_letter(self, message: StoredMessage, target: QueueRecord, now: float,
                    source_arn: str) -> None:
        """Move a message that was received too often to its dead-letter queue (it keeps
        its id, attributes, receive count and, on standard queues, its send time)."""
        extra = {**message.extra, "dead_letter_source": source_arn}
        self._move(message, target, now, extra, message.receive_count,
                   message.first_receive_at)

    def move_messages(self, source: QueueRecord, after_seq: int, up_to_seq: int, limit: int,
                      now: float,
                      destination_for: Callable[[StoredMessage], QueueRecord | None]
                      ) -> tuple[int, int, set[int]]:
        """Redrive up to ``limit`` messages with ``after_seq < seq <= up_to_seq`` out of a
        dead-letter queue, oldest first; returns (moved, last seq looked at, target ids).
        Messages without a destination stay."""
        moved = 0
        last = after_seq
        targets: set[int] = set()
        with self.db.transaction():
            rows = self.db.query(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE queue_id = ? AND seq > ?"
                " AND seq <= ? ORDER BY seq LIMIT ?",
                (source.queue_id, after_seq, up_to_seq, limit))
            for row in rows:
                message = message_from_row(row)
                last = message.seq
                target = destination_for(message)
                if target is None:
                    continue
                extra = {k: v for k, v in message.extra.items() if k != "dead_letter_source"}
                self._move(message, target, now, extra, 0, None)
                moved += 1
                targets.add(target.queue_id)
        return moved, last, targets

    def last_seq(self, record: QueueRecord) -> int:
        rows = self.db.query("SELECT MAX(seq) FROM messages WHERE queue_id = ?",
                             (record.queue_id,))
        return int(rows[0][0] or 0)

    def message(self, record: QueueRecord, seq: int) -> StoredMessage | None:
        rows = self.db.query(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE seq = ?"
                             " AND queue_id = ?", (seq, record.queue_id))
        return message_from_row(rows[0]) if rows else None

    def delete_messages(self, record: QueueRecord, seqs: list[int]) -> None:
        with self.db.transaction() as conn:
            conn.executemany("DELETE FROM messages WHERE seq = ? AND queue_id = ?",
                             [(seq, record.queue_id) for seq in seqs])

    def set_visible_at(self, updates: list[tuple[int, float]]) -> None:
        with self.db.transaction() as conn:
            conn.executemany("UPDATE messages SET visible_at = ? WHERE seq = ?",
                             [(visible_at, seq) for seq, visible_at in updates])

    def next_visible_at(self, record: QueueRecord, now: float) -> float | None:
        """When the next message that is not visible now becomes visible."""
        rows = self.db.query("SELECT MIN(visible_at) FROM messages WHERE queue_id = ?"
                             " AND visible_at > ?", (record.queue_id, now))
        return float(rows[0][0]) if rows and rows[0][0] is not None else None

    def message_count(self, record: QueueRecord) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM messages WHERE queue_id = ?",
                                 (record.queue_id,))[0][0])

    # -- message move tasks ----------------------------------------------------------------

    def save_task(self, task_id: str, source_arn: str, body: dict[str, object],
                  started_at: float) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO move_tasks(task_id, source_arn, body, started_at)"
            " VALUES (?, ?, ?, ?)", (task_id, source_arn, json.dumps(body), started_at))

    def tasks(self, source_arn: str | None = None) -> list[dict[str, Any]]:
        if source_arn is None:
            rows = self.db.query("SELECT body FROM move_tasks ORDER BY started_at DESC")
        else:
            rows = self.db.query("SELECT body FROM move_tasks WHERE source_arn = ?"
                                 " ORDER BY started_at DESC, rowid DESC", (source_arn,))
        return [json.loads(row[0]) for row in rows]

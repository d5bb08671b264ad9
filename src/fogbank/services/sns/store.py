"""Topics, subscriptions, the delivery outbox and FIFO deduplication in one SQLite file.

Every record is also kept in memory (this provider is the only writer of its file), so a
Publish reads its topic's subscriptions from a dict and writes one transaction: the outbox
rows of every matching subscription. Nothing on the publish path scans unrelated topics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fogbank.core.db import Database
from fogbank.services.sns.filter_policy import FilterPolicy, compile_policy

SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (
    arn TEXT PRIMARY KEY, name TEXT NOT NULL, attributes TEXT NOT NULL, tags TEXT NOT NULL,
    deleted_subscriptions INTEGER NOT NULL DEFAULT 0, sequence INTEGER NOT NULL DEFAULT 0,
    created_s REAL NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
    arn TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, protocol TEXT NOT NULL,
    endpoint TEXT NOT NULL, owner TEXT NOT NULL, attributes TEXT NOT NULL,
    pending INTEGER NOT NULL, token TEXT, created_s REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_arn TEXT NOT NULL,
    payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_s REAL NOT NULL);
CREATE TABLE IF NOT EXISTS fifo_dedup (
    topic_arn TEXT NOT NULL, dedup_id TEXT NOT NULL, message_id TEXT NOT NULL,
    sequence_number TEXT NOT NULL, expires_s REAL NOT NULL,
    PRIMARY KEY (topic_arn, dedup_id));
"""


@dataclass
class Topic:
    arn: str
    name: str
    attributes: dict[str, str]  # only what was set (defaults are computed when read)
    tags: dict[str, str]
    created_s: float
    deleted_subscriptions: int = 0
    sequence: int = 0

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoTopic", "false").lower() == "true"


@dataclass
class Subscription:
    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    owner: str
    attributes: dict[str, str]
    pending: bool
    token: str | None
    created_s: float
    filter: FilterPolicy | None = field(default=None, compare=False)

    def compile_filter(self) -> None:
        text = self.attributes.get("FilterPolicy")
        self.filter = compile_policy(text, self.attributes.get("FilterPolicyScope")) \
            if text else None

    @property
    def raw(self) -> bool:
        return self.attributes.get("RawMessageDelivery", "false").lower() == "true"


@dataclass
class Delivery:
    """One message on its way to one subscription (a row of the outbox)."""

    row_id: int
    subscription_arn: str
    payload: dict[str, Any]
    attempts: int
    due_s: float


def sequence_number(counter: int) -> str:
    """A FIFO topic's 20-digit SequenceNumber for its ``counter``-th message."""
    return f"1{counter:019d}"


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class SnsStore:
    def __init__(self, state_dir: Path | str) -> None:
        path = Path(state_dir) / "sns.db" if not str(state_dir) == ":memory:" else ":memory:"
        self.db = Database(path)
        self.db.executescript(SCHEMA)
        self.topics: dict[str, Topic] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.by_topic: dict[str, dict[str, Subscription]] = {}
        self._load()

    def _load(self) -> None:
        for row in self.db.query("SELECT arn, name, attributes, tags, deleted_subscriptions,"
                                 " sequence, created_s FROM topics ORDER BY rowid"):
            topic = Topic(row[0], row[1], json.loads(row[2]), json.loads(row[3]), row[6],
                          row[4], row[5])
            self.topics[topic.arn] = topic
            self.by_topic[topic.arn] = {}
        for row in self.db.query("SELECT arn, topic_arn, protocol, endpoint, owner, attributes,"
                                 " pending, token, created_s FROM subscriptions ORDER BY rowid"):
            sub = Subscription(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]),
                               bool(row[6]), row[7], row[8])
            try:
                sub.compile_filter()
            except ValueError:
                sub.filter = None
            self.subscriptions[sub.arn] = sub
            self.by_topic.setdefault(sub.topic_arn, {})[sub.arn] = sub

    def close(self) -> None:
        self.db.close()

    # -- topics ----------------------------------------------------------------------------

    def put_topic(self, topic: Topic) -> None:
        self.db.execute(
            "INSERT INTO topics(arn, name, attributes, tags, deleted_subscriptions, sequence,"
            " created_s) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET"
            " attributes = excluded.attributes, tags = excluded.tags",
            (topic.arn, topic.name, _dumps(topic.attributes), _dumps(topic.tags),
             topic.deleted_subscriptions, topic.sequence, topic.created_s))
        self.topics[topic.arn] = topic
        self.by_topic.setdefault(topic.arn, {})

    def delete_topic(self, arn: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM topics WHERE arn = ?", (arn,))
            conn.execute("DELETE FROM subscriptions WHERE topic_arn = ?", (arn,))
            conn.execute("DELETE FROM fifo_dedup WHERE topic_arn = ?", (arn,))
        self.topics.pop(arn, None)
        for sub_arn in self.by_topic.pop(arn, {}):
            self.subscriptions.pop(sub_arn, None)

    # -- subscriptions ---------------------------------------------------------------------

    def put_subscription(self, sub: Subscription) -> None:
        self.db.execute(
            "INSERT INTO subscriptions(arn, topic_arn, protocol, endpoint, owner, attributes,"
            " pending, token, created_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(arn) DO UPDATE SET attributes = excluded.attributes,"
            " pending = excluded.pending, token = excluded.token",
            (sub.arn, sub.topic_arn, sub.protocol, sub.endpoint, sub.owner,
             _dumps(sub.attributes), int(sub.pending), sub.token, sub.created_s))
        self.subscriptions[sub.arn] = sub
        self.by_topic.setdefault(sub.topic_arn, {})[sub.arn] = sub

    def delete_subscription(self, arn: str) -> Subscription | None:
        sub = self.subscriptions.pop(arn, None)
        if sub is None:
            return None
        self.by_topic.get(sub.topic_arn, {}).pop(arn, None)
        topic = self.topics.get(sub.topic_arn)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM subscriptions WHERE arn = ?", (arn,))
            if topic is not None:
                topic.deleted_subscriptions += 1
                conn.execute("UPDATE topics SET deleted_subscriptions = ? WHERE arn = ?",
                             (topic.deleted_subscriptions, topic.arn))
        return sub

    # -- outbox ------------------------------------------------------------------------------

    def enqueue(self, items: list[tuple[str, dict[str, Any]]], due_s: float,
                fifo: tuple[str, str, float] | None = None, topic: Topic | None = None
                ) -> list[Delivery]:
        """Write the deliveries of one message (and its FIFO dedup record / sequence) in one
        transaction; only then is the message acknowledged."""
        deliveries: list[Delivery] = []
        texts: dict[int, str] = {}  # payloads shared by several subscriptions: dump once
        with self.db.transaction() as conn:
            for subscription_arn, payload in items:
                text = texts.get(id(payload))
                if text is None:
                    text = texts[id(payload)] = _dumps(payload)
                cursor = conn.execute(
                    "INSERT INTO outbox(subscription_arn, payload, attempts, due_s)"
                    " VALUES (?, ?, 0, ?)", (subscription_arn, text, due_s))
                deliveries.append(Delivery(int(cursor.lastrowid or 0), subscription_arn,
                                           payload, 0, due_s))
            if topic is not None:
                conn.execute("UPDATE topics SET sequence = ? WHERE arn = ?",
                             (topic.sequence, topic.arn))
            if fifo is not None and topic is not None:
                dedup_id, message_id, expires_s = fifo
                conn.execute(
                    "INSERT OR REPLACE INTO fifo_dedup(topic_arn, dedup_id, message_id,"
                    " sequence_number, expires_s) VALUES (?, ?, ?, ?, ?)",
                    (topic.arn, dedup_id, message_id, sequence_number(topic.sequence), expires_s))
        return deliveries

    def enqueue_owed(self, owed: list[tuple[str, dict[str, Any], int, float]]
                     ) -> list[Delivery]:
        """Write deliveries whose first attempt was made inline and failed:
        ``(subscription_arn, payload, attempts made, due_s of the next)``, one transaction."""
        deliveries: list[Delivery] = []
        with self.db.transaction() as conn:
            for subscription_arn, payload, attempts, due_s in owed:
                cursor = conn.execute(
                    "INSERT INTO outbox(subscription_arn, payload, attempts, due_s)"
                    " VALUES (?, ?, ?, ?)", (subscription_arn, _dumps(payload), attempts, due_s))
                deliveries.append(Delivery(int(cursor.lastrowid or 0), subscription_arn,
                                           payload, attempts, due_s))
        return deliveries

    def pending_deliveries(self) -> list[Delivery]:
        return [Delivery(row[0], row[1], json.loads(row[2]), row[3], row[4])
                for row in self.db.query("SELECT id, subscription_arn, payload, attempts, due_s"
                                         " FROM outbox ORDER BY id")]

    def finish(self, row_ids: list[int]) -> None:
        if not row_ids:
            return
        marks = ",".join("?" * len(row_ids))
        self.db.execute(f"DELETE FROM outbox WHERE id IN ({marks})", tuple(row_ids))

    def reschedule(self, delivery: Delivery) -> None:
        self.db.execute("UPDATE outbox SET attempts = ?, due_s = ? WHERE id = ?",
                        (delivery.attempts, delivery.due_s, delivery.row_id))

    # -- FIFO deduplication ------------------------------------------------------------------

    def duplicate_of(self, topic_arn: str, dedup_id: str, now_s: float) -> tuple[str, str] | None:
        rows = self.db.query("SELECT message_id, sequence_number, expires_s FROM fifo_dedup"
                             " WHERE topic_arn = ? AND dedup_id = ?", (topic_arn, dedup_id))
        if rows and rows[0][2] > now_s:
            return str(rows[0][0]), str(rows[0][1])
        return None

    def purge_dedup(self, now_s: float) -> None:
        self.db.execute("DELETE FROM fifo_dedup WHERE expires_s <= ?", (now_s,))

"""The durable delivery queue between "an event matched a target" and "the target got it".

A row is written in the same SQLite transaction that accepted the event, so an acknowledged
``PutEvents`` (or a schedule fire) is delivered at least once even across a restart. A
``Timer`` drains due rows through ``send``; failures are retried with exponential backoff
on the injected clock until the target's ``RetryPolicy`` (``MaximumRetryAttempts``, default
185; ``MaximumEventAgeInSeconds``, default 86400) is exhausted, then the payload goes to the
``DeadLetterConfig`` queue (if any) through ``dead_letter``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fogbank.core.db import Database
from fogbank.core.errors import ServiceError, is_sender_fault
from fogbank.services.events.timer import Timer

log = logging.getLogger("fogbank.events.outbox")

DEFAULT_MAX_RETRIES = 185
DEFAULT_MAX_AGE_S = 86400
MAX_BACKOFF_S = 300.0
BATCH_SIZE = 32
RETRYABLE_CODES = frozenset({
    "ThrottlingException", "TooManyRequestsException", "Throttling", "ServiceUnavailable",
    "ServiceException", "InternalFailure", "KMSThrottlingException",
})
# A target service fogbank does not emulate answers 501: retrying for a day cannot help.
NEVER_RETRIED_CODES = frozenset({"NotImplemented"})


@dataclass
class Delivery:
    delivery_id: int
    target: dict[str, Any]  # the target as stored (Arn, Id, RetryPolicy, SqsParameters …)
    payload: str
    source_arn: str  # the rule or schedule that produced it
    event_id: str
    first_s: float
    attempts: int

    @property
    def max_retries(self) -> int:
        policy = self.target.get("RetryPolicy") or {}
        return int(policy.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES))

    @property
    def max_age_s(self) -> int:
        policy = self.target.get("RetryPolicy") or {}
        return int(policy.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_S))


Send = Callable[[Delivery], Awaitable[None]]
DeadLetter = Callable[[Delivery, ServiceError, str], Awaitable[None]]


def retryable(error: ServiceError) -> bool:
    """Throttling and service-side failures are retried; client errors (missing function,
    bad parameters) go to the dead-letter queue at once, as AWS does; so do calls to
    services fogbank does not emulate."""
    if error.error_code in NEVER_RETRIED_CODES:
        return False
    return error.error_code in RETRYABLE_CODES or not is_sender_fault(error)


class Outbox:
    def __init__(self, db: Database, clock: Any, send: Send, dead_letter: DeadLetter,
                 *, name: str = "outbox") -> None:
        self.db = db
        self.clock = clock
        self._send = send
        self._dead_letter = dead_letter
        self.timer = Timer(clock, self.drain_due, name)
        db.executescript(
            "CREATE TABLE IF NOT EXISTS outbox ("
            " delivery_id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
            " payload TEXT NOT NULL, source_arn TEXT NOT NULL, event_id TEXT NOT NULL,"
            " first_s REAL NOT NULL, next_s REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);"
            "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(next_s);"
        )

    def enqueue(self, conn: sqlite3.Connection, target: dict[str, Any], payload: str,
                source_arn: str, event_id: str) -> None:
        """Add a delivery inside the caller's transaction; call ``poke`` after commit."""
        now = self.clock.now()
        conn.execute(
            "INSERT INTO outbox(target, payload, source_arn, event_id, first_s, next_s)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (json.dumps(target), payload, source_arn, event_id, now, now))

    def poke(self) -> None:
        self.timer.poke()

    def pending(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM outbox")[0][0])

    async def start(self) -> None:
        await self.timer.start()

    async def stop(self) -> None:
        await self.timer.stop()

    async def drain_due(self) -> float | None:
        """Deliver every due row; the next due time, or ``None`` when the outbox is empty."""
        while True:
            now = self.clock.now()
            rows = self.db.query(
                "SELECT delivery_id, target, payload, source_arn, event_id, first_s, attempts"
                " FROM outbox WHERE next_s <= ? ORDER BY next_s, delivery_id LIMIT ?",
                (now, BATCH_SIZE))
            if not rows:
                break
            batch = [Delivery(row[0], json.loads(row[1]), row[2], row[3], row[4], row[5],
                              row[6]) for row in rows]
            await asyncio.gather(*(self._attempt(delivery) for delivery in batch))
        upcoming = self.db.query("SELECT MIN(next_s) FROM outbox")[0][0]
        return None if upcoming is None else float(upcoming)

    async def _attempt(self, delivery: Delivery) -> None:
        try:
            await self._send(delivery)
        except ServiceError as error:
            await self._failed(delivery, error)
        except Exception as exc:  # a bug in a sender must not lose the row or stop draining
            log.exception("delivery %s failed", delivery.delivery_id)
            await self._failed(delivery, ServiceErrorWrapper(str(exc)))
        else:
            self.db.execute("DELETE FROM outbox WHERE delivery_id = ?", (delivery.delivery_id,))

    async def _failed(self, delivery: Delivery, error: ServiceError) -> None:
        attempts = delivery.attempts + 1
        now = self.clock.now()
        backoff_s = min(MAX_BACKOFF_S, float(2 ** min(attempts - 1, 16)))
        expired = now + backoff_s - delivery.first_s > delivery.max_age_s
        if retryable(error) and attempts <= delivery.max_retries and not expired:
            self.db.execute("UPDATE outbox SET attempts = ?, next_s = ? WHERE delivery_id = ?",
                            (attempts, now + backoff_s, delivery.delivery_id))
            return
        condition = ("MaximumRetryAttempts" if attempts > delivery.max_retries
                     else "MaximumEventAgeInSeconds" if expired else "")
        try:
            await self._dead_letter(delivery, error, condition)
        except Exception:
            log.exception("dead-lettering delivery %s failed; dropped", delivery.delivery_id)
        self.db.execute("DELETE FROM outbox WHERE delivery_id = ?", (delivery.delivery_id,))


class ServiceErrorWrapper(ServiceError):
    """An unexpected failure while delivering (retried like a service-side error)."""

    code = "InternalFailure"
    status = 500
    sender_fault = False

"""What every group of SQS operations shares: the store, queue lookup by URL / name / ARN,
receipt handles and the long-poll waiters."""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import TypeVar
from urllib.parse import urlsplit

from fogbank.services.base import Provider, ServiceContext
from fogbank.services.sqs.errors import (
    MissingParameter,
    QueueDoesNotExist,
    ReceiptHandleIsInvalid,
)
from fogbank.services.sqs.records import QueueRecord, StoredMessage
from fogbank.services.sqs.store import SqsStore

T = TypeVar("T")


def required(parameter: str, value: T | None) -> T:
    """``value``, or AWS's MissingParameter error when the request left it out."""
    if value is None:
        raise MissingParameter(parameter)
    return value


class Waiters:
    """One asyncio event per queue that long polls wait on; set (and replaced) whenever a
    message may have become receivable."""

    def __init__(self) -> None:
        self._events: dict[int, asyncio.Event] = {}

    def event(self, queue_id: int) -> asyncio.Event:
        event = self._events.get(queue_id)
        if event is None:
            event = self._events[queue_id] = asyncio.Event()
        return event

    def notify(self, queue_id: int) -> None:
        event = self._events.pop(queue_id, None)
        if event is not None:
            event.set()

    def notify_all(self) -> None:
        for queue_id in list(self._events):
            self.notify(queue_id)


class SqsCore(Provider):
    service = "sqs"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = SqsStore(ctx.state_dir / "sqs.db")
        self.waiters = Waiters()
        self.stopping = False

    def queue_url(self, record: QueueRecord) -> str:
        return f"{self.ctx.config.edge_url}/{record.account_id}/{record.name}"

    def queue_from_url(self, queue_url: str | None) -> QueueRecord:
        """The queue a QueueUrl names: any host, the path ``/<account>/<name>`` decides; a bare
        queue name is accepted too, as AWS does."""
        text = required("QueueUrl", queue_url)
        if "/" not in text:
            record = self.store.queue(text)
            if record is None:
                raise QueueDoesNotExist()
            return record
        parts = urlsplit(text).path.strip("/").split("/")
        if len(parts) != 2:
            raise QueueDoesNotExist()
        account_id, name = parts
        record = self.store.queue(name)
        if record is None or record.account_id != account_id:
            raise QueueDoesNotExist()
        return record

    def queue_from_arn(self, arn: str) -> QueueRecord | None:
        return self.store.queue_by_arn(arn)

    def receipt_handle(self, record: QueueRecord, message: StoredMessage) -> str:
        raw = f"{record.name}\n{message.seq}\n{message.receipt_nonce}\n{message.message_id}"
        return base64.b64encode(raw.encode("utf-8")).decode("ascii")

    def parse_receipt_handle(self, record: QueueRecord, receipt_handle: str) -> int:
        """The message ``seq`` a receipt handle of this queue refers to."""
        try:
            raw = base64.b64decode(receipt_handle.encode("ascii"), validate=True).decode()
            name, seq, _nonce, _message_id = raw.split("\n")
            if name != record.name:
                raise ValueError(name)
            return int(seq)
        except (ValueError, UnicodeError, binascii.Error):
            raise ReceiptHandleIsInvalid(receipt_handle) from None

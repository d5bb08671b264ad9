"""Sending S3's messages to their destinations through AWS operations, as S3 does:
Lambda ``Invoke`` (asynchronous), SQS ``GetQueueUrl`` + ``SendMessage``, SNS ``Publish``,
EventBridge ``PutEvents`` to the default bus.

Every delivery is first a row of the ``config_outbox`` table; it is removed once sent (or
once the destination refused it: S3 does not fail object writes for unreachable
destinations). Rows left by a stopped process are sent by ``drain`` on the next start."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.s3.config.store import ConfigStore, OutboxEntry

log = logging.getLogger("fogbank.s3.notifications")

SNS_SUBJECT = "Amazon S3 Notification"


def arn_parts(arn: str) -> tuple[str, str, str]:
    """``(region, account, resource name)`` of a destination ARN."""
    parts = arn.split(":")
    return parts[3], parts[4], parts[-1] if parts[2] != "lambda" else arn


async def send(client: InternalClient, kind: str, arn: str, payload: dict[str, Any]) -> None:
    """Send one message; raises ``ServiceError`` when the destination refuses it."""
    region = arn.split(":")[3] or None
    body = json.dumps(payload, separators=(",", ":"))
    if kind == "lambda":
        await client.call("lambda", "Invoke", {"FunctionName": arn, "InvocationType": "Event",
                                               "Payload": body.encode("utf-8")}, region=region)
    elif kind == "queue":
        _region, account, name = arn_parts(arn)
        found = await client.call("sqs", "GetQueueUrl", {
            "QueueName": name, "QueueOwnerAWSAccountId": account}, region=region)
        await client.call("sqs", "SendMessage", {"QueueUrl": found["QueueUrl"],
                                                 "MessageBody": body}, region=region)
    elif kind == "topic":
        await client.call("sns", "Publish", {"TopicArn": arn, "Message": body,
                                             "Subject": SNS_SUBJECT}, region=region)
    elif kind == "eventbridge":
        entry = dict(payload)
        if isinstance(entry.get("Time"), (int, float)):
            entry["Time"] = datetime.fromtimestamp(entry["Time"], tz=UTC)
        result = await client.call("events", "PutEvents", {"Entries": [entry]},
                                   region=region)
        if result.get("FailedEntryCount"):
            failed = (result.get("Entries") or [{}])[0]
            raise ServiceError(f"PutEvents refused the event: {failed.get('ErrorCode')} "
                               f"{failed.get('ErrorMessage')}")
    else:
        raise ValueError(f"unknown destination kind {kind!r}")


class Outbox:
    """Durable deliveries of one S3 provider."""

    def __init__(self, store: ConfigStore, client: InternalClient) -> None:
        self.store = store
        self.client = client

    def add(self, deliveries: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[int]:
        return self.store.enqueue(deliveries)

    async def deliver(self, seqs: list[int]) -> None:
        for seq in seqs:
            entry = self.store.entry(seq)
            if entry is not None:
                await self._deliver(entry)

    async def drain(self, upto: int | None = None) -> int:
        """Send what was still owed (after a restart), up to sequence ``upto`` so entries
        of requests running meanwhile stay theirs; how many entries were handled."""
        handled = 0
        while True:
            batch = self.store.pending(upto=upto)
            if not batch:
                return handled
            for entry in batch:
                await self._deliver(entry)
                handled += 1

    async def _deliver(self, entry: OutboxEntry) -> None:
        kind = str(entry.destination.get("kind"))
        arn = str(entry.destination.get("arn", ""))
        try:
            await send(self.client, kind, arn, entry.payload)
        except ServiceError as exc:
            log.warning("S3 event notification to %s %s was not delivered: %s", kind, arn,
                        exc)
        except Exception:
            log.exception("S3 event notification to %s %s failed", kind, arn)
        self.store.done(entry.seq)

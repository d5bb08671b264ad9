"""Batched receivers: a schedule drains the receiver's queue into export files in S3.

Each batched receiver has a schedule (``receivers.json``) whose rule invokes this function
with ``{"receiver": name}``. A run receives up to ``EXPORT_ROWS`` changes, renders them in the
receiver's format (JSON lines or CSV) into ``exports/<receiver>/<date>/<time>-<n>.<ext>``,
and deletes the messages only after the file is written; it repeats while the queue has
messages and the run has time left.

Deduplication by idempotency key, so at-least-once delivery never puts a change into two
files: within a run by key; across runs through the ledger table, which records for each
(receiver, key) the file it went to *before* that file is written. A key whose ledger file
exists is a duplicate and is dropped; a key whose file is missing (the run died between the
two writes) is exported again. A message that is not a change is left alone and reaches the
dead-letter queue after its ``maxReceiveCount`` receives.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from product_data.receivers import QUEUE_INFIX, Receiver, by_name
from pydantic import BaseModel, ValidationError

logger = Logger()
sqs = boto3.client("sqs")
s3 = boto3.client("s3")
dynamodb = boto3.resource("dynamodb")
STACK_NAME = os.environ["STACK_NAME"]
EXPORTS_BUCKET = os.environ["EXPORTS_BUCKET"]
LEDGER_TABLE = os.environ["LEDGER_TABLE"]
EXPORT_ROWS = int(os.environ.get("EXPORT_ROWS", "5000"))
SAFETY_MS = 60_000  # stop receiving when less than this is left of the run
RECEIVERS = by_name()


class Event(BaseModel):
    receiver: str


def _receive(queue_url: str, wanted: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while len(messages) < wanted:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=min(
            10, wanted - len(messages)), WaitTimeSeconds=0).get("Messages", [])
        if not got:
            break
        messages.extend(got)
    return messages


def _delete(queue_url: str, messages: list[dict[str, Any]]) -> None:
    for start in range(0, len(messages), 10):
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                   for i, m in enumerate(messages[start:start + 10])]
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)


class Ledger:
    """Which export file each (receiver, key) went to."""

    def __init__(self, receiver: str) -> None:
        self.receiver = receiver
        self.table = dynamodb.Table(LEDGER_TABLE)
        self._exists: dict[str, bool] = {}

    def exported(self, keys: list[str]) -> set[str]:
        """The keys already in an export file that exists."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {LEDGER_TABLE: {"Keys": [
                {"receiver": self.receiver, "idempotency_key": k}
                for k in keys[start:start + 100]]}}
            while request:
                result = dynamodb.batch_get_item(RequestItems=request)
                for item in result["Responses"].get(LEDGER_TABLE, []):
                    found[item["idempotency_key"]] = item["export_key"]
                request = result.get("UnprocessedKeys") or {}
        return {key for key, export_key in found.items() if self._file_exists(export_key)}

    def _file_exists(self, export_key: str) -> bool:
        if export_key not in self._exists:
            try:
                s3.head_object(Bucket=EXPORTS_BUCKET, Key=export_key)
                self._exists[export_key] = True
            except ClientError:
                self._exists[export_key] = False
        return self._exists[export_key]

    def record(self, keys: list[str], export_key: str) -> None:
        with self.table.batch_writer() as writer:
            for key in keys:
                writer.put_item(Item={"receiver": self.receiver, "idempotency_key": key,
                                      "export_key": export_key})
        self._exists[export_key] = True


def _export_once(receiver: Receiver, queue_url: str, ledger: Ledger, run_id: str,
                 part: int) -> tuple[int, int, str | None]:
    """One export file's worth: (changes exported, duplicates dropped, file key); (0, 0,
    None) when the queue is empty."""
    messages = _receive(queue_url, EXPORT_ROWS)
    if not messages:
        return 0, 0, None
    changes: dict[str, dict[str, Any]] = {}
    handled: list[dict[str, Any]] = []
    duplicates = 0
    for message in messages:
        try:
            change = json.loads(message["Body"])
            key = str(change["idempotency_key"])
            change["product"]  # noqa: B018 - a change without its product is poison
        except (ValueError, KeyError, TypeError):
            logger.warning("not a change, left for the dead-letter queue",
                           extra={"message_id": message.get("MessageId")})
            continue
        handled.append(message)
        if key in changes:
            duplicates += 1
        else:
            changes[key] = change
    already = ledger.exported(list(changes))
    duplicates += len(already)
    fresh = [change for key, change in changes.items() if key not in already]
    export_key = None
    if fresh:
        ext = "jsonl" if receiver.format == "json" else "csv"
        export_key = (f"exports/{receiver.name}/{datetime.now(UTC):%Y/%m/%d/%H%M%S}-"
                      f"{run_id}-{part:04d}.{ext}")
        ledger.record([c["idempotency_key"] for c in fresh], export_key)
        s3.put_object(Bucket=EXPORTS_BUCKET, Key=export_key, Body=receiver.export(fresh),
                      ContentType="application/x-ndjson" if ext == "jsonl" else "text/csv")
    _delete(queue_url, handled)
    return len(fresh), duplicates, export_key


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        receiver = RECEIVERS[Event.model_validate(event).receiver]
    except (ValidationError, KeyError) as error:
        raise ValueError(f"not a batched receiver: {event!r}") from error
    if receiver.mode != "batched":
        raise ValueError(f"receiver {receiver.name!r} is not batched")
    queue_url = sqs.get_queue_url(
        QueueName=f"{STACK_NAME}{QUEUE_INFIX}{receiver.name}")["QueueUrl"]
    ledger = Ledger(receiver.name)
    run_id = context.aws_request_id.split("-")[0] if context else str(int(time.time()))
    exported = duplicates = 0
    files: list[str] = []
    while context is None or context.get_remaining_time_in_millis() > SAFETY_MS:
        count, dropped, export_key = _export_once(receiver, queue_url, ledger, run_id,
                                                  len(files))
        exported += count
        duplicates += dropped
        if export_key:
            files.append(export_key)
        if count == 0 and dropped == 0:
            break
    logger.info("export run", extra={"receiver": receiver.name, "exported": exported,
                                     "duplicates_dropped": duplicates, "files": len(files)})
    return {"receiver": receiver.name, "exported": exported,
            "duplicates_dropped": duplicates, "files": files}

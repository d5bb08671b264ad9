"""Per-change receivers: their SQS queues → the receiver's inbox (the cascade's last step).

One function serves every per-change receiver: the queue a record came from names the
receiver (``<stack>-rcv-<receiver>``), whose configuration says which fields it takes and
in which format. Each change is stored in the inbox table under (receiver, idempotency key)
with a conditional put, so a redelivered message (SQS and SNS are at least once, and the
publisher may publish a change again after a partial failure) never makes a second entry;
the duplicate is counted on the entry instead. A message that is not a change fails alone
(``batchItemFailures``) and reaches the receiver's dead-letter queue after its
``maxReceiveCount`` receives.

The common case, a batch of new changes, is stored with one TransactWriteItems call per
100 changes (same conditional puts, all or none); a transaction that is cancelled — a
duplicate among them, say — leaves its changes to the one-by-one path, which tells the
duplicates apart.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError
from product_data.receivers import by_name, receiver_of_queue
from pydantic import BaseModel, Field, Json

logger = Logger()
INBOX_TABLE = os.environ["INBOX_TABLE"]
inbox = boto3.resource("dynamodb").Table(INBOX_TABLE)
serializer = TypeSerializer()
RECEIVERS = by_name()
TRANSACTION_ITEMS = 100


class Change(BaseModel):
    idempotency_key: str = Field(min_length=3)
    sku: str
    version: int = Field(ge=1)
    change_type: str
    changed_fields: list[str]
    cause: str
    change_size: int
    product: dict[str, Any]


class ChangeRecord(SqsRecordModel):
    body: Json[Change]


processor = BatchProcessor(event_type=EventType.SQS, model=ChangeRecord)


def _render(receiver_name: str, change: Change) -> str:
    receiver = RECEIVERS[receiver_name]
    row = receiver.render(change.model_dump())
    if receiver.format == "json":
        return json.dumps(row, sort_keys=True)
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        "|".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
        for v in row.values())
    return out.getvalue()


def _entry(record: ChangeRecord) -> dict[str, Any]:
    receiver = receiver_of_queue(record.eventSourceARN)
    change = record.body
    return {"receiver": receiver, "idempotency_key": change.idempotency_key,
            "sku": change.sku, "version": change.version, "body": _render(receiver, change),
            "message_id": record.messageId, "received_at": int(time.time())}


def _store_together(event: dict[str, Any]) -> set[str]:
    """The fast path: message ids of the changes stored by committed transactions."""
    entries: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for raw in event.get("Records") or []:
        try:
            entry = _entry(ChangeRecord.model_validate(raw))
        except Exception:  # noqa: BLE001 - the one-by-one path reports it
            continue
        entries.setdefault((entry["receiver"], entry["idempotency_key"]),
                           (raw["messageId"], entry))
    stored: set[str] = set()
    chosen = list(entries.values())
    for start in range(0, len(chosen), TRANSACTION_ITEMS):
        chunk = chosen[start:start + TRANSACTION_ITEMS]
        try:
            inbox.meta.client.transact_write_items(TransactItems=[{"Put": {
                "TableName": INBOX_TABLE,
                "Item": {k: serializer.serialize(v) for k, v in entry.items()},
                "ConditionExpression": "attribute_not_exists(idempotency_key)"}}
                for _, entry in chunk])
        except ClientError:
            continue
        stored.update(message_id for message_id, _ in chunk)
    return stored


def record_handler(record: ChangeRecord) -> None:
    change = record.body
    entry = _entry(record)
    receiver = entry["receiver"]
    try:
        inbox.put_item(Item=entry, ConditionExpression="attribute_not_exists(idempotency_key)")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        inbox.update_item(
            Key={"receiver": receiver, "idempotency_key": change.idempotency_key},
            UpdateExpression="ADD duplicates_dropped :one",
            ExpressionAttributeValues={":one": 1})
        logger.info("duplicate dropped", extra={"receiver": receiver,
                                                "idempotency_key": change.idempotency_key})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    stored = _store_together(event)
    pending = {**event, "Records": [r for r in event.get("Records") or []
                                    if r.get("messageId") not in stored]}
    if not pending["Records"]:
        return {"batchItemFailures": []}
    return process_partial_response(event=pending, record_handler=record_handler,
                                    processor=processor, context=context)

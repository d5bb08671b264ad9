"""Event shapes the pollers deliver and the partial-batch response they read back."""

from __future__ import annotations

import base64
import json
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, set):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps_event(event: dict[str, Any]) -> bytes:
    """Lambda's JSON of an event: binary values base64-encoded."""
    return json.dumps(event, default=_jsonable, separators=(",", ":")).encode()


MAX_BATCH_PAYLOAD_BYTES = 6 * 1024 * 1024 - 64 * 1024  # an invoke's 6 MB, with room


def split_by_size(records: list[dict[str, Any]],
                  limit_bytes: int = MAX_BATCH_PAYLOAD_BYTES) -> list[list[dict[str, Any]]]:
    """Consecutive batches whose events fit one invoke's payload (Lambda cuts a batch short
    at 6 MB)."""
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = 0
    for record in records:
        record_bytes = len(dumps_event(record))
        if current and size + record_bytes > limit_bytes:
            batches.append(current)
            current, size = [], 0
        current.append(record)
        size += record_bytes + 1
    if current:
        batches.append(current)
    return batches


def item_failures(payload: bytes, identifiers: list[str]) -> list[str] | None:
    """The ``batchItemFailures`` identifiers of a ReportBatchItemFailures response; ``[]``
    for a complete success and ``None`` when the response fails the whole batch (invalid
    JSON, an empty, null or unknown ``itemIdentifier``), as Lambda decides."""
    try:
        response = json.loads(payload) if payload.strip() else None
    except ValueError:
        return None
    if not isinstance(response, dict):
        return []
    failures = response.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        return None
    known = set(identifiers)
    failed: list[str] = []
    for entry in failures:
        item = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(item, str) or item not in known:
            return None
        failed.append(item)
    return failed


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One ``Records[]`` entry of the SQS event from a ReceiveMessage ``Message``."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {name: _attribute(value) for name, value in
                              (message.get("MessageAttributes") or {}).items()},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _attribute(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues") or []),
        "binaryListValues": [_b64(item) for item in value.get("BinaryListValues") or []],
        "dataType": value.get("DataType", "String"),
    }
    if value.get("StringValue") is not None:
        out["stringValue"] = value["StringValue"]
    if value.get("BinaryValue") is not None:
        out["binaryValue"] = _b64(value["BinaryValue"])
    return out


def _b64(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    return str(value)

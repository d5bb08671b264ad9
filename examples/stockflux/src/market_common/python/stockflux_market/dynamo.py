"""DynamoDB AttributeValues <-> plain Python values (str, bool, int/float, bytes, None,
lists and dicts), without the Decimal detour of boto3's TypeDeserializer; and
``batch_write``, BatchWriteItem with the retries of unprocessed items it needs."""

from __future__ import annotations

import time
from typing import Any

BATCH_WRITE_MAX = 25  # BatchWriteItem's limit
MAX_ATTEMPTS = 8
MAX_BACKOFF_S = 1.0


def to_attr(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float):
        return {"N": repr(value) if isinstance(value, float) else str(value)}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, list | tuple):
        return {"L": [to_attr(v) for v in value]}
    if isinstance(value, dict):
        return {"M": to_item(value)}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def to_item(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: to_attr(value) for name, value in values.items()}


def from_attr(attr: dict[str, Any]) -> Any:
    kind, value = next(iter(attr.items()))
    if kind in ("S", "B", "BOOL"):
        return value
    if kind == "N":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_attr(v) for v in value]
    if kind == "M":
        return from_item(value)
    if kind in ("SS", "BS"):
        return list(value)
    if kind == "NS":
        return [float(v) for v in value]
    raise TypeError(f"unknown AttributeValue type {kind}")


def from_item(item: dict[str, Any] | None) -> dict[str, Any]:
    return {name: from_attr(attr) for name, attr in (item or {}).items()}


def batch_write(dynamodb: Any, table: str, requests: list[dict[str, Any]]) -> None:
    """``PutRequest``/``DeleteRequest`` entries in chunks of 25, retrying unprocessed ones
    with exponential backoff; raises when some stay unprocessed."""
    for start in range(0, len(requests), BATCH_WRITE_MAX):
        pending = requests[start:start + BATCH_WRITE_MAX]
        for attempt in range(MAX_ATTEMPTS):
            result = dynamodb.batch_write_item(RequestItems={table: pending})
            pending = result.get("UnprocessedItems", {}).get(table, [])
            if not pending:
                break
            time.sleep(min(MAX_BACKOFF_S, 0.02 * 2 ** attempt))
        else:
            raise RuntimeError(f"{len(pending)} writes to {table} stayed unprocessed")

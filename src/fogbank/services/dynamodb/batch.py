"""BatchGetItem and BatchWriteItem.

The whole batch is validated before anything is read or written, as AWS does. BatchWriteItem
runs in one SQLite transaction (AWS gives no atomicity here; fogbank never leaves half a batch
either). BatchGetItem stops at 16 MB of items and returns the rest as ``UnprocessedKeys``.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb import request_expressions as rx
from fogbank.services.dynamodb.common import DynamoBase, check_item_size
from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.model import Item, KeyBytes, TableMeta
from fogbank.services.dynamodb.store import Deltas
from fogbank.services.dynamodb.types import item_size_bytes, validate_item, validate_item_sized

MAX_GET_KEYS = 100
MAX_WRITE_REQUESTS = 25
MAX_GET_BYTES = 16 * 1024 * 1024


def check_unique(keys: list[KeyBytes]) -> None:
    if len(set(keys)) != len(keys):
        raise ValidationException("Provided list of item keys contains duplicates")


def _by_table(writes: list[tuple[TableMeta, KeyBytes, Item | None, int]]
              ) -> list[tuple[TableMeta, list[tuple[KeyBytes, Item | None, int]]]]:
    """The writes grouped by table, tables in the order they first appear."""
    groups: dict[str, tuple[TableMeta, list[tuple[KeyBytes, Item | None, int]]]] = {}
    for table, key, item, size in writes:
        groups.setdefault(table.name, (table, []))[1].append((key, item, size))
    return list(groups.values())


def _charge(units: dict[str, float], table_name: str, written_bytes: int) -> None:
    """Write units of one request (deletes are charged by the old item's size)."""
    units[table_name] = units.get(table_name, 0.0) + max(1, -(-written_bytes // 1024))


class BatchOperations(DynamoBase):
    @operation("BatchGetItem")
    def batch_get_item(self, ctx: RequestContext, *, request_items: Any = None,
                       return_consumed_capacity: str | None = None, **_: Any) -> dict[str, Any]:
        if not request_items:
            raise ValidationException(
                "1 validation error detected: Value null at 'requestItems' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1")
        if sum(len(spec.get("Keys") or []) for spec in request_items.values()) > MAX_GET_KEYS:
            raise ValidationException("Too many items requested for the BatchGetItem call")
        plans = []
        for name, spec in request_items.items():
            table = self.table(name)
            keys = spec.get("Keys") or []
            if not keys:
                raise ValidationException(
                    "1 validation error detected: Value '[]' at "
                    f"'requestItems.{name}.member.keys' failed to satisfy constraint: Member "
                    "must have length greater than or equal to 1")
            for key in keys:
                validate_item(key, where="key")
            key_bytes = [table.key_from_request(key) for key in keys]
            check_unique(key_bytes)
            projection_text = spec.get("ProjectionExpression")
            rx.check_not_mixed({"AttributesToGet": spec.get("AttributesToGet")},
                               {"ProjectionExpression": projection_text})
            ectx = rx.context(spec.get("ExpressionAttributeNames"), None,
                              {"ProjectionExpression": projection_text})
            projection = rx.projection(ectx, projection_text, spec.get("AttributesToGet"))
            ectx.check_all_used()
            plans.append((table, spec, keys, key_bytes, projection))
        responses: dict[str, list[Item]] = {}
        unprocessed: dict[str, Any] = {}
        capacity: dict[str, float] = {}
        total_bytes = 0
        for table, spec, keys, key_bytes, projection in plans:
            found_items = responses.setdefault(table.name, [])
            for position, kb in enumerate(key_bytes):
                if total_bytes >= MAX_GET_BYTES:
                    unprocessed[table.name] = {**spec, "Keys": keys[position:]}
                    break
                found = self.store.get(table, kb)
                if found is None:
                    continue
                size = item_size_bytes(found)
                total_bytes += size
                units = max(1, -(-size // 4096)) * (1.0 if spec.get("ConsistentRead") else 0.5)
                capacity[table.name] = capacity.get(table.name, 0.0) + units
                found_items.append(ex.project(projection, found) if projection else found)
        out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
        if return_consumed_capacity in ("TOTAL", "INDEXES"):
            out["ConsumedCapacity"] = [{"TableName": name, "CapacityUnits": units,
                                        "ReadCapacityUnits": units}
                                       for name, units in capacity.items()]
        return out

    @operation("BatchWriteItem")
    def batch_write_item(self, ctx: RequestContext, *, request_items: Any = None,
                         return_consumed_capacity: str | None = None, **_: Any) -> dict[str, Any]:
        if not request_items:
            raise ValidationException(
                "1 validation error detected: Value null at 'requestItems' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1")
        for requests in request_items.values():
            if not 1 <= len(requests) <= MAX_WRITE_REQUESTS:
                raise ValidationException(
                    "1 validation error detected: Value at 'requestItems' failed to satisfy "
                    "constraint: Map value must satisfy constraint: [Member must have length "
                    "less than or equal to 25, Member must have length greater than or equal "
                    "to 1]")
        if sum(len(requests) for requests in request_items.values()) > MAX_WRITE_REQUESTS:
            raise ValidationException("Too many items requested for the BatchWriteItem call")
        writes: list[tuple[TableMeta, KeyBytes, Item | None, int]] = []
        for name, requests in request_items.items():
            table = self.table(name)
            seen: list[KeyBytes] = []
            for request in requests:
                put, delete = request.get("PutRequest"), request.get("DeleteRequest")
                if (put is None) == (delete is None):
                    raise ValidationException(
                        "Supplied AttributeValue has more than one datatypes set, must contain "
                        "exactly one of the supported datatypes" if put and delete else
                        "1 validation error detected: Value null at 'requestItems' failed to "
                        "satisfy constraint: Member must not be null")
                if put is not None:
                    item = put.get("Item") or {}
                    size = validate_item_sized(item)
                    key = table.key_from_item(item)
                    table.check_index_keys(item)
                    check_item_size(size)
                    writes.append((table, key, item, size))
                else:
                    validate_item(delete.get("Key") or {}, where="key")
                    key = table.key_from_request(delete.get("Key"))
                    writes.append((table, key, None, 0))
                seen.append(key)
            check_unique(seen)
        now_s = self.clock.now()
        units: dict[str, float] = {}
        deltas: Deltas = {}
        with self.db.transaction() as conn:
            for table, batch in _by_table(writes):
                if table.indexes or table.stream_arn or any(item is None for _, item, _ in batch):
                    for key, item, size in batch:
                        # Index entries and stream records need the old item; else its size.
                        old, old_size = self.store.get_sized(table, key, conn) \
                            if table.indexes or table.stream_arn else (None, None)
                        old_size = self.store.write(conn, table, key, old, item, size_bytes=size,
                                                    now_s=now_s, old_size=old_size,
                                                    deltas=deltas)
                        _charge(units, table.name, size or old_size or 1)
                else:  # puts only, nothing derived: one lookup, one executemany
                    puts = [(key, item, size) for key, item, size in batch if item is not None]
                    self.store.put_many(conn, table, puts, deltas)
                    for _key, _item, size in puts:
                        _charge(units, table.name, size)
            self.store.flush_stats(conn, deltas)
        out: dict[str, Any] = {"UnprocessedItems": {}}
        if return_consumed_capacity in ("TOTAL", "INDEXES"):
            out["ConsumedCapacity"] = [{"TableName": name, "CapacityUnits": value,
                                        "WriteCapacityUnits": value}
                                       for name, value in units.items()]
        return out

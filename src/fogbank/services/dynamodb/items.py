"""PutItem, GetItem, UpdateItem, DeleteItem: validate → one SQLite transaction → shape.

Each write reads the current item, evaluates the condition, computes the new item and writes
it (with its index entries and stream record) in one transaction, so a concurrent reader never
sees half of it and an acknowledged write is committed.
"""

from __future__ import annotations

from typing import Any

from fogbank.protocol.json_fast import EncodedJson, accepts_encoded_json
from fogbank.services.base import RequestContext, operation
from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb import request_expressions as rx
from fogbank.services.dynamodb.codec import encode_json, wire_json
from fogbank.services.dynamodb.common import (
    DynamoBase,
    check_item_size,
    check_return_values,
)
from fogbank.services.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from fogbank.services.dynamodb.expressions.projection import projection_of_paths
from fogbank.services.dynamodb.model import Item, KeyBytes, TableMeta
from fogbank.services.dynamodb.types import item_size_bytes, validate_item, validate_item_sized

PUT_RETURN_VALUES = ("NONE", "ALL_OLD")
UPDATE_RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def require(value: Any, member: str) -> Any:
    if value is None:
        raise ValidationException(f"1 validation error detected: Value null at '{member}' failed"
                                  " to satisfy constraint: Member must not be null")
    return value


def check_condition(condition: Any, old: Item | None, return_on_failure: str | None) -> None:
    if condition is not None and not ex.evaluate(condition, old):
        raise ConditionalCheckFailedException(
            item=old if return_on_failure == "ALL_OLD" and old is not None else None)


def check_return_on_failure(value: str | None) -> None:
    if value not in (None, "NONE", "ALL_OLD"):
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at "
            "'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must "
            "satisfy enum value set: [ALL_OLD, NONE]")


def check_returns(return_values: str | None, return_on_failure: str | None,
                  allowed: tuple[str, ...]) -> str:
    """ReturnValues (one of ``allowed``), then ReturnValuesOnConditionCheckFailure."""
    returns = check_return_values(return_values, UPDATE_RETURN_VALUES)
    if returns not in allowed:
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    check_return_on_failure(return_on_failure)
    return returns


def request_key(table: TableMeta, key: Any) -> KeyBytes:
    """The bytes of a write's ``Key`` parameter: present, valid, matching the key schema."""
    validate_item(require(key, "key"), where="key")
    return table.key_from_request(key)


def updated_item(table: TableMeta, plan: Any, old: Item | None, key: Item) -> tuple[Item, set[str]]:
    """The item after an update plan (a new item starts as its key); key changes rejected."""
    base: Item = dict(old) if old is not None else dict(key)
    if plan is None:
        return base, set()
    new, changed = ex.apply_update(plan, base, key_names=frozenset(table.key_names))
    table.check_index_keys(new)
    return new, changed


def collection_metrics(table: TableMeta, mode: str | None, item: Item | None) -> dict[str, Any]:
    """ItemCollectionMetrics (tables with local secondary indexes, when SIZE is asked)."""
    if mode != "SIZE" or item is None or not any(
            index.kind == "LSI" for index in table.indexes.values()):
        return {}
    return {"ItemCollectionMetrics": {"ItemCollectionKey": {table.hash_key: item[table.hash_key]},
                                      "SizeEstimateRangeGB": [0.0, 1.0]}}


class ItemOperations(DynamoBase):
    @operation("PutItem")
    def put_item(self, ctx: RequestContext, *, table_name: Any = None, item: Any = None,
                 condition_expression: str | None = None,
                 expression_attribute_names: dict[str, str] | None = None,
                 expression_attribute_values: dict[str, Any] | None = None,
                 expected: dict[str, Any] | None = None, conditional_operator: str | None = None,
                 return_values: str | None = None,
                 return_values_on_condition_check_failure: str | None = None,
                 return_consumed_capacity: str | None = None,
                 return_item_collection_metrics: str | None = None,
                 **_: Any) -> dict[str, Any]:
        table = self.table(table_name)
        size = validate_item_sized(require(item, "item"))
        key = table.key_from_item(item)
        table.check_index_keys(item)
        check_item_size(size)
        returns = check_returns(return_values, return_values_on_condition_check_failure,
                                PUT_RETURN_VALUES)
        condition = None
        if condition_expression is not None or expected is not None \
                or expression_attribute_names is not None \
                or expression_attribute_values is not None:
            rx.check_not_mixed({"Expected": expected},
                               {"ConditionExpression": condition_expression})
            ectx = rx.context(expression_attribute_names, expression_attribute_values,
                              {"ConditionExpression": condition_expression})
            condition = rx.condition(ectx, condition_expression, expected, conditional_operator)
            ectx.check_all_used()
        # The old item matters only to a condition, ALL_OLD, index entries or the stream.
        needs_old = condition is not None or returns == "ALL_OLD" or bool(table.indexes) \
            or table.stream_arn is not None
        with self.db.transaction() as conn:
            old, old_size = self.store.get_sized(table, key, conn) if needs_old else (None, None)
            check_condition(condition, old, return_values_on_condition_check_failure)
            self.store.write(conn, table, key, old, item, size_bytes=size, old_size=old_size,
                             now_s=self.clock.now())
        out: dict[str, Any] = collection_metrics(table, return_item_collection_metrics, item)
        if returns == "ALL_OLD" and old is not None:
            out["Attributes"] = old
        if return_consumed_capacity:
            capacity = self.consumed(table, return_consumed_capacity, write_bytes=size)
            if capacity:
                out["ConsumedCapacity"] = capacity
        return out

    @operation("GetItem")
    def get_item(self, ctx: RequestContext, *, table_name: Any = None, key: Any = None,
                 projection_expression: str | None = None,
                 expression_attribute_names: dict[str, str] | None = None,
                 attributes_to_get: list[str] | None = None, consistent_read: bool = False,
                 return_consumed_capacity: str | None = None,
                 **_: Any) -> dict[str, Any] | EncodedJson:
        table = self.table(table_name)
        key_bytes = table.key_from_request(require(key, "key"))
        projection = None
        if projection_expression is not None or attributes_to_get is not None \
                or expression_attribute_names is not None:
            rx.check_not_mixed({"AttributesToGet": attributes_to_get},
                               {"ProjectionExpression": projection_expression})
            ectx = rx.context(expression_attribute_names, None,
                              {"ProjectionExpression": projection_expression})
            projection = rx.projection(ectx, projection_expression, attributes_to_get)
            ectx.check_all_used()
        if projection is None and accepts_encoded_json(ctx, "GetItem"):
            return self._get_item_encoded(table, key_bytes, consistent_read,
                                          return_consumed_capacity)
        found = self.store.get(table, key_bytes)
        out: dict[str, Any] = {}
        if found is not None:
            out["Item"] = ex.project(projection, found) if projection is not None else found
        if return_consumed_capacity:
            capacity = self.consumed(table, return_consumed_capacity,
                                     read_bytes=item_size_bytes(found) if found else 0,
                                     consistent=bool(consistent_read))
            if capacity:
                out["ConsumedCapacity"] = capacity
        return out

    def _get_item_encoded(self, table: TableMeta, key_bytes: KeyBytes, consistent_read: bool,
                          capacity_mode: str | None) -> EncodedJson:
        """GetItem's answer for the edge: the stored item spliced in, never decoded."""
        found = self.store.get_raw(table, key_bytes)
        parts = [b'{"Item":', wire_json(found[0])] if found is not None else [b"{"]
        if capacity_mode:
            capacity = self.consumed(table, capacity_mode, read_bytes=found[1] if found else 0,
                                     consistent=bool(consistent_read))
            if capacity:
                parts += [b',"ConsumedCapacity":' if found else b'"ConsumedCapacity":',
                          encode_json(capacity)]
        parts.append(b"}")
        return EncodedJson(b"".join(parts))

    @operation("UpdateItem")
    def update_item(self, ctx: RequestContext, *, table_name: Any = None, key: Any = None,
                    update_expression: str | None = None,
                    condition_expression: str | None = None,
                    expression_attribute_names: dict[str, str] | None = None,
                    expression_attribute_values: dict[str, Any] | None = None,
                    attribute_updates: dict[str, Any] | None = None,
                    expected: dict[str, Any] | None = None,
                    conditional_operator: str | None = None, return_values: str | None = None,
                    return_values_on_condition_check_failure: str | None = None,
                    return_consumed_capacity: str | None = None,
                    return_item_collection_metrics: str | None = None,
                    **_: Any) -> dict[str, Any]:
        table = self.table(table_name)
        key_bytes = request_key(table, key)
        returns = check_returns(return_values, return_values_on_condition_check_failure,
                                UPDATE_RETURN_VALUES)
        rx.check_not_mixed({"AttributeUpdates": attribute_updates, "Expected": expected},
                           {"UpdateExpression": update_expression,
                            "ConditionExpression": condition_expression})
        ectx = rx.context(expression_attribute_names, expression_attribute_values,
                          {"UpdateExpression": update_expression,
                           "ConditionExpression": condition_expression})
        plan = rx.update(ectx, update_expression, attribute_updates)
        condition = rx.condition(ectx, condition_expression, expected, conditional_operator)
        ectx.check_all_used()
        with self.db.transaction() as conn:
            old, old_size = self.store.get_sized(table, key_bytes, conn)
            check_condition(condition, old, return_values_on_condition_check_failure)
            new, _changed = updated_item(table, plan, old, key)
            size = item_size_bytes(new)
            check_item_size(size)
            self.store.write(conn, table, key_bytes, old, new, size_bytes=size,
                             old_size=old_size, now_s=self.clock.now())
        out: dict[str, Any] = collection_metrics(table, return_item_collection_metrics, new)
        attributes: Item | None = {"ALL_OLD": old or {}, "ALL_NEW": new}.get(returns)
        if returns in ("UPDATED_OLD", "UPDATED_NEW") and plan is not None:
            # Only the updated parts, nested paths included, as AWS returns them.
            updated = projection_of_paths(plan.target_paths())
            source = old if returns == "UPDATED_OLD" else new
            attributes = ex.project(updated, source) if source else None
        if attributes:
            out["Attributes"] = attributes
        if return_consumed_capacity:
            capacity = self.consumed(table, return_consumed_capacity,
                                     write_bytes=max(size, item_size_bytes(old) if old else 0))
            if capacity:
                out["ConsumedCapacity"] = capacity
        return out

    @operation("DeleteItem")
    def delete_item(self, ctx: RequestContext, *, table_name: Any = None, key: Any = None,
                    condition_expression: str | None = None,
                    expression_attribute_names: dict[str, str] | None = None,
                    expression_attribute_values: dict[str, Any] | None = None,
                    expected: dict[str, Any] | None = None,
                    conditional_operator: str | None = None, return_values: str | None = None,
                    return_values_on_condition_check_failure: str | None = None,
                    return_consumed_capacity: str | None = None,
                    return_item_collection_metrics: str | None = None,
                    **_: Any) -> dict[str, Any]:
        table = self.table(table_name)
        key_bytes = request_key(table, key)
        returns = check_returns(return_values, return_values_on_condition_check_failure,
                                PUT_RETURN_VALUES)
        rx.check_not_mixed({"Expected": expected}, {"ConditionExpression": condition_expression})
        ectx = rx.context(expression_attribute_names, expression_attribute_values,
                          {"ConditionExpression": condition_expression})
        condition = rx.condition(ectx, condition_expression, expected, conditional_operator)
        ectx.check_all_used()
        with self.db.transaction() as conn:
            old, old_size = self.store.get_sized(table, key_bytes, conn)
            check_condition(condition, old, return_values_on_condition_check_failure)
            self.store.write(conn, table, key_bytes, old, None, size_bytes=0, old_size=old_size,
                             now_s=self.clock.now())
        out: dict[str, Any] = collection_metrics(table, return_item_collection_metrics, old)
        if returns == "ALL_OLD" and old is not None:
            out["Attributes"] = old
        if return_consumed_capacity:
            capacity = self.consumed(table, return_consumed_capacity,
                                     write_bytes=old_size or 1)
            if capacity:
                out["ConsumedCapacity"] = capacity
        return out

"""TransactWriteItems and TransactGetItems.

A write transaction is validated whole, then runs in ONE SQLite transaction: every action's
current item is read and its condition checked (collecting one CancellationReason per action,
in order); if any fails, nothing is written and TransactionCanceledException carries the
reasons. A ClientRequestToken makes a repeat within 10 minutes a no-op success (or
IdempotentParameterMismatchException when the parameters differ).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb import request_expressions as rx
from fogbank.services.dynamodb.common import DynamoBase, check_item_size
from fogbank.services.dynamodb.errors import (
    IdempotentParameterMismatchException,
    TransactionCanceledException,
    ValidationException,
)
from fogbank.services.dynamodb.items import updated_item
from fogbank.services.dynamodb.model import Item, KeyBytes, TableMeta
from fogbank.services.dynamodb.store import Deltas
from fogbank.services.dynamodb.types import item_size_bytes, validate_item

MAX_ACTIONS = 100
TOKEN_TTL_S = 600
ACTION_KINDS = ("ConditionCheck", "Put", "Delete", "Update")


@dataclass
class Action:
    kind: str
    table: TableMeta
    key: KeyBytes
    key_item: Item
    item: Item | None  # Put
    condition: Any
    update: Any
    return_on_failure: str | None


def _digest(transact_items: list[dict[str, Any]]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, bytes | bytearray):
            return base64.b64encode(bytes(value)).decode()
        raise TypeError(type(value).__name__)

    text = json.dumps(transact_items, sort_keys=True, default=default)
    return hashlib.sha256(text.encode()).hexdigest()


def _too_many(member: str, count: int) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
        "Member must have length less than or equal to 100"
        if count > MAX_ACTIONS else
        f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")


class TransactionOperations(DynamoBase):
    def _action(self, entry: dict[str, Any]) -> Action:
        kinds = [kind for kind in ACTION_KINDS if entry.get(kind) is not None]
        if len(kinds) != 1:
            raise ValidationException("TransactItems can only contain one of Check, Put, Update "
                                      "or Delete")
        kind = kinds[0]
        spec = entry[kind]
        table = self.table(spec.get("TableName"))
        item = None
        if kind == "Put":
            item = spec.get("Item") or {}
            validate_item(item)
            key = table.key_from_item(item)
            table.check_index_keys(item)
            check_item_size(item_size_bytes(item))
            key_item = table.key_of(item)
        else:
            key_item = spec.get("Key") or {}
            validate_item(key_item, where="key")
            key = table.key_from_request(key_item)
        text = spec.get("ConditionExpression")
        update_text = spec.get("UpdateExpression") if kind == "Update" else None
        ectx = rx.context(spec.get("ExpressionAttributeNames"),
                          spec.get("ExpressionAttributeValues"),
                          {"ConditionExpression": text, "UpdateExpression": update_text})
        update = ex.parse_update(update_text, ectx) if update_text is not None else None
        condition = ex.parse_condition(text, ectx) if text is not None else None
        ectx.check_all_used()
        return Action(kind, table, key, key_item, item, condition, update,
                      spec.get("ReturnValuesOnConditionCheckFailure"))

    @operation("TransactWriteItems")
    def transact_write_items(self, ctx: RequestContext, *, transact_items: Any = None,
                             client_request_token: str | None = None,
                             return_consumed_capacity: str | None = None,
                             **_: Any) -> dict[str, Any]:
        if not transact_items or len(transact_items) > MAX_ACTIONS:
            raise _too_many("transactItems", len(transact_items or []))
        actions = [self._action(entry) for entry in transact_items]
        targets = [(action.table.name, action.key) for action in actions]
        if len(set(targets)) != len(targets):
            raise ValidationException("Transaction request cannot include multiple operations "
                                      "on one item")
        now_s = self.clock.now()
        digest = _digest(transact_items) if client_request_token else ""
        with self.db.transaction() as conn:
            if client_request_token:
                row = conn.execute("SELECT digest, created_s FROM ddb_tx_tokens WHERE token = ?",
                                   (client_request_token,)).fetchone()
                if row is not None and row[1] >= now_s - TOKEN_TTL_S:
                    if row[0] != digest:
                        raise IdempotentParameterMismatchException(
                            "Specified idempotent token was already used with different "
                            "parameters")
                    return self._capacity_out(actions, return_consumed_capacity)
            sized = [self.store.get_sized(action.table, action.key, conn) for action in actions]
            olds = [old for old, _size in sized]
            reasons: list[dict[str, Any]] = []
            news: list[Item | None] = []
            for action, old in zip(actions, olds, strict=True):
                reason, new = self._evaluate(action, old)
                reasons.append(reason)
                news.append(new)
            if any(reason["Code"] != "None" for reason in reasons):
                raise TransactionCanceledException(reasons)
            deltas: Deltas = {}
            for action, (old, old_size), new in zip(actions, sized, news, strict=True):
                if action.kind == "ConditionCheck":
                    continue
                size = item_size_bytes(new) if new is not None else 0
                self.store.write(conn, action.table, action.key, old, new, size_bytes=size,
                                 old_size=old_size, deltas=deltas, now_s=now_s)
            self.store.flush_stats(conn, deltas)
            if client_request_token:
                conn.execute("INSERT OR REPLACE INTO ddb_tx_tokens VALUES (?, ?, ?, ?)",
                             (client_request_token, digest, now_s, "{}"))
        return self._capacity_out(actions, return_consumed_capacity)

    def _evaluate(self, action: Action, old: Item | None) -> tuple[dict[str, Any], Item | None]:
        if action.condition is not None and not ex.evaluate(action.condition, old):
            reason: dict[str, Any] = {"Code": "ConditionalCheckFailed",
                                      "Message": "The conditional request failed"}
            if action.return_on_failure == "ALL_OLD" and old is not None:
                reason["Item"] = old
            return reason, None
        if action.kind == "Put":
            return {"Code": "None"}, action.item
        if action.kind == "Delete":
            return {"Code": "None"}, None
        if action.kind == "Update":
            try:
                new, _changed = updated_item(action.table, action.update, old, action.key_item)
                check_item_size(item_size_bytes(new))
            except ValidationException as exc:
                return {"Code": "ValidationError", "Message": exc.message}, None
            return {"Code": "None"}, new
        return {"Code": "None"}, old

    def _capacity_out(self, actions: list[Action], mode: str | None) -> dict[str, Any]:
        if mode not in ("TOTAL", "INDEXES"):
            return {}
        units: dict[str, float] = {}
        for action in actions:
            units[action.table.name] = units.get(action.table.name, 0.0) + 2.0
        return {"ConsumedCapacity": [{"TableName": name, "CapacityUnits": value,
                                      "WriteCapacityUnits": value}
                                     for name, value in units.items()]}

    @operation("TransactGetItems")
    def transact_get_items(self, ctx: RequestContext, *, transact_items: Any = None,
                           return_consumed_capacity: str | None = None, **_: Any) -> dict[str, Any]:
        if not transact_items or len(transact_items) > MAX_ACTIONS:
            raise _too_many("transactItems", len(transact_items or []))
        plans = []
        for entry in transact_items:
            spec = entry.get("Get") or {}
            table = self.table(spec.get("TableName"))
            key = spec.get("Key") or {}
            validate_item(key, where="key")
            key_bytes = table.key_from_request(key)
            text = spec.get("ProjectionExpression")
            ectx = rx.context(spec.get("ExpressionAttributeNames"), None,
                              {"ProjectionExpression": text})
            projection = ex.parse_projection(text, ectx) if text is not None else None
            ectx.check_all_used()
            plans.append((table, key_bytes, projection))
        targets = [(table.name, key) for table, key, _ in plans]
        if len(set(targets)) != len(targets):
            raise ValidationException("Transaction request cannot include multiple operations "
                                      "on one item")
        responses: list[dict[str, Any]] = []
        units: dict[str, float] = {}
        with self.db.transaction() as conn:
            for table, key_bytes, projection in plans:
                found = self.store.get(table, key_bytes, conn)
                units[table.name] = units.get(table.name, 0.0) + 2.0
                if found is None:
                    responses.append({})
                else:
                    responses.append({"Item": ex.project(projection, found)
                                      if projection is not None else found})
        out: dict[str, Any] = {"Responses": responses}
        if return_consumed_capacity in ("TOTAL", "INDEXES"):
            out["ConsumedCapacity"] = [{"TableName": name, "CapacityUnits": value,
                                        "ReadCapacityUnits": value}
                                       for name, value in units.items()]
        return out

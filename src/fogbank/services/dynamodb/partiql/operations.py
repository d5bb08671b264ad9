"""ExecuteStatement, BatchExecuteStatement, ExecuteTransaction.

Each statement is parsed, translated into the equivalent expression-API request (Query when
WHERE fixes the partition key, else Scan; PutItem/UpdateItem/DeleteItem for writes;
TransactWriteItems/TransactGetItems for transactions) and run through those operations, so
PartiQL and the expression API share every rule.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import RequestContext, operation
from fogbank.services.dynamodb.codec import map_item, to_bytes, to_text
from fogbank.services.dynamodb.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    ValidationException,
)
from fogbank.services.dynamodb.items import ItemOperations
from fogbank.services.dynamodb.model import Item, TableMeta
from fogbank.services.dynamodb.partiql.parser import Statement, parse
from fogbank.services.dynamodb.partiql.translate import (
    Translation,
    conjuncts,
    join_and,
    key_equality,
    split_key_condition,
)
from fogbank.services.dynamodb.query import QueryOperations
from fogbank.services.dynamodb.transactions import TransactionOperations

MAX_BATCH_STATEMENTS = 25
MAX_TRANSACTION_STATEMENTS = 100
BATCH_ERROR_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
    "DuplicateItemException": "DuplicateItem",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "TransactionConflictException": "TransactionConflict",
}


def encode_token(key: Item) -> str:
    return base64.b64encode(json.dumps(map_item(key, to_text)).encode()).decode()


def decode_token(token: str) -> Item:
    try:
        decoded: Item = map_item(json.loads(base64.b64decode(token)), to_bytes)
    except ValueError:
        raise ValidationException("Invalid NextToken") from None
    return decoded


class PartiqlOperations(ItemOperations, QueryOperations, TransactionOperations):
    def _prepare(self, text: Any, parameters: list[dict[str, Any]] | None
                 ) -> tuple[Statement, Translation, TableMeta]:
        statement = parse(text)
        given = list(parameters or [])
        if len(given) != statement.parameter_count:
            raise ValidationException("Number of parameters in request and statement don't "
                                      "match.")
        table = self.table(statement.table)
        return statement, Translation(given), table

    def _split_key(self, statement: Statement, table: TableMeta,
                   tr: Translation) -> tuple[Item, Any]:
        """The full primary key fixed by WHERE, and the rest of WHERE as a condition."""
        key: Item = {}
        rest = []
        for node in conjuncts(statement.where):
            equality = key_equality(node, table.key_names)
            if equality is not None and equality[0] not in key:
                key[equality[0]] = tr.resolve(equality[1])
            else:
                rest.append(node)
        if set(key) != set(table.key_names):
            raise ValidationException("Where clause does not contain a mandatory equality on all "
                                      "key attributes")
        return key, join_and(rest)

    @operation("ExecuteStatement")
    def execute_statement(self, ctx: RequestContext, *, statement: Any = None,
                          parameters: list[dict[str, Any]] | None = None,
                          consistent_read: bool = False, next_token: str | None = None,
                          limit: int | None = None,
                          return_values_on_condition_check_failure: str | None = None,
                          return_consumed_capacity: str | None = None,
                          **_: Any) -> dict[str, Any]:
        parsed, tr, table = self._prepare(statement, parameters)
        if parsed.kind == "SELECT":
            return self._select(ctx, parsed, tr, table, consistent_read, next_token, limit,
                                return_consumed_capacity)
        self._write(ctx, parsed, tr, table, return_values_on_condition_check_failure)
        return {"Items": []}

    def _select(self, ctx: RequestContext, parsed: Statement, tr: Translation, table: TableMeta,
                consistent_read: bool, next_token: str | None, limit: int | None,
                capacity: str | None) -> dict[str, Any]:
        index = table.indexes.get(parsed.index) if parsed.index else None
        if parsed.index and index is None:
            raise ValidationException(
                f"The table does not have the specified index: {parsed.index}")
        hash_key = index.hash_key if index else table.hash_key
        range_key = index.range_key if index else table.range_key
        key_parts, rest = split_key_condition(parsed.where, hash_key, range_key)
        projection = ", ".join(tr.path(path) for path in parsed.projection) \
            if parsed.projection else None
        common: dict[str, Any] = {
            "table_name": table.name, "index_name": parsed.index,
            "projection_expression": projection,
            "limit": limit, "consistent_read": consistent_read,
            "exclusive_start_key": decode_token(next_token) if next_token else None,
            "return_consumed_capacity": capacity,
        }
        if key_parts:
            # WHERE fixes the partition: a Query (key conditions out of the filter, as AWS).
            key_text = " AND ".join(tr.condition(node) for node in key_parts)
            filter_text = tr.condition(rest) if rest is not None else None
            result = self.query(ctx, key_condition_expression=key_text,
                                filter_expression=filter_text,
                                scan_index_forward=not parsed.order_desc,
                                expression_attribute_names=tr.names_or_none(),
                                expression_attribute_values=tr.values_or_none(), **common)
        else:
            filter_text = tr.condition(parsed.where) if parsed.where is not None else None
            result = self.scan(ctx, filter_expression=filter_text,
                               expression_attribute_names=tr.names_or_none(),
                               expression_attribute_values=tr.values_or_none(), **common)
        assert isinstance(result, dict)  # encoded answers go only to the operation dispatched
        out: dict[str, Any] = {"Items": result.get("Items", [])}
        if "LastEvaluatedKey" in result:
            out["LastEvaluatedKey"] = result["LastEvaluatedKey"]
            out["NextToken"] = encode_token(result["LastEvaluatedKey"])
        if "ConsumedCapacity" in result:
            out["ConsumedCapacity"] = result["ConsumedCapacity"]
        return out

    def _write_request(self, parsed: Statement, tr: Translation,
                       table: TableMeta) -> tuple[str, dict[str, Any]]:
        """The (TransactWriteItems action name, its parameters) of a write statement."""
        if parsed.kind == "INSERT":
            item = tr.resolve(parsed.value)
            if "M" not in item:
                raise ValidationException("Unsupported type passed for VALUE: the inserted value "
                                          "must be a map")
            hash_name = tr.name(table.hash_key)
            return "Put", {"TableName": table.name, "Item": item["M"],
                           "ConditionExpression": f"attribute_not_exists({hash_name})",
                           "ExpressionAttributeNames": tr.names}
        key, rest = self._split_key(parsed, table, tr)
        if parsed.kind == "UPDATE":
            update_text = tr.update(parsed.sets, parsed.removes)
            condition = f"attribute_exists({tr.name(table.hash_key)})"
            if rest is not None:
                condition = f"{condition} AND ({tr.condition(rest)})"
            params = {"TableName": table.name, "Key": key, "UpdateExpression": update_text,
                      "ConditionExpression": condition}
            kind = "Update"
        else:
            params = {"TableName": table.name, "Key": key}
            if rest is not None:
                params["ConditionExpression"] = tr.condition(rest)
            kind = "Delete"
        if tr.names:
            params["ExpressionAttributeNames"] = tr.names
        if tr.values:
            params["ExpressionAttributeValues"] = tr.values
        return kind, params

    def _write(self, ctx: RequestContext, parsed: Statement, tr: Translation, table: TableMeta,
               return_on_failure: str | None) -> None:
        kind, params = self._write_request(parsed, tr, table)
        common: dict[str, Any] = {"table_name": table.name,
                  "condition_expression": params.get("ConditionExpression"),
                  "expression_attribute_names": params.get("ExpressionAttributeNames") or None,
                  "expression_attribute_values": params.get("ExpressionAttributeValues"),
                  "return_values_on_condition_check_failure": return_on_failure}
        if kind == "Put":
            try:
                self.put_item(ctx, item=params["Item"], **common)
            except ConditionalCheckFailedException:
                raise DuplicateItemException("Duplicate primary key exists in table") from None
        elif kind == "Update":
            self.update_item(ctx, key=params["Key"], update_expression=params["UpdateExpression"],
                             **common)
        else:
            self.delete_item(ctx, key=params["Key"], **common)

    def _read_key(self, parsed: Statement, tr: Translation, table: TableMeta) -> Item:
        key, rest = self._split_key(parsed, table, tr)
        if rest is not None or parsed.index:
            raise ValidationException("Batch and transaction reads must select one item by its "
                                      "full primary key")
        return key

    @operation("BatchExecuteStatement")
    def batch_execute_statement(self, ctx: RequestContext, *, statements: Any = None,
                                return_consumed_capacity: str | None = None,
                                **_: Any) -> dict[str, Any]:
        if not statements or len(statements) > MAX_BATCH_STATEMENTS:
            raise ValidationException(
                "1 validation error detected: Value at 'statements' failed to satisfy "
                "constraint: Member must have length less than or equal to 25")
        responses: list[dict[str, Any]] = []
        for entry in statements:
            try:
                parsed, tr, table = self._prepare(entry.get("Statement"), entry.get("Parameters"))
                if parsed.kind == "SELECT":
                    key = self._read_key(parsed, tr, table)
                    found = self.get_item(ctx, table_name=table.name, key=key,
                                          consistent_read=bool(entry.get("ConsistentRead")))
                    assert isinstance(found, dict)  # ctx.operation is not GetItem here
                    response: dict[str, Any] = {"TableName": table.name}
                    if "Item" in found:
                        response["Item"] = found["Item"]
                    responses.append(response)
                else:
                    self._write(ctx, parsed, tr, table,
                                entry.get("ReturnValuesOnConditionCheckFailure"))
                    responses.append({"TableName": table.name})
            except ServiceError as error:
                code = BATCH_ERROR_CODES.get(error.error_code, error.error_code)
                failure: dict[str, Any] = {"Code": code, "Message": error.message}
                if "Item" in error.fields:
                    failure["Item"] = error.fields["Item"]
                responses.append({"Error": failure})
        return {"Responses": responses}

    @operation("ExecuteTransaction")
    def execute_transaction(self, ctx: RequestContext, *, transact_statements: Any = None,
                            client_request_token: str | None = None,
                            return_consumed_capacity: str | None = None,
                            **_: Any) -> dict[str, Any]:
        if not transact_statements or len(transact_statements) > MAX_TRANSACTION_STATEMENTS:
            raise ValidationException(
                "1 validation error detected: Value at 'transactStatements' failed to satisfy "
                "constraint: Member must have length less than or equal to 100")
        prepared = [self._prepare(entry.get("Statement"), entry.get("Parameters"))
                    for entry in transact_statements]
        reads = [parsed.kind == "SELECT" for parsed, _, _ in prepared]
        if any(reads) and not all(reads):
            raise ValidationException("Transaction must contain either all reads or all writes")
        if all(reads):
            gets = [{"Get": {"TableName": table.name, "Key": self._read_key(parsed, tr, table)}}
                    for parsed, tr, table in prepared]
            result = self.transact_get_items(ctx, transact_items=gets,
                                             return_consumed_capacity=return_consumed_capacity)
            return {"Responses": result["Responses"]}
        actions = []
        for (parsed, tr, table), entry in zip(prepared, transact_statements, strict=True):
            kind, params = self._write_request(parsed, tr, table)
            if entry.get("ReturnValuesOnConditionCheckFailure"):
                params["ReturnValuesOnConditionCheckFailure"] = entry[
                    "ReturnValuesOnConditionCheckFailure"]
            actions.append({kind: params})
        self.transact_write_items(ctx, transact_items=actions,
                                  client_request_token=client_request_token,
                                  return_consumed_capacity=return_consumed_capacity)
        return {}

"""The securities table: securities keyed by ``securityId`` plus one claim item per
(exchange, symbol).

A claim item (``securityId = "claim#<exchange>#<symbol>"``, ``claimedBy``) makes "one
symbol per exchange" atomic: creating, renaming or deleting a security writes its claim in
the same transaction, conditioned on the claim being free (or its own). Claim items have no
``symbol`` attribute, so the ``symbol-index`` GSI (symbol, exchange) holds securities only;
listing reads that index, and the search indexer ignores claims (they are not searchable).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from stockflux_market.dynamo import from_item, to_item

SECURITY_FIELDS = ("securityId", "exchange", "symbol", "name", "enabled", "visible", "updated")
CLAIM_PREFIX = "claim#"


class NotFound(Exception):
    pass


class DuplicateSymbol(Exception):
    def __init__(self, exchange: str, symbol: str) -> None:
        super().__init__(f"A security with symbol {symbol} already exists on {exchange}")


def claim_key(exchange: str, symbol: str) -> str:
    return f"{CLAIM_PREFIX}{exchange}#{symbol}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def public(item: dict[str, Any]) -> dict[str, Any]:
    return {field: item.get(field) for field in SECURITY_FIELDS}


class SecuritiesStore:
    def __init__(self, dynamodb: Any, table: str, symbol_index: str) -> None:
        self.dynamodb = dynamodb
        self.table = table
        self.symbol_index = symbol_index

    # -- reads ----------------------------------------------------------------------------

    def get(self, security_id: str) -> dict[str, Any]:
        if security_id.startswith(CLAIM_PREFIX):
            raise NotFound(security_id)
        item = self.dynamodb.get_item(TableName=self.table,
                                      Key={"securityId": {"S": security_id}},
                                      ConsistentRead=True).get("Item")
        if not item:
            raise NotFound(security_id)
        return public(from_item(item))

    def all_securities(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"TableName": self.table, "IndexName": self.symbol_index}
        while True:
            page = self.dynamodb.scan(**params)
            items.extend(public(from_item(item)) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        items.sort(key=lambda s: (s["symbol"], s["exchange"]))
        return items

    def by_symbol(self, symbol: str) -> list[dict[str, Any]]:
        page = self.dynamodb.query(
            TableName=self.table, IndexName=self.symbol_index,
            KeyConditionExpression="symbol = :symbol",
            ExpressionAttributeValues={":symbol": {"S": symbol}})
        return [public(from_item(item)) for item in page.get("Items", [])]

    # -- writes ---------------------------------------------------------------------------

    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        security = {"securityId": str(uuid.uuid4()), **fields, "updated": now_iso()}
        self._transact([
            {"Put": {"TableName": self.table, "Item": to_item(security),
                     "ConditionExpression": "attribute_not_exists(securityId)"}},
            self._claim(security),
        ], security)
        return public(security)

    def replace(self, security_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        current = self.get(security_id)
        security = {"securityId": security_id, **fields, "updated": now_iso()}
        put = {"Put": {"TableName": self.table, "Item": to_item(security),
                       "ConditionExpression": "attribute_exists(securityId)"}}
        if (current["exchange"], current["symbol"]) == (security["exchange"],
                                                        security["symbol"]):
            self._transact([put], security)
        else:
            self._transact([put, self._release(current), self._claim(security)], security)
        return public(security)

    def patch(self, security_id: str, flags: dict[str, bool]) -> dict[str, Any]:
        if security_id.startswith(CLAIM_PREFIX):
            raise NotFound(security_id)
        names = {f"#{flag}": flag for flag in flags}
        values: dict[str, dict[str, Any]] = {f":{flag}": {"BOOL": value}
                                            for flag, value in flags.items()}
        values[":updated"] = {"S": now_iso()}
        assignments = ", ".join(f"#{flag} = :{flag}" for flag in flags)
        try:
            result = self.dynamodb.update_item(
                TableName=self.table, Key={"securityId": {"S": security_id}},
                UpdateExpression=f"SET {assignments}, updated = :updated",
                ConditionExpression="attribute_exists(symbol)",
                ExpressionAttributeNames=names, ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW")
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise NotFound(security_id) from None
            raise
        return public(from_item(result["Attributes"]))

    def delete(self, security_id: str) -> None:
        current = self.get(security_id)
        self._transact([
            {"Delete": {"TableName": self.table, "Key": {"securityId": {"S": security_id}},
                        "ConditionExpression": "attribute_exists(securityId)"}},
            self._release(current),
        ], current)

    # -- claims ---------------------------------------------------------------------------

    def _claim(self, security: dict[str, Any]) -> dict[str, Any]:
        return {"Put": {
            "TableName": self.table,
            "Item": {"securityId": {"S": claim_key(security["exchange"], security["symbol"])},
                     "claimedBy": {"S": security["securityId"]}},
            "ConditionExpression": "attribute_not_exists(securityId)"}}

    def _release(self, security: dict[str, Any]) -> dict[str, Any]:
        return {"Delete": {
            "TableName": self.table,
            "Key": {"securityId": {"S": claim_key(security["exchange"], security["symbol"])}},
            "ConditionExpression": "attribute_not_exists(securityId) OR claimedBy = :me",
            "ExpressionAttributeValues": {":me": {"S": security["securityId"]}}}}

    def _transact(self, actions: list[dict[str, Any]], security: dict[str, Any]) -> None:
        try:
            self.dynamodb.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            for action, reason in zip(actions, reasons, strict=False):
                if reason != "ConditionalCheckFailed":
                    continue
                key = (action.get("Put", {}).get("Item") or {}).get("securityId", {}).get("S", "")
                if "Put" in action and key.startswith(CLAIM_PREFIX):
                    raise DuplicateSymbol(security["exchange"], security["symbol"]) from None
                raise NotFound(security["securityId"]) from None
            raise

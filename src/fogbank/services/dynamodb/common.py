"""What every DynamoDB operation mixin shares: the store, the table cache, capacity units."""

from __future__ import annotations

import math
from typing import Any

from fogbank.core.db import Database
from fogbank.services.base import Provider, ServiceContext
from fogbank.services.dynamodb.errors import ResourceNotFoundException, ValidationException
from fogbank.services.dynamodb.model import TableMeta
from fogbank.services.dynamodb.store import ItemStore, database_path

MAX_ITEM_SIZE_BYTES = 400 * 1024
RETURN_CAPACITY = ("INDEXES", "TOTAL", "NONE")


class DynamoBase(Provider):
    service = "dynamodb"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self.ids = ctx.ids
        self.db = Database(database_path(ctx.state_dir))
        self.store = ItemStore(self.db, region=ctx.region, ids=ctx.ids)
        self._tables: dict[str, TableMeta] = {}

    # -- table metadata (cached: the hot paths never read it from SQLite) -----------------

    def table(self, name: Any) -> TableMeta:
        """The table named ``name`` (or given by its ARN, as the API allows)."""
        cached = self._tables.get(name) if isinstance(name, str) else None
        if cached is not None:
            return cached
        if not isinstance(name, str) or not name:
            raise ValidationException("1 validation error detected: Value null at 'tableName' "
                                      "failed to satisfy constraint: Member must not be null")
        if name.startswith("arn:") and ":table/" in name:
            name = name.split(":table/", 1)[1].split("/", 1)[0]
        loaded = self._tables.get(name) or self.store.load_table(name)
        if loaded is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found")
        self._tables[name] = loaded
        return loaded

    def forget_table(self, name: str) -> None:
        self._tables.pop(name, None)

    def table_by_arn(self, resource_arn: Any) -> TableMeta:
        if not isinstance(resource_arn, str) or ":table/" not in resource_arn:
            raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input "
                                      f"{resource_arn}")
        name = resource_arn.split(":table/", 1)[1].split("/", 1)[0]
        try:
            return self.table(name)
        except ResourceNotFoundException:
            raise ResourceNotFoundException(
                f"Requested resource not found: ResourceArn: {resource_arn} not found") from None

    # -- consumed capacity ----------------------------------------------------------------

    def consumed(self, table: TableMeta, mode: str | None, *, read_bytes: int = 0,
                 write_bytes: int = 0, consistent: bool = False, index_name: str | None = None,
                 items: int = 1, transactional: bool = False) -> dict[str, Any] | None:
        """A ConsumedCapacity entry: 4 KB read units (halved when eventually consistent),
        1 KB write units (GSIs charged like the table), doubled for transactions."""
        if mode not in ("TOTAL", "INDEXES"):
            if mode not in (None, "NONE"):
                raise ValidationException(
                    f"1 validation error detected: Value '{mode}' at 'returnConsumedCapacity' "
                    "failed to satisfy constraint: Member must satisfy enum value set: "
                    "[INDEXES, TOTAL, NONE]")
            return None
        factor = 2.0 if transactional else 1.0
        if write_bytes:
            units = max(1, math.ceil(write_bytes / 1024)) * factor
            table_units = units
            gsi_units = {name: units for name, index in table.indexes.items()
                         if index.kind == "GSI"}
            total = table_units + sum(gsi_units.values())
            out: dict[str, Any] = {"TableName": table.name, "CapacityUnits": total,
                                   "WriteCapacityUnits": total}
            if mode == "INDEXES":
                out["Table"] = {"CapacityUnits": table_units, "WriteCapacityUnits": table_units}
                if gsi_units:
                    out["GlobalSecondaryIndexes"] = {
                        name: {"CapacityUnits": value, "WriteCapacityUnits": value}
                        for name, value in gsi_units.items()}
            return out
        units = max(1, math.ceil(read_bytes / 4096)) * (1.0 if consistent else 0.5) * factor
        out = {"TableName": table.name, "CapacityUnits": units, "ReadCapacityUnits": units}
        if mode == "INDEXES":
            part = {"CapacityUnits": units, "ReadCapacityUnits": units}
            if index_name is None:
                out["Table"] = part
            else:
                out["Table"] = {"CapacityUnits": 0.0, "ReadCapacityUnits": 0.0}
                group = ("GlobalSecondaryIndexes" if table.indexes[index_name].kind == "GSI"
                         else "LocalSecondaryIndexes")
                out[group] = {index_name: part}
        return out


def check_item_size(size_bytes: int) -> None:
    if size_bytes > MAX_ITEM_SIZE_BYTES:
        raise ValidationException("Item size has exceeded the maximum allowed size")


def check_return_values(value: str | None, allowed: tuple[str, ...]) -> str:
    if value is None:
        return "NONE"
    if value not in allowed:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy "
            "constraint: Member must satisfy enum value set: "
            "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
    return value


"""CreateTable / UpdateTable validation and the TableDescription shape.

Validation follows AWS's order and messages: table name, key schema, attribute definitions
(every key attribute defined, no unused definitions), billing mode vs. throughput, then the
secondary indexes.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.model import IndexMeta, TableMeta

TABLE_NAME = re.compile(r"[a-zA-Z0-9_.\-]+\Z")
KEY_TYPES = ("S", "N", "B")
MAX_GSIS = 20
MAX_LSIS = 5
MAX_PROJECTED_ATTRIBUTES = 100


def validate_table_name(name: Any, member: str = "tableName") -> str:
    if not isinstance(name, str) or not name:
        raise ValidationException("1 validation error detected: Value null at 'tableName' failed"
                                  " to satisfy constraint: Member must not be null")
    if not TABLE_NAME.match(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    if not 3 <= len(name) <= 255:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy "
            "constraint: Member must have length "
            + ("greater than or equal to 3" if len(name) < 3 else "less than or equal to 255"))
    return name


def parse_key_schema(key_schema: Any, where: str = "") -> tuple[str, str | None]:
    """``(hash key, range key)`` of a KeySchema list, with AWS's messages."""
    if not isinstance(key_schema, list) or not key_schema:
        raise ValidationException("1 validation error detected: Value null at 'keySchema' "
                                  "failed to satisfy constraint: Member must not be null")
    if len(key_schema) > 2:
        raise ValidationException(
            "1 validation error detected: Value at 'keySchema' failed to satisfy constraint: "
            "Member must have length less than or equal to 2")
    types = [element.get("KeyType") for element in key_schema]
    names = [element.get("AttributeName") for element in key_schema]
    if types[0] != "HASH":
        raise ValidationException(f"Invalid KeySchema{where}: The first KeySchemaElement is not"
                                  " a HASH key type")
    if len(key_schema) == 2:
        if types[1] != "RANGE":
            raise ValidationException(f"Invalid KeySchema{where}: The second KeySchemaElement is"
                                      " not a RANGE key type")
        if names[0] == names[1]:
            raise ValidationException(
                "Both the Hash Key and the Range Key element in the KeySchema have the same "
                "name")
        return str(names[0]), str(names[1])
    return str(names[0]), None


def attribute_types(definitions: Any) -> dict[str, str]:
    if not isinstance(definitions, list) or not definitions:
        raise ValidationException("1 validation error detected: Value null at "
                                  "'attributeDefinitions' failed to satisfy constraint: Member "
                                  "must not be null")
    types: dict[str, str] = {}
    for definition in definitions:
        name = definition.get("AttributeName")
        kind = definition.get("AttributeType")
        if kind not in KEY_TYPES:
            raise ValidationException(
                f"1 validation error detected: Value '{kind}' at "
                "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [B, N, S]")
        if name in types:
            raise ValidationException("Cannot have two attributes with the same name")
        types[str(name)] = str(kind)
    return types


def check_throughput(billing_mode: str, throughput: Any, where: str = "") -> dict[str, Any]:
    if billing_mode == "PAY_PER_REQUEST":
        if throughput:
            raise ValidationException(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        return {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0, "NumberOfDecreasesToday": 0}
    if billing_mode != "PROVISIONED":
        raise ValidationException(
            f"1 validation error detected: Value '{billing_mode}' at 'billingMode' failed to "
            "satisfy constraint: Member must satisfy enum value set: [PROVISIONED, "
            "PAY_PER_REQUEST]")
    if not throughput:
        raise ValidationException(
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits"
            f" must both be specified when BillingMode is PROVISIONED{where}")
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = throughput.get(member)
        if not isinstance(value, int) or value < 1:
            raise ValidationException(
                f"One or more parameter values were invalid: {member} must be greater than 0")
    return {"ReadCapacityUnits": throughput["ReadCapacityUnits"],
            "WriteCapacityUnits": throughput["WriteCapacityUnits"],
            "NumberOfDecreasesToday": 0}


def check_projection(projection: Any, index_name: str) -> dict[str, Any]:
    if not isinstance(projection, dict):
        raise ValidationException("1 validation error detected: Value null at 'projection' "
                                  "failed to satisfy constraint: Member must not be null")
    kind = projection.get("ProjectionType", "ALL")
    non_key = projection.get("NonKeyAttributes")
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        raise ValidationException(
            f"1 validation error detected: Value '{kind}' at 'projection.projectionType' "
            "failed to satisfy constraint: Member must satisfy enum value set: [ALL, "
            "KEYS_ONLY, INCLUDE]")
    if kind == "INCLUDE":
        if not non_key:
            raise ValidationException(
                "One or more parameter values were invalid: NonKeyAttributes must not be empty"
                f" when ProjectionType is INCLUDE for index: {index_name}")
        return {"ProjectionType": kind, "NonKeyAttributes": list(non_key)}
    if non_key:
        raise ValidationException(
            "One or more parameter values were invalid: ProjectionType is "
            f"{kind}, but NonKeyAttributes is specified")
    return {"ProjectionType": kind}


def build_index(spec: dict[str, Any], kind: str, index_id: int, types: dict[str, str],
                table_hash: str, billing_mode: str) -> IndexMeta:
    name = spec.get("IndexName")
    if not isinstance(name, str) or not TABLE_NAME.match(name) or not 3 <= len(name) <= 255:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'indexName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    hash_key, range_key = parse_key_schema(spec.get("KeySchema"), f" for index {name}")
    for key in (hash_key, range_key):
        if key is not None and key not in types:
            raise ValidationException(
                "One or more parameter values were invalid: Some index key attributes are not "
                f"defined in AttributeDefinitions. Keys: [{key}], AttributeDefinitions: "
                f"[{', '.join(types)}]")
    if kind == "LSI":
        if hash_key != table_hash:
            raise ValidationException(
                "One or more parameter values were invalid: Index KeySchema does not have the "
                f"same leading hash key as table KeySchema for index: {name}. index hash key: "
                f"{hash_key}, table hash key: {table_hash}")
        if range_key is None:
            raise ValidationException(
                "One or more parameter values were invalid: Index KeySchema must have a range "
                f"key for index: {name}")
    throughput = None
    if kind == "GSI":
        throughput = check_throughput(billing_mode, spec.get("ProvisionedThroughput"),
                                      f" for index {name}")
    return IndexMeta(name=name, kind=kind, index_id=index_id, hash_key=hash_key,
                     hash_type=types[hash_key], range_key=range_key,
                     range_type=types[range_key] if range_key else None,
                     projection=check_projection(spec.get("Projection"), name),
                     provisioned_throughput=throughput)


def check_definitions_used(types: dict[str, str], table: TableMeta) -> None:
    used = set(table.key_names)
    for index in table.indexes.values():
        used.update(name for name in (index.hash_key, index.range_key) if name)
    if set(types) - used:
        raise ValidationException(
            "One or more parameter values were invalid: Number of attributes in KeySchema does "
            "not exactly match number of attributes defined in AttributeDefinitions")


def describe_index(index: IndexMeta, table: TableMeta, stats: tuple[int, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": index.key_schema(),
        "Projection": index.projection,
        "IndexSizeBytes": stats[1],
        "ItemCount": stats[0],
        "IndexArn": f"{table.arn}/index/{index.name}",
    }
    if index.kind == "GSI":
        out["IndexStatus"] = "ACTIVE"
        out["ProvisionedThroughput"] = dict(index.provisioned_throughput or {})
        if table.billing_mode == "PAY_PER_REQUEST":
            out["ProvisionedThroughput"] = {"NumberOfDecreasesToday": 0,
                                            "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    return out

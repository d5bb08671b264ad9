"""Table metadata as plain data, plus the per-table key logic every item operation uses.

``TableMeta`` is stored as one JSON document per table and cached by the provider, so the
hot paths (GetItem, PutItem) never walk a schema: key names, types and the index list are
attributes ready to use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.keys import encode_key_value

Item = dict[str, dict[str, Any]]
KeyBytes = tuple[bytes, bytes]  # (hash key bytes, range key bytes; b"" without a range key)


@dataclass
class IndexMeta:
    name: str
    kind: str  # "GSI" or "LSI"
    index_id: int
    hash_key: str
    hash_type: str
    range_key: str | None
    range_type: str | None
    projection: dict[str, Any]  # AWS Projection: {"ProjectionType": ..., "NonKeyAttributes": [..]}
    provisioned_throughput: dict[str, Any] | None = None

    @property
    def projection_type(self) -> str:
        return str(self.projection.get("ProjectionType", "ALL"))

    def key_schema(self) -> list[dict[str, str]]:
        schema = [{"AttributeName": self.hash_key, "KeyType": "HASH"}]
        if self.range_key:
            schema.append({"AttributeName": self.range_key, "KeyType": "RANGE"})
        return schema

    def key_bytes(self, item: Item) -> KeyBytes | None:
        """The index key of ``item``, or ``None`` when the item is not in this (sparse) index."""
        hash_value = item.get(self.hash_key)
        if hash_value is None or self.hash_type not in hash_value:
            return None
        if self.range_key is None:
            return encode_key_value(hash_value), b""
        range_value = item.get(self.range_key)
        if range_value is None or str(self.range_type) not in range_value:
            return None
        return encode_key_value(hash_value), encode_key_value(range_value)


@dataclass
class TableMeta:
    name: str
    table_id: int  # internal row id used in the items table
    table_uuid: str  # AWS TableId
    arn: str
    created_s: float
    hash_key: str
    hash_type: str
    range_key: str | None
    range_type: str | None
    attribute_definitions: list[dict[str, str]]
    billing_mode: str
    provisioned_throughput: dict[str, Any]
    indexes: dict[str, IndexMeta] = field(default_factory=dict)
    stream_view_type: str | None = None
    stream_arn: str | None = None
    stream_label: str | None = None
    ttl_attribute: str | None = None
    ttl_enabled: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    table_class: str = "STANDARD"
    deletion_protection: bool = False
    sse: dict[str, Any] | None = None

    # -- persistence ----------------------------------------------------------------------

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TableMeta:
        values = dict(doc)
        values["indexes"] = {name: IndexMeta(**index)
                             for name, index in doc.get("indexes", {}).items()}
        return cls(**values)

    # -- keys -----------------------------------------------------------------------------

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key,) if self.range_key is None else (self.hash_key, self.range_key)

    def key_schema(self) -> list[dict[str, str]]:
        schema = [{"AttributeName": self.hash_key, "KeyType": "HASH"}]
        if self.range_key:
            schema.append({"AttributeName": self.range_key, "KeyType": "RANGE"})
        return schema

    def key_of(self, item: Item) -> Item:
        return {name: item[name] for name in self.key_names if name in item}

    def key_from_request(self, key: Any) -> KeyBytes:
        """Bytes of a ``Key`` parameter; AWS's error if it does not match the key schema."""
        if not isinstance(key, dict) or len(key) != len(self.key_names):
            raise ValidationException("The provided key element does not match the schema")
        return self._key_bytes(key, missing_message=None)

    def key_from_item(self, item: Item) -> KeyBytes:
        """Bytes of the key attributes of an item about to be written."""
        return self._key_bytes(item, missing_message="Missing the key {name} in the item")

    def _key_bytes(self, item: dict[str, Any], missing_message: str | None) -> KeyBytes:
        hash_bytes = self._one(item, self.hash_key, self.hash_type, missing_message)
        if self.range_key is None:
            return hash_bytes, b""
        return hash_bytes, self._one(item, self.range_key, str(self.range_type), missing_message)

    def _one(self, item: dict[str, Any], name: str, expected: str,
             missing_message: str | None) -> bytes:
        value = item.get(name)
        if value is None:
            if missing_message is None:
                raise ValidationException("The provided key element does not match the schema")
            raise ValidationException("One or more parameter values were invalid: "
                                      + missing_message.format(name=name))
        if not isinstance(value, dict) or len(value) != 1:
            raise ValidationException("Supplied AttributeValue is empty, must contain exactly "
                                      "one of the supported datatypes")
        actual = next(iter(value))
        if actual != expected:
            raise ValidationException(
                "One or more parameter values were invalid: Type mismatch for key "
                f"{name} expected: {expected} actual: {actual}")
        raw = value[actual]
        if raw == "" or raw == b"":
            raise ValidationException(
                "One or more parameter values are not valid. The AttributeValue for a key "
                f"attribute cannot contain an empty {'string' if expected == 'S' else 'binary'}"
                f" value. Key: {name}")
        try:
            return encode_key_value(value)
        except ValueError as exc:
            raise ValidationException(
                "The parameter cannot be converted to a numeric value") from exc

    def check_index_keys(self, item: Item) -> None:
        """Index key attributes present in ``item`` must have the index's declared type."""
        for index in self.indexes.values():
            for name, expected in ((index.hash_key, index.hash_type),
                                   (index.range_key, index.range_type)):
                if name is None or name not in item:
                    continue
                actual = next(iter(item[name]), "")
                if actual != expected:
                    raise ValidationException(
                        "One or more parameter values were invalid: Type mismatch for Index Key "
                        f"{name} Expected: {expected} Actual: {actual} IndexName: {index.name}")
                raw = item[name][actual]
                if raw == "" or raw == b"":
                    raise ValidationException(
                        "One or more parameter values are not valid. A value specified for a "
                        "secondary index key is not supported. The AttributeValue for a key "
                        f"attribute cannot contain an empty string value. IndexName: "
                        f"{index.name}, IndexKey: {name}")

    def ttl_expiry(self, item: Item) -> float | None:
        """Epoch seconds at which ``item`` expires, if TTL is on and the item has a number."""
        if not self.ttl_enabled or not self.ttl_attribute:
            return None
        value = item.get(self.ttl_attribute)
        if not value or "N" not in value:
            return None
        try:
            return float(value["N"])
        except ValueError:
            return None

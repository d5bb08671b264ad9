"""Items as compact JSON bytes for the items table.

Items are kept in their wire form, so GetItem, Query and Scan may send stored bytes as they are
(``wire_json``) to a caller that takes encoded results (see ``fogbank.protocol.json_fast``).

Most items hold no binary values, so encoding is one ``json.dumps`` and decoding one
``json.loads``. Items with ``B``/``BS`` values are stored with a ``b`` prefix and their bytes
as base64, converted by a walk that knows the AttributeValue shape (a map member named ``B``
is not a binary value).
"""

from __future__ import annotations

import base64
import json
from typing import Any

Item = dict[str, dict[str, Any]]

_BINARY_PREFIX = b"b"
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads


def encode_item(item: Item) -> bytes:
    try:
        return _dumps(item).encode("utf-8")
    except TypeError:
        return _BINARY_PREFIX + _dumps(map_item(item, to_text)).encode("utf-8")


def decode_item(raw: bytes) -> Item:
    if raw[:1] == _BINARY_PREFIX:
        return map_item(_loads(raw[1:].decode("utf-8")), to_bytes)
    result: Item = _loads(raw.decode("utf-8"))
    return result


def map_item(item: dict[str, Any], convert: Any) -> dict[str, Any]:
    return {name: _convert(value, convert) for name, value in item.items()}


def _convert(value: dict[str, Any], convert: Any) -> dict[str, Any]:
    if "B" in value:
        return {"B": convert(value["B"])}
    if "BS" in value:
        return {"BS": [convert(member) for member in value["BS"]]}
    if "M" in value:
        return {"M": map_item(value["M"], convert)}
    if "L" in value:
        return {"L": [_convert(member, convert) for member in value["L"]]}
    return value


def to_text(raw: Any) -> str:
    return base64.b64encode(bytes(raw)).decode("ascii")


def to_bytes(text: str) -> bytes:
    return base64.b64decode(text)


def decode_items(raws: list[bytes]) -> list[Item]:
    """Decode many stored items at once (one JSON parse for a page without binary values)."""
    if any(raw[:1] == _BINARY_PREFIX for raw in raws):
        return [decode_item(raw) for raw in raws]
    decoded: list[Item] = _loads(b"[" + b",".join(raws) + b"]")
    return decoded


def wire_json(raw: bytes) -> bytes:
    """The stored item as the JSON of its wire form: the stored text is that already (binary
    values are base64 in both), once the binary marker is dropped."""
    return raw[1:] if raw[:1] == _BINARY_PREFIX else raw


def encode_json(document: Any) -> bytes:
    """Compact UTF-8 JSON of a small result part (capacity, keys) spliced next to stored items;
    the same form as ``encode_item``."""
    return encode_item(document)

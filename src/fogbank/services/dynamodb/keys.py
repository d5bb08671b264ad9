"""Key values as SQLite-sortable bytes, so ``ORDER BY`` on a BLOB column is DynamoDB's order.

SQLite compares BLOBs with ``memcmp``, so each key type is encoded to bytes whose bytewise
order is DynamoDB's order for that type:

- ``S``: the UTF-8 bytes (DynamoDB orders strings by their UTF-8 bytes).
- ``B``: the bytes themselves.
- ``N``: a sign byte (``0x01`` negative, ``0x02`` zero, ``0x03`` positive), then for
  positive numbers the decimal exponent as two big-endian bytes offset by 0x8000 and the
  significant digits as ASCII; negative numbers store the complement of the same bytes and a
  ``0xFF`` terminator, so a longer magnitude with the same prefix sorts lower.

A key attribute has one type per table, so no type tag is needed in the encoding.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

_NEGATIVE = b"\x01"
_ZERO = b"\x02"
_POSITIVE = b"\x03"
_EXPONENT_OFFSET = 0x8000
_COMPLEMENT = bytes(255 - value for value in range(256))


def encode_number(text: str) -> bytes:
    """Sortable bytes of a DynamoDB number given as its decimal text."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    if value == 0:
        return _ZERO
    sign, digits, exponent = value.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0") or "0"
    adjusted = int(exponent) + len(digits) - 1
    body = (adjusted + _EXPONENT_OFFSET).to_bytes(2, "big") + significant.encode("ascii")
    if sign:
        return _NEGATIVE + body.translate(_COMPLEMENT) + b"\xff"
    return _POSITIVE + body


def encode_key_value(value: dict[str, Any]) -> bytes:
    """Sortable bytes of a key AttributeValue (``{"S": ..}``, ``{"N": ..}`` or ``{"B": ..}``)."""
    if "S" in value:
        return str(value["S"]).encode("utf-8")
    if "N" in value:
        return encode_number(str(value["N"]))
    if "B" in value:
        raw = value["B"]
        return bytes(raw) if not isinstance(raw, str) else raw.encode("utf-8")
    raise ValueError("not a key value")


def key_type(value: dict[str, Any]) -> str:
    """The single type letter of an AttributeValue (``S``, ``N``, ``M``, ``SS`` ...)."""
    for name in value:
        return name
    return ""


def prefix_upper_bound(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``
    (``None`` when there is none, i.e. the prefix is all ``0xFF``)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])

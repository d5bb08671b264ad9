"""DynamoDB's type rules for AttributeValues (wire form: ``{"S": "x"}``, ``{"N": "1.5"}``, ...).

Validation with AWS's messages, number normalisation (38 significant digits, magnitude between
1E-130 and 1E+126), value equality and ordering, and item size computed the way AWS documents it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPE_KEYS = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})
SET_TYPES = frozenset({"SS", "NS", "BS"})
SCALAR_ELEMENT_TYPE = {"SS": "S", "NS": "N", "BS": "B"}
MAX_SIGNIFICANT_DIGITS = 38
MAX_NESTING_DEPTH = 32
_MAX_EXPONENT = 126  # magnitude must stay below 1E+126
_MIN_EXPONENT = -130  # and at or above 1E-130
_PLAIN_INTEGER = re.compile(r"-?[1-9][0-9]{0,37}|0")
# Already in DynamoDB's canonical form (no exponent, no leading or trailing zeros, not "-0");
# at most 38 characters, so within the precision and range limits too.
_CANONICAL_NUMBER = re.compile(r"-?(?:[1-9][0-9]*(?:\.[0-9]*[1-9])?|0\.[0-9]*[1-9])")
_CANONICAL_MAX_CHARS = 38
_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INVALID = "One or more parameter values were invalid: "
_SET_NAMES = {"SS": "string", "NS": "number"}


def invalid(message: str) -> ValidationException:
    """A ValidationException with AWS's "One or more parameter values were invalid" prefix."""
    return ValidationException(_INVALID + message)


def _number_error() -> ValidationException:
    return ValidationException("A value provided cannot be converted into a number")


def parse_number(text: str) -> Decimal:
    """The Decimal of a DynamoDB number text, raising AWS's range and precision errors."""
    if not isinstance(text, str) or not _NUMBER_TEXT.fullmatch(text):
        raise _number_error()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
        raise _number_error() from exc
    if not value:
        return Decimal(0)
    digits = value.as_tuple().digits
    stripped = "".join(map(str, digits)).strip("0")
    if len(stripped) > MAX_SIGNIFICANT_DIGITS:
        raise ValidationException(
            "Attempting to store more than 38 significant digits in a Number")
    magnitude = value.adjusted()  # exponent of the leading digit
    if magnitude >= _MAX_EXPONENT:
        raise ValidationException(
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range")
    if magnitude < _MIN_EXPONENT:
        raise ValidationException(
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range")
    return value


def format_number(value: Decimal) -> str:
    """DynamoDB's canonical text of a number: no exponent, no trailing zeros, "-0" is "0"."""
    if not value:
        return "0"
    sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped
    if exponent >= 0:
        text = digits + "0" * exponent
    elif -exponent >= len(digits):
        text = "0." + "0" * (-exponent - len(digits)) + digits
    else:
        text = digits[:exponent] + "." + digits[exponent:]
    return "-" + text if sign else text


def normalize_number(text: str) -> str:
    """"1.50" -> "1.5", "-0" -> "0", "1e2" -> "100"; AWS's errors for bad text or range."""
    if text.__class__ is str and len(text) <= _CANONICAL_MAX_CHARS and (
            _CANONICAL_NUMBER.fullmatch(text) or text == "0"):
        return text
    if isinstance(text, str) and _PLAIN_INTEGER.fullmatch(text):
        return text
    return format_number(parse_number(text))


def type_of(value: AttributeValue) -> str:
    """The single type key of an AttributeValue (assumes it was validated)."""
    for key in value:
        return key
    raise ValidationException(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")


def _render_collection(elements: list[Any]) -> str:
    rendered = [e.decode("latin-1") if isinstance(e, bytes) else str(e) for e in elements]
    return "[" + ", ".join(rendered) + "]"


def validate_value(value: Any, *, depth: int = 0) -> AttributeValue:
    """Validate one AttributeValue in place, normalising numbers; returns it."""
    if not isinstance(value, dict) or not value:
        raise ValidationException(
            "Supplied AttributeValue is empty, must contain exactly one of the supported "
            "datatypes")
    if len(value) > 1:
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes")
    if depth > MAX_NESTING_DEPTH:
        raise ValidationException(
            "Nesting Levels have exceeded supported limits: Attributes can have up to 32 "
            "nesting levels")
    ((kind, payload),) = value.items()
    if kind == "S":
        if not isinstance(payload, str):
            raise ValidationException("Supplied AttributeValue has an invalid String value")
    elif kind == "N":
        value["N"] = normalize_number(payload)
    elif kind == "B":
        if not isinstance(payload, (bytes, bytearray)):
            raise ValidationException("Supplied AttributeValue has an invalid Binary value")
    elif kind == "BOOL":
        if not isinstance(payload, bool):
            raise ValidationException("Supplied AttributeValue has an invalid Boolean value")
    elif kind == "NULL":
        if payload is not True:
            raise invalid("Null attribute value types must have the value of true")
    elif kind == "M":
        if not isinstance(payload, dict):
            raise ValidationException("Supplied AttributeValue has an invalid Map value")
        for element in payload.values():
            validate_value(element, depth=depth + 1)
    elif kind == "L":
        if not isinstance(payload, list):
            raise ValidationException("Supplied AttributeValue has an invalid List value")
        for element in payload:
            validate_value(element, depth=depth + 1)
    elif kind in SET_TYPES:
        _validate_set(value, kind, payload)
    else:
        raise ValidationException(
            "Supplied AttributeValue is empty, must contain exactly one of the supported "
            "datatypes")
    return value


def _validate_set(value: AttributeValue, kind: str, payload: Any) -> None:
    if not isinstance(payload, list):
        raise ValidationException("Supplied AttributeValue has an invalid Set value")
    if not payload:
        if kind == "BS":
            raise invalid("Binary sets should not be empty")
        raise invalid(f"An {_SET_NAMES[kind]} set  may not be empty")
    if kind == "NS":
        normalized = [normalize_number(element) for element in payload]
        if len(set(normalized)) != len(normalized):
            raise invalid(f"Input collection {_render_collection(payload)} contains duplicates.")
        value["NS"] = normalized
        return
    element_type = str if kind == "SS" else (bytes, bytearray)
    if not all(isinstance(element, element_type) for element in payload):
        raise ValidationException("Supplied AttributeValue has an invalid Set value")
    if len(set(payload)) != len(payload):
        raise invalid(f"Input collection {_render_collection(payload)} contains duplicates.")


def validate_item(item: Item, *, where: str = "item") -> None:
    """Validate every attribute of an item (numbers are normalised in place)."""
    if not isinstance(item, dict):
        raise ValidationException(f"Supplied {where} is not a map of attribute values")
    for value in item.values():
        validate_value(value)


def validate_item_sized(item: Item, *, where: str = "item") -> int:
    """``validate_item`` and ``item_size_bytes`` in one walk (the write path's hot loop):
    the same errors in the same order; strings and numbers at the top level are handled
    inline, everything else by ``validate_value``/``value_size_bytes``."""
    if not isinstance(item, dict):
        raise ValidationException(f"Supplied {where} is not a map of attribute values")
    size = 0
    for name, value in item.items():
        size += len(name) if name.isascii() else len(name.encode("utf-8"))
        if value.__class__ is dict and len(value) == 1:
            ((kind, payload),) = value.items()
            if kind == "S" and payload.__class__ is str:
                size += len(payload) if payload.isascii() else len(payload.encode("utf-8"))
                continue
            if kind == "N" and payload.__class__ is str:
                text = normalize_number(payload)
                if text is not payload:
                    value["N"] = text
                size += number_size_bytes(text)
                continue
        size += value_size_bytes(validate_value(value))
    return size


# --- equality and ordering -------------------------------------------------------------------


def compare(a: AttributeValue, b: AttributeValue) -> int | None:
    """-1/0/1 for two S, N or B values of the same type (strings by UTF-8 bytes, which is
    code-point order); None when they are not comparable."""
    (kind_a, va), = a.items()
    (kind_b, vb), = b.items()
    if kind_a != kind_b:
        return None
    if kind_a == "N":
        da, db = Decimal(va), Decimal(vb)
        return (da > db) - (da < db)
    if kind_a in ("S", "B"):
        return int(va > vb) - int(va < vb)
    return None


def values_equal(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB equality: same type and same value (numbers numerically, sets unordered)."""
    (kind_a, va), = a.items()
    (kind_b, vb), = b.items()
    if kind_a != kind_b:
        return False
    if kind_a == "N":
        return va == vb or Decimal(va) == Decimal(vb)
    if kind_a == "NS":
        return {Decimal(x) for x in va} == {Decimal(x) for x in vb}
    if kind_a in ("SS", "BS"):
        return set(va) == set(vb)
    if kind_a == "L":
        return len(va) == len(vb) and all(values_equal(x, y) for x, y in zip(va, vb, strict=True))
    if kind_a == "M":
        return va.keys() == vb.keys() and all(values_equal(va[k], vb[k]) for k in va)
    return bool(va == vb)


# --- sizes -----------------------------------------------------------------------------------


def number_size_bytes(text: str) -> int:
    """AWS: about one byte per two significant digits, plus one byte (plus one if negative)."""
    digits = text.lstrip("-").replace(".", "").strip("0") or "0"
    return (len(digits) + 1) // 2 + 1 + (1 if text.startswith("-") else 0)


def value_size_bytes(value: AttributeValue) -> int:
    """Size of one AttributeValue per AWS's item-size rules."""
    (kind, payload), = value.items()
    if kind == "S":
        return len(payload.encode("utf-8"))
    if kind == "N":
        return number_size_bytes(payload)
    if kind == "B":
        return len(payload)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(element.encode("utf-8")) for element in payload)
    if kind == "NS":
        return sum(number_size_bytes(element) for element in payload)
    if kind == "BS":
        return sum(len(element) for element in payload)
    if kind == "L":
        return 3 + sum(1 + value_size_bytes(element) for element in payload)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + value_size_bytes(element)
                       for name, element in payload.items())
    return 0


def item_size_bytes(item: Item) -> int:
    """Attribute names (UTF-8 bytes) plus their values' sizes, as AWS counts toward 400 KB."""
    return sum(len(name.encode("utf-8")) + value_size_bytes(value) for name, value in item.items())

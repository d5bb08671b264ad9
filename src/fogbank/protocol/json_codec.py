"""JSON bodies by shape: request documents → typed params, results → wire documents.

Used for the ``json`` protocol and for ``rest-json`` bodies. Results whose shapes hold no
timestamps, renamed members or JSON-valued strings skip the walk and go straight to
``json.dumps`` (blobs are base64-encoded by its ``default`` hook).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.model import Shape

from fogbank.protocol.values import decode_base64, encode_base64, format_timestamp, parse_timestamp


class ShapeTypeError(ValueError):
    """A request value does not have the type its shape requires."""


def json_default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return encode_base64(bytes(value))
    if isinstance(value, datetime):
        return format_timestamp(value, "unixTimestamp")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# Built once: ``json.dumps`` with any non-default argument builds an encoder per call.
_ENCODER = json.JSONEncoder(default=json_default, separators=(",", ":"))


def dumps(document: Any) -> bytes:
    return _ENCODER.encode(document).encode("utf-8")


def from_json(value: Any, shape: Shape, path: str = "") -> Any:
    """Check and convert one decoded JSON value to the Python type its shape describes."""
    type_name = shape.type_name
    if type_name == "structure":
        if not isinstance(value, dict):
            raise ShapeTypeError(f"{path or shape.name}: expected an object")
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            wire_name = member.serialization.get("name", name)
            if wire_name in value and value[wire_name] is not None:
                out[name] = from_json(value[wire_name], member, f"{path}.{name}" if path else name)
        return out
    if type_name == "list":
        if not isinstance(value, list):
            raise ShapeTypeError(f"{path}: expected a list")
        member_shape = shape.member
        return [from_json(item, member_shape, path) for item in value]
    if type_name == "map":
        if not isinstance(value, dict):
            raise ShapeTypeError(f"{path}: expected an object")
        value_shape = shape.value
        return {
            str(key): from_json(item, value_shape, path)
            for key, item in value.items()
            if item is not None
        }
    return _scalar_from_json(value, shape, path)


def _scalar_from_json(value: Any, shape: Shape, path: str) -> Any:
    type_name = shape.type_name
    if type_name == "string":
        if shape.serialization.get("jsonvalue"):
            return value
        if not isinstance(value, str):
            raise ShapeTypeError(f"{path}: expected a string")
        return value
    if type_name in ("integer", "long", "short", "byte"):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ShapeTypeError(f"{path}: expected an integer")
        return value
    if type_name in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ShapeTypeError(f"{path}: expected a number")
        return value
    if type_name == "boolean":
        if not isinstance(value, bool):
            raise ShapeTypeError(f"{path}: expected a boolean")
        return value
    if type_name == "timestamp":
        try:
            return parse_timestamp(value)
        except (TypeError, ValueError, OverflowError, OSError) as exc:
            raise ShapeTypeError(f"{path}: {exc}") from None
    if type_name == "blob":
        try:
            return decode_base64(value)
        except (TypeError, ValueError) as exc:
            raise ShapeTypeError(f"{path}: {exc}") from None
    return value  # document and unknown types pass through untouched


class JsonResultEncoder:
    """Result dict → JSON document, walking only shapes that need it (cached per shape)."""

    def __init__(self, default_timestamp_format: str = "unixTimestamp") -> None:
        self._timestamp_format = default_timestamp_format
        self._needs_walk: dict[str, bool] = {}

    def needs_walk(self, shape: Shape) -> bool:
        if shape.type_name not in ("structure", "list", "map"):
            return self._compute_needs_walk(shape)
        cached = self._needs_walk.get(shape.name)
        if cached is not None:
            return cached
        self._needs_walk[shape.name] = False  # provisional: breaks recursion cycles
        result = self._compute_needs_walk(shape)
        self._needs_walk[shape.name] = result
        return result

    def _compute_needs_walk(self, shape: Shape) -> bool:
        type_name = shape.type_name
        if type_name == "timestamp":
            return True
        if type_name == "string":
            return bool(shape.serialization.get("jsonvalue"))
        if type_name == "structure":
            return any(
                "name" in member.serialization or self.needs_walk(member)
                for member in shape.members.values()
            )
        if type_name == "list":
            return self.needs_walk(shape.member)
        if type_name == "map":
            return self.needs_walk(shape.value)
        return False

    def encode(self, value: Any, shape: Shape | None) -> Any:
        if shape is None or not self.needs_walk(shape):
            return value
        return self._walk(value, shape)

    def _walk(self, value: Any, shape: Shape) -> Any:
        type_name = shape.type_name
        if type_name == "structure":
            if not isinstance(value, dict):
                return value
            out: dict[str, Any] = {}
            members = shape.members
            for name, item in value.items():
                member = members.get(name)
                if item is None:
                    continue
                if member is None:
                    out[name] = item
                    continue
                out[member.serialization.get("name", name)] = self.encode(item, member)
            return out
        if type_name == "list":
            return [self.encode(item, shape.member) for item in value] if isinstance(
                value, list | tuple
            ) else value
        if type_name == "map":
            if not isinstance(value, dict):
                return value
            return {key: self.encode(item, shape.value) for key, item in value.items()}
        if type_name == "timestamp":
            fmt = shape.serialization.get("timestampFormat", self._timestamp_format)
            return format_timestamp(value, fmt)
        return value


Converter = Callable[[Any, Shape], Any]

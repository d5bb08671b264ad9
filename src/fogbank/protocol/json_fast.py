"""Request documents → typed params through converters compiled once per input shape.

``json_codec.from_json`` walks the botocore shape for every value: for each structure it
looks at every member of the model, so a DynamoDB item pays for all ten members of
``AttributeValue`` at each attribute. ``compile_input`` turns a shape into nested closures
that visit only the members present in the document. The result is the same as
``from_json``'s for every valid document; on a value of the wrong type it raises
``ShapeTypeError`` without a path, and the caller re-runs ``from_json`` to get the exact
message (errors are rare, so they may be slow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from fogbank.protocol.json_codec import ShapeTypeError, _scalar_from_json

Convert = Callable[[Any], Any]

_INTEGERS = frozenset({"integer", "long", "short", "byte"})


class InputCompiler:
    """Compiles and caches converters; structures are shared by name, which also makes
    recursive shapes (DynamoDB's ``AttributeValue``) work."""

    def __init__(self) -> None:
        self._structures: dict[str, Convert] = {}

    def compile(self, shape: Shape) -> Convert:
        type_name = shape.type_name
        if type_name == "structure":
            return self._structure(shape)
        if type_name == "list":
            member = self.compile(shape.member)

            def convert_list(value: Any) -> Any:
                if not isinstance(value, list):
                    raise ShapeTypeError("expected a list")
                return [member(item) for item in value]
            return convert_list
        if type_name == "map":
            item_convert = self.compile(shape.value)

            def convert_map(value: Any) -> Any:
                if not isinstance(value, dict):
                    raise ShapeTypeError("expected an object")
                return {str(key): item_convert(item) for key, item in value.items()
                        if item is not None}
            return convert_map
        return _scalar(shape)

    def _structure(self, shape: Shape) -> Convert:
        known = self._structures.get(shape.name)
        if known is not None:
            return known
        # Filled after the function exists, so members may refer back to this structure.
        members: dict[str, tuple[str, Convert]] = {}

        def convert_structure(value: Any) -> Any:
            if not isinstance(value, dict):
                raise ShapeTypeError("expected an object")
            out: dict[str, Any] = {}
            for wire_name, item in value.items():
                entry = members.get(wire_name)
                if entry is not None and item is not None:
                    out[entry[0]] = entry[1](item)
            return out

        self._structures[shape.name] = convert_structure
        for name, member in shape.members.items():
            members[member.serialization.get("name", name)] = (name, self.compile(member))
        return convert_structure


def _scalar(shape: Shape) -> Convert:
    type_name = shape.type_name
    if type_name == "string":
        if shape.serialization.get("jsonvalue"):
            return _identity
        return _string
    if type_name == "boolean":
        return _boolean
    if type_name in _INTEGERS:
        return _integer
    return lambda value: _scalar_from_json(value, shape, "")


def _identity(value: Any) -> Any:
    return value


def _string(value: Any) -> Any:
    if value.__class__ is not str and not isinstance(value, str):
        raise ShapeTypeError("expected a string")
    return value


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ShapeTypeError("expected a boolean")
    return value


def _integer(value: Any) -> Any:
    if value.__class__ is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ShapeTypeError("expected an integer")
    return value

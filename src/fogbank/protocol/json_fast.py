"""Request documents → typed params through converters compiled once per input shape.

``json_codec.from_json`` walks the botocore shape for every value: for each structure it
looks at every member of the model, so a DynamoDB item pays for all ten members of
``AttributeValue`` at each attribute. ``compile_input`` turns a shape into nested closures
that visit only the members present in the document. The result is the same as
``from_json``'s for every valid document; on a value of the wrong type it raises
``ShapeTypeError`` without a path, and the caller re-runs ``from_json`` to get the exact
message (errors are rare, so they may be slow).

Converters never change the document they are given, and they return the very same dict or
list when converting changes nothing in it (no blob, no timestamp, no dropped member): a
DynamoDB item of strings and numbers is checked, not copied. The result may therefore share
parts with the document; the parser discards the document, so nothing else sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
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
                if value.__class__ is not list and not isinstance(value, list):
                    raise ShapeTypeError("expected a list")
                out: list[Any] | None = None
                for position, item in enumerate(value):
                    converted = member(item)
                    if out is None:
                        if converted is item:
                            continue
                        out = value[:position]
                    out.append(converted)
                return value if out is None else out
            return convert_list
        if type_name == "map":
            item_convert = self.compile(shape.value)

            def convert_map(value: Any) -> Any:
                if value.__class__ is not dict and not isinstance(value, dict):
                    raise ShapeTypeError("expected an object")
                out: dict[str, Any] | None = None
                for key, item in value.items():
                    if item is None or key.__class__ is not str:
                        if out is None:
                            out = _before(value, key)
                        if item is not None:
                            out[str(key)] = item_convert(item)
                        continue
                    converted = item_convert(item)
                    if out is None:
                        if converted is item:
                            continue
                        out = _before(value, key)
                    out[key] = converted
                return value if out is None else out
            return convert_map
        return _scalar(shape)

    def _structure(self, shape: Shape) -> Convert:
        known = self._structures.get(shape.name)
        if known is not None:
            return known
        # Filled after the function exists, so members may refer back to this structure.
        members: dict[str, tuple[str, Convert]] = {}

        def convert_structure(value: Any) -> Any:
            if value.__class__ is not dict and not isinstance(value, dict):
                raise ShapeTypeError("expected an object")
            out: dict[str, Any] | None = None
            for wire_name, item in value.items():
                entry = members.get(wire_name)
                if entry is None or item is None:
                    if out is None:  # dropped: unknown member or null
                        out = _before(value, wire_name)
                    continue
                name, convert = entry
                converted = convert(item)
                if out is None:
                    if converted is item and name == wire_name:
                        continue
                    out = _before(value, wire_name)
                out[name] = converted
            return value if out is None else out

        self._structures[shape.name] = convert_structure
        for name, member in shape.members.items():
            members[member.serialization.get("name", name)] = (name, self.compile(member))
        return convert_structure


def _before(value: dict[str, Any], stop: Any) -> dict[str, Any]:
    """The entries of ``value`` before the key ``stop`` (all kept unchanged so far)."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == stop:
            return out
        out[key] = item
    return out


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


# -- results a provider has encoded itself --------------------------------------------------

# Set by the edge while it runs a JSON-protocol operation for a wire request: the caller can
# send an ``EncodedJson`` result as it is. Providers still return plain dicts to everyone else
# (internal calls, tests calling them directly), so they check ``ctx.internal`` as well.
ACCEPTS_ENCODED_JSON: ContextVar[bool] = ContextVar("fogbank_accepts_encoded_json",
                                                    default=False)


class EncodedJson:
    """A JSON-protocol result its provider already encoded (``body``: the UTF-8 document,
    exactly what the response writer would have produced from the result dict). DynamoDB
    uses it to send stored items, which are kept in wire form, without decoding them."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __repr__(self) -> str:
        return f"EncodedJson({self.body[:60]!r}...)"


def accepts_encoded_json(ctx: Any, operation: str) -> bool:
    """Whether the provider method implementing ``operation`` may answer with an
    ``EncodedJson``: only when the edge dispatched exactly that operation for a wire request
    (``ctx`` is the ``RequestContext``; a method called by another operation, e.g. PartiQL's
    ExecuteStatement running a Query, returns its dict as usual)."""
    return ctx.operation == operation and not ctx.internal and ACCEPTS_ENCODED_JSON.get()

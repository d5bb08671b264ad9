"""Query-protocol request parameters (``Action=...&A.member.1=...``) → typed params.

Mirrors botocore's ``QuerySerializer`` naming: ``prefix.Name`` for structure members,
``member.N`` (or flattened ``Name.N``) for lists, ``entry.N.key/value`` (or flattened) for
maps. ``overrides`` renames members for services whose query names are not in the model
(SQS: see ``sqs_query``).
"""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

from fogbank.protocol.naming import QueryName
from fogbank.protocol.xml_codec import scalar_from_text


class QueryParamReader:
    """Reads one request's flat parameters against an input shape."""

    def __init__(self, params: dict[str, str], overrides: dict[str, QueryName] | None = None
                 ) -> None:
        self._params = params
        self._overrides = overrides or {}
        prefixes: set[str] = set()
        for key in params:
            position = key.find(".")
            while position >= 0:
                prefixes.add(key[:position])
                position = key.find(".", position + 1)
            prefixes.add(key)
        self._prefixes = prefixes

    def structure(self, shape: Shape, prefix: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            override = self._overrides.get(name)
            if override is not None:
                key = _join(prefix, override.element_name(member))
                value = self._flattened_override(member, key, override)
            else:
                key = _join(prefix, str(member.serialization.get("name", name)))
                value = self.value(member, key)
            if value is not None:
                out[name] = value
        return out

    def value(self, shape: Shape, key: str) -> Any:
        if key not in self._prefixes:
            return None
        type_name = shape.type_name
        if type_name == "structure":
            return self.structure(shape, key)
        if type_name == "list":
            return self._list(shape, key)
        if type_name == "map":
            return self._map(shape, key)
        text = self._params.get(key)
        return None if text is None else scalar_from_text(text, shape)

    def _list(self, shape: Shape, key: str) -> list[Any]:
        if shape.serialization.get("flattened"):
            member_name = shape.member.serialization.get("name")
            list_prefix = key if not member_name else _join(key.rpartition(".")[0], member_name)
        else:
            list_prefix = f"{key}.{shape.member.serialization.get('name', 'member')}"
        return self._items(shape.member, list_prefix)

    def _items(self, member_shape: Shape, list_prefix: str) -> list[Any]:
        items: list[Any] = []
        index = 1
        while True:
            item_key = f"{list_prefix}.{index}"
            if item_key not in self._prefixes:
                return items
            item = self.value(member_shape, item_key)
            if item is not None:
                items.append(item)
            index += 1

    def _map(self, shape: Shape, key: str) -> dict[str, Any]:
        full_prefix = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        return self._entries(shape, full_prefix, key_name, value_name)

    def _entries(self, shape: Shape, full_prefix: str, key_name: str, value_name: str
                 ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        index = 1
        while f"{full_prefix}.{index}" in self._prefixes:
            entry_key = self._params.get(f"{full_prefix}.{index}.{key_name}")
            entry_value = self.value(shape.value, f"{full_prefix}.{index}.{value_name}")
            if entry_key is not None and entry_value is not None:
                out[entry_key] = entry_value
            index += 1
        return out

    def _flattened_override(self, shape: Shape, key: str, override: QueryName) -> Any:
        if key not in self._prefixes:
            return None
        if shape.type_name == "list":
            return self._items(shape.member, key)
        if shape.type_name == "map":
            return self._entries(shape, key, override.key_name, override.value_name)
        return self.value(shape, key)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name

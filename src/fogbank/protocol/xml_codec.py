"""XML bodies by shape (rest-xml and query protocols), following botocore's naming rules:
``locationName`` renames, ``flattened`` lists and maps, ``xmlAttribute`` members and
``xmlNamespace`` declarations. Element names are matched without their namespace.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from botocore.model import Shape

from fogbank.protocol.naming import QueryName
from fogbank.protocol.values import (
    decode_base64,
    format_scalar_text,
    format_timestamp,
    parse_bool_text,
    parse_number_text,
    parse_timestamp,
)

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;"}
)


def escape_text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


def escape_attr(text: str) -> str:
    return text.translate(_ATTR_ESCAPES)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag[:1] == "{" else tag


def member_key_name(member: Shape, member_name: str) -> str:
    """The element name of a structure member (botocore's ``_member_key_name``)."""
    serialization = member.serialization
    if member.type_name == "list" and serialization.get("flattened"):
        list_member_name = member.member.serialization.get("name")
        if list_member_name is not None:
            return str(list_member_name)
    return str(serialization.get("name", member_name))


def parse_xml_document(body: bytes) -> ElementTree.Element:
    """Parse a request body; raises ``ElementTree.ParseError`` when it is not XML.

    Document type declarations are refused: AWS request documents never need them, and
    they are how entity-expansion attacks start."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise ElementTree.ParseError("document type declarations are not allowed")
    parser = ElementTree.XMLParser()
    parser.feed(body)
    return parser.close()


# -- XML → params -------------------------------------------------------------------------


def from_xml(node: ElementTree.Element, shape: Shape) -> Any:
    type_name = shape.type_name
    if type_name == "structure":
        return _structure_from_xml(node, shape)
    if type_name == "list":
        return [from_xml(child, shape.member) for child in node]
    if type_name == "map":
        return _map_from_entries(list(node), shape)
    return scalar_from_text(node.text or "", shape)


def _structure_from_xml(node: ElementTree.Element, shape: Shape) -> dict[str, Any]:
    children: dict[str, list[ElementTree.Element]] = {}
    for child in node:
        children.setdefault(local_name(child.tag), []).append(child)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        serialization = member.serialization
        if serialization.get("xmlAttribute"):
            wanted = str(serialization.get("name", name)).split(":")[-1]
            for key, text in node.attrib.items():
                if local_name(key) == wanted:
                    out[name] = scalar_from_text(text, member)
            continue
        nodes = children.get(member_key_name(member, name))
        if not nodes:
            continue
        if member.type_name == "list" and serialization.get("flattened"):
            out[name] = [from_xml(item, member.member) for item in nodes]
        elif member.type_name == "map" and serialization.get("flattened"):
            out[name] = _map_from_entries(nodes, member)
        else:
            out[name] = from_xml(nodes[0], member)
    return out


def _map_from_entries(entries: list[ElementTree.Element], shape: Shape) -> dict[str, Any]:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    out: dict[str, Any] = {}
    for entry in entries:
        key: str | None = None
        value_node: ElementTree.Element | None = None
        for child in entry:
            tag = local_name(child.tag)
            if tag == key_name:
                key = child.text or ""
            elif tag == value_name:
                value_node = child
        if key is not None and value_node is not None:
            out[key] = from_xml(value_node, shape.value)
    return out


def scalar_from_text(text: str, shape: Shape) -> Any:
    """Text from XML, a query string or a header → the shape's Python type."""
    type_name = shape.type_name
    if type_name == "string":
        return text
    if type_name in ("integer", "long", "short", "byte", "float", "double"):
        return parse_number_text(text, type_name)
    if type_name == "boolean":
        return parse_bool_text(text)
    if type_name == "timestamp":
        return parse_timestamp(text.strip())
    if type_name == "blob":
        return decode_base64(text.strip())
    return text


# -- result → XML ------------------------------------------------------------------------


def _namespace_attr(shape: Shape) -> str:
    namespace = shape.serialization.get("xmlNamespace")
    if not namespace:
        return ""
    if isinstance(namespace, str):
        return f' xmlns="{escape_attr(namespace)}"'
    prefix = namespace.get("prefix")
    uri = escape_attr(str(namespace.get("uri", "")))
    return f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"'


class XmlResultWriter:
    """Writes result values as XML elements; ``timestamp_format`` is the protocol default."""

    def __init__(self, timestamp_format: str = "iso8601",
                 overrides: dict[str, QueryName] | None = None) -> None:
        self._timestamp_format = timestamp_format
        self._overrides = overrides or {}

    def element(self, out: list[str], name: str, value: Any, shape: Shape,
                extra_attrs: str = "") -> None:
        type_name = shape.type_name
        if type_name == "structure":
            self._structure(out, name, value, shape, extra_attrs)
        elif type_name == "list":
            member_name = shape.member.serialization.get("name", "member")
            out.append(f"<{name}{extra_attrs}>")
            for item in value or ():
                self.element(out, member_name, item, shape.member)
            out.append(f"</{name}>")
        elif type_name == "map":
            out.append(f"<{name}{extra_attrs}>")
            self._map_entries(out, "entry", value, shape)
            out.append(f"</{name}>")
        else:
            text = escape_text(self.scalar_text(value, shape))
            out.append(f"<{name}{extra_attrs}>{text}</{name}>")

    def members(self, out: list[str], value: dict[str, Any], shape: Shape) -> None:
        """The child elements of a structure (without the structure's own element)."""
        if not isinstance(value, dict):
            return
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None or member.serialization.get("xmlAttribute"):
                continue
            serialization = member.serialization
            override = self._overrides.get(name)
            if override is not None and member.type_name == "list":
                element_name = override.element_name(member)
                for entry in item:
                    self.element(out, element_name, entry, member.member)
            elif override is not None and member.type_name == "map":
                self._map_entries(out, override.name, item, member,
                                  (override.key_name, override.value_name))
            elif member.type_name == "list" and serialization.get("flattened"):
                element_name = member_key_name(member, name)
                for entry in item:
                    self.element(out, element_name, entry, member.member)
            elif member.type_name == "map" and serialization.get("flattened"):
                self._map_entries(out, str(serialization.get("name", name)), item, member)
            else:
                self.element(out, str(serialization.get("name", name)), item, member)

    def attributes(self, value: Any, shape: Shape) -> str:
        attrs = _namespace_attr(shape)
        if isinstance(value, dict):
            for name, member in shape.members.items():
                if member.serialization.get("xmlAttribute") and value.get(name) is not None:
                    attr_name = member.serialization.get("name", name)
                    text = self.scalar_text(value[name], member)
                    attrs += f' {attr_name}="{escape_attr(text)}"'
        return attrs

    def _structure(self, out: list[str], name: str, value: Any, shape: Shape,
                   extra_attrs: str) -> None:
        out.append(f"<{name}{extra_attrs}{self.attributes(value, shape)}>")
        self.members(out, value, shape)
        out.append(f"</{name}>")

    def _map_entries(self, out: list[str], entry_name: str, value: Any, shape: Shape,
                     names: tuple[str, str] | None = None) -> None:
        key_name, value_name = names or (shape.key.serialization.get("name", "key"),
                                         shape.value.serialization.get("name", "value"))
        for key, item in (value or {}).items():
            out.append(f"<{entry_name}>")
            out.append(f"<{key_name}>{escape_text(str(key))}</{key_name}>")
            self.element(out, value_name, item, shape.value)
            out.append(f"</{entry_name}>")

    def scalar_text(self, value: Any, shape: Shape) -> str:
        if shape.type_name == "timestamp":
            fmt = shape.serialization.get("timestampFormat", self._timestamp_format)
            return str(format_timestamp(value, fmt))
        return format_scalar_text(value, shape.type_name)

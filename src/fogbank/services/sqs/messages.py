"""Message checks and checksums: body characters, message attributes, sizes, and the MD5
digests AWS returns (and SDKs verify) for bodies and attributes."""

from __future__ import annotations

import hashlib
import re
import struct
from typing import Any

from fogbank.services.sqs.errors import (
    InvalidMessageContents,
    InvalidParameterValue,
    MissingParameter,
)

MAX_MESSAGE_ATTRIBUTES = 10
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
DATA_TYPE = re.compile(r"^(String|Number|Binary)(\..+)?$")
# XML 1.0 characters: what SQS accepts in bodies and string values.
INVALID_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SYSTEM_ATTRIBUTE_NAMES = ("AWSTraceHeader",)
STRING_TRANSPORT, BINARY_TRANSPORT = 1, 2


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """AWS's digest: per attribute sorted by name, length-prefixed name, data type, a transport
    byte (1 string, 2 binary) and the length-prefixed value."""
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        _length_prefixed(digest, name.encode("utf-8"))
        _length_prefixed(digest, str(value["DataType"]).encode("utf-8"))
        if value.get("StringValue") is not None:
            digest.update(bytes([STRING_TRANSPORT]))
            _length_prefixed(digest, str(value["StringValue"]).encode("utf-8"))
        else:
            digest.update(bytes([BINARY_TRANSPORT]))
            _length_prefixed(digest, bytes(value.get("BinaryValue") or b""))
    return digest.hexdigest()


def _length_prefixed(digest: Any, data: bytes) -> None:
    digest.update(struct.pack("!I", len(data)))
    digest.update(data)


def check_body(body: str | None) -> str:
    if body is None or body == "":
        raise MissingParameter("MessageBody")
    check_characters(body)
    return body


def check_characters(text: str) -> None:
    if INVALID_CHARACTER.search(text):
        raise InvalidMessageContents(
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to "
            "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")


def check_message_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Validate user message attributes; returns them with only the members AWS keeps."""
    if not attributes:
        return {}
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise InvalidParameterValue(f"Number of message attributes [{len(attributes)}] "
                                    f"exceeds the allowed maximum [{MAX_MESSAGE_ATTRIBUTES}].")
    result: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        _check_attribute_name(name)
        result[name] = _check_attribute_value(name, value, "message (user)")
    return result


def check_system_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not attributes:
        return {}
    result: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        if name not in SYSTEM_ATTRIBUTE_NAMES:
            raise InvalidParameterValue(
                f"Message system attribute name '{name}' is invalid.")
        checked = _check_attribute_value(name, value, "message system")
        if checked["DataType"] != "String":
            raise InvalidParameterValue(
                f"The message system attribute '{name}' has an invalid message system "
                "attribute type. The supported type is String.")
        result[name] = checked
    return result


def _check_attribute_name(name: str) -> None:
    lowered = name.lower()
    if (not ATTRIBUTE_NAME.match(name) or name.startswith(".") or name.endswith(".")
            or ".." in name):
        raise InvalidParameterValue(
            f"The message attribute name '{name}' is invalid. Attribute name can contain A-Z, "
            "a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.")
    if lowered.startswith("aws.") or lowered.startswith("amazon."):
        raise InvalidParameterValue(
            f"The message attribute name '{name}' is reserved for use by Amazon.")


def _check_attribute_value(name: str, value: Any, kind: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidParameterValue(f"The {kind} attribute '{name}' is invalid.")
    data_type = str(value.get("DataType") or "")
    if not data_type:
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain non-empty message attribute type.")
    if not DATA_TYPE.match(data_type) or len(data_type) > 256:
        raise InvalidParameterValue(
            f"The message attribute '{name}' has an invalid message attribute type, the set "
            "of supported type prefixes is Binary, Number, and String.")
    if value.get("StringListValues") or value.get("BinaryListValues"):
        raise InvalidParameterValue(
            f"Message attribute list values in '{name}' are not supported.")
    base_type = data_type.split(".", 1)[0]
    if base_type == "Binary":
        binary = value.get("BinaryValue")
        if binary is None or len(binary) == 0:
            raise InvalidParameterValue(
                f"The message attribute '{name}' must contain non-empty message attribute "
                f"value for message attribute type '{data_type}'.")
        return {"DataType": data_type, "BinaryValue": bytes(binary)}
    text = value.get("StringValue")
    if text is None or text == "":
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain non-empty message attribute value "
            f"for message attribute type '{data_type}'.")
    text = str(text)
    check_characters(text)
    if base_type == "Number":
        _check_number(name, text, kind)
    return {"DataType": data_type, "StringValue": text}


def _check_number(name: str, text: str, kind: str) -> None:
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text.strip()):
        raise InvalidParameterValue(
            f"Can't cast the value of {kind} attribute '{name}' to a number.")
    digits = re.sub(r"[eE].*$", "", text.strip()).lstrip("+-").replace(".", "").lstrip("0")
    if len(digits) > 38:
        raise InvalidParameterValue(
            f"Value of {kind} attribute '{name}' has more than 38 significant digits.")


def attributes_size(attributes: dict[str, dict[str, Any]]) -> int:
    """Bytes an attribute map adds to a message (name + type + value), as SQS counts."""
    size = 0
    for name, value in attributes.items():
        size += len(name.encode("utf-8")) + len(str(value["DataType"]).encode("utf-8"))
        if value.get("StringValue") is not None:
            size += len(str(value["StringValue"]).encode("utf-8"))
        else:
            size += len(value.get("BinaryValue") or b"")
    return size


def content_dedup_id(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def select_attributes(attributes: dict[str, dict[str, Any]],
                      requested: list[str] | None) -> dict[str, dict[str, Any]]:
    """The message attributes a ReceiveMessage asked for: names, ``All``/``.*`` or
    ``prefix.*``."""
    if not requested or not attributes:
        return {}
    if "All" in requested or ".*" in requested:
        return attributes
    chosen: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        for pattern in requested:
            if name == pattern or (pattern.endswith(".*") and name.startswith(pattern[:-2])):
                chosen[name] = value
                break
    return chosen

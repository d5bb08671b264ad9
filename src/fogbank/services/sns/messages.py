"""Publish input checks, as AWS makes them: message size, subject, MessageStructure=json and
message attributes. The result is plain JSON-able data stored in the outbox."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from fogbank.services.sns.errors import (
    InvalidParameterException,
    InvalidParameterValueException,
    invalid,
)

MAX_MESSAGE_BYTES = 256 * 1024
MAX_SUBJECT_CHARS = 100
MAX_SMS_BYTES = 1600
E164 = re.compile(r"\+?[1-9]\d{1,14}\Z")
SMS_SEPARATORS = re.compile(r"[./-]")
ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_\-.]{1,256}\Z")
SUBJECT = re.compile(r"[\x20-\x7e]+\Z")  # printable ASCII, no line breaks


def check_subject(subject: str | None) -> None:
    if subject is None:
        return
    if len(subject) > MAX_SUBJECT_CHARS:
        # What AWS answers (its documentation gives the rules, not this message).
        raise InvalidParameterException("Subject must be less than 100 characters")
    if not subject or not SUBJECT.match(subject):
        raise invalid("Subject")


def structured_messages(message: str, message_structure: str | None) -> dict[str, str]:
    """``{"default": text}`` or, with ``MessageStructure=json``, the per-protocol texts."""
    if message_structure is None:
        return {"default": message}
    if message_structure != "json":
        raise invalid("MessageStructure")
    try:
        document = json.loads(message)
    except ValueError:
        raise invalid("Message Structure - JSON message body failed to parse") from None
    if not isinstance(document, dict):
        raise invalid("Message Structure - JSON message body failed to parse")
    default = document.get("default")
    if not isinstance(default, str):
        raise invalid("Message Structure - No default entry in JSON message body")
    return {key: value if isinstance(value, str) else json.dumps(value)
            for key, value in document.items()}


def for_protocol(messages: dict[str, str], protocol: str) -> str:
    return messages.get(protocol, messages["default"])


def normalize_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    """Validated attributes as stored: ``{name: {DataType, StringValue | BinaryValue(b64)}}``."""
    stored: dict[str, dict[str, str]] = {}
    for name, attribute in (attributes or {}).items():
        if not isinstance(attribute, dict):
            raise invalid(f"The message attribute '{name}' is not valid")
        if not ATTRIBUTE_NAME.match(name) or name.startswith((".", "AWS.", "Amazon.")) \
                or name.endswith(".") or ".." in name:
            raise InvalidParameterValueException(
                f"The message attribute name '{name}' is invalid.")
        data_type = attribute.get("DataType")
        if not data_type:
            raise InvalidParameterValueException(
                f"The message attribute '{name}' must contain non-empty message attribute"
                " type.")
        base_type = str(data_type).split(".", 1)[0]
        if base_type not in ("String", "Number", "Binary"):
            raise InvalidParameterValueException(
                f"The message attribute '{name}' has an invalid message attribute type, the"
                " set of supported type prefixes is Binary, Number, and String.")
        if base_type == "Binary":
            value = attribute.get("BinaryValue")
            if value is None or value == b"" or value == "":
                raise InvalidParameterValueException(
                    f"The message attribute '{name}' must contain non-empty message attribute"
                    f" value for message attribute type '{data_type}'.")
            raw = value if isinstance(value, bytes) else str(value).encode()
            stored[name] = {"DataType": data_type,
                            "BinaryValue": base64.b64encode(raw).decode()}
            continue
        text = attribute.get("StringValue")
        if text is None or text == "":
            raise InvalidParameterValueException(
                f"The message attribute '{name}' must contain non-empty message attribute"
                f" value for message attribute type '{data_type}'.")
        if base_type == "Number":
            _check_number(name, text)
        stored[name] = {"DataType": data_type, "StringValue": str(text)}
    return stored


def _check_number(name: str, text: str) -> None:
    try:
        number = float(text)
    except ValueError:
        raise InvalidParameterValueException(
            f"Could not cast message attribute '{name}' value to number.") from None
    if number != number or abs(number) > 1e308:
        raise InvalidParameterValueException(
            f"Could not cast message attribute '{name}' value to number.")


def message_size(text: str, attributes: dict[str, dict[str, str]]) -> int:
    size = len(text.encode())
    for name, attribute in attributes.items():
        value = attribute.get("StringValue") or attribute.get("BinaryValue") or ""
        if "BinaryValue" in attribute:
            size += len(name) + len(attribute["DataType"]) + len(base64.b64decode(value))
        else:
            size += len(name.encode()) + len(attribute["DataType"]) + len(value.encode())
    return size


def check_size(messages: dict[str, str], attributes: dict[str, dict[str, str]]) -> None:
    if any(message_size(text, attributes) > MAX_MESSAGE_BYTES for text in messages.values()):
        raise invalid("Message too long")


def check_phone_number(number: str, message: str) -> None:
    """Publish to a phone number: an E.164 number and an SMS-sized message."""
    if not E164.match(number):
        raise invalid("PhoneNumber Reason: Phone number does not meet the E164 format")
    if len(message.encode()) > MAX_SMS_BYTES:
        raise invalid("Message Reason: SMS message must be less than 1600 bytes")


def is_sms_endpoint(endpoint: str) -> bool:
    """A phone number as Subscribe accepts it: digits with single ``.``/``-``/``/``
    separators inside, E.164 once they are removed."""
    if re.search(r"[./-]{2,}", endpoint) or re.search(r"(^[./-]|[./-]$)", endpoint):
        return False
    return bool(E164.match(SMS_SEPARATORS.sub("", endpoint)))

"""Validation of the admin API's bodies; every problem becomes one message of
``{"messages": [...]}``, all reported at once."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from stockflux_market.text import SYMBOL_PATTERN

SECURITY_ID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EXCHANGE_PATTERN = re.compile(r"^[A-Z][A-Z0-9\-]{0,11}$")
MAX_NAME_CHARS = 200
IGNORED_FIELDS = {"securityId", "updated"}  # the admin UI sends back what it read
FLAGS = ("enabled", "visible")


class Invalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def security_fields(body: Any) -> dict[str, Any]:
    """The fields of a POST or PUT body: exchange, symbol, name, enabled, visible (the flags
    default to true)."""
    if not isinstance(body, dict):
        raise Invalid(["The request body must be a JSON object"])
    messages = []
    fields: dict[str, Any] = {}
    for key in ("exchange", "symbol"):
        value = body.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            messages.append(f"{key} is required")
            continue
        if not isinstance(value, str):
            messages.append(f"{key} must be a string")
            continue
        value = value.strip().upper()
        pattern = SYMBOL_PATTERN if key == "symbol" else EXCHANGE_PATTERN
        if not pattern.match(value):
            messages.append(f"{key} must be 1 to 12 letters, digits"
                            f"{', dots' if key == 'symbol' else ''} or hyphens")
            continue
        fields[key] = value
    name = body.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        messages.append("name is required")
    elif not isinstance(name, str):
        messages.append("name must be a string")
    elif len(name.strip()) > MAX_NAME_CHARS:
        messages.append(f"name must be at most {MAX_NAME_CHARS} characters")
    elif not printable(name):
        messages.append("name must be printable Unicode text")
    else:
        fields["name"] = " ".join(name.split())
    for flag in FLAGS:
        value = body.get(flag, True)
        if not isinstance(value, bool):
            messages.append(f"{flag} must be true or false")
        else:
            fields[flag] = value
    messages.extend(_unknown(body, {"exchange", "symbol", "name", *FLAGS}))
    if messages:
        raise Invalid(messages)
    return fields


def patch_fields(body: Any) -> dict[str, bool]:
    """The flags of a PATCH body (``{"enabled": bool}`` and/or ``{"visible": bool}``)."""
    if not isinstance(body, dict):
        raise Invalid(["The request body must be a JSON object"])
    messages = []
    fields = {}
    for flag in FLAGS:
        if flag in body:
            if isinstance(body[flag], bool):
                fields[flag] = body[flag]
            else:
                messages.append(f"{flag} must be true or false")
    messages.extend(_unknown(body, set(FLAGS)))
    if not fields and not messages:
        messages.append("enabled or visible is required")
    if messages:
        raise Invalid(messages)
    return fields


def printable(text: str) -> bool:
    """No control characters, and no lone surrogates (JSON's ``"\\ud800"``): DynamoDB
    stores UTF-8, which cannot encode them."""
    return not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r"
                   for ch in text)


def is_symbol(text: str) -> bool:
    """A symbol as the admin API accepts it (upper case), e.g. ``AAPL``, ``BRK.B``."""
    return bool(SYMBOL_PATTERN.match(text))


def is_security_id(text: str) -> bool:
    """Security ids are UUIDs (v4 when created by the API, v5 when seeded)."""
    return bool(SECURITY_ID_PATTERN.match(text))


def shown(text: str, limit: int = 40) -> str:
    """``text`` for an error message: at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def _unknown(body: dict[str, Any], allowed: set[str]) -> list[str]:
    return [f"{key} is not a field of a security" for key in body
            if key not in allowed and key not in IGNORED_FIELDS]

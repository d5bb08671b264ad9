"""Scalar conversions shared by every protocol: timestamps, blobs, booleans, numbers.

Parsing raises ``ValueError``/``TypeError``; the codecs turn those into the protocol's
AWS error, so nothing else escapes.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from botocore.utils import parse_timestamp as _botocore_parse_timestamp

UTC = UTC


def parse_timestamp(value: Any) -> datetime:
    """Epoch seconds, ISO 8601 or RFC 822 → timezone-aware ``datetime``."""
    if isinstance(value, bool):
        raise TypeError("boolean is not a timestamp")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("timestamp is not finite")
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        raise TypeError("timestamp must be a number or a string")
    try:
        return parse_timestamp(float(value))
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = _botocore_parse_timestamp(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_timestamp(value)


def format_timestamp(value: Any, timestamp_format: str) -> Any:
    """A result timestamp (datetime, epoch number or string) in the wire format.

    A string that is no recognisable timestamp is passed through unchanged."""
    try:
        moment = _as_datetime(value)
    except (TypeError, ValueError, OverflowError, OSError):
        if isinstance(value, str):
            return value
        raise
    if timestamp_format == "unixTimestamp":
        epoch = moment.timestamp()
        return int(epoch) if moment.microsecond == 0 else round(epoch, 3)
    if timestamp_format == "rfc822":
        return format_datetime(moment.astimezone(UTC), usegmt=True)
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def decode_base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError("blob must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"invalid base64: {exc}") from None


def encode_base64(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(bytes(value)).decode("ascii")


def parse_bool_text(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError(f"{text!r} is not a boolean")


def parse_number_text(text: str, type_name: str) -> int | float:
    if type_name in ("integer", "long", "short", "byte"):
        return int(text.strip())
    return float(text)


def format_scalar_text(value: Any, type_name: str) -> str:
    """A scalar as text for XML / query strings / headers (timestamps handled apart)."""
    if type_name == "boolean":
        return "true" if value else "false"
    if type_name == "blob":
        return encode_base64(value)
    if type_name in ("float", "double"):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return repr(number)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)

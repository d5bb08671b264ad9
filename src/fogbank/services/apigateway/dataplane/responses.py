"""Lambda proxy results → HTTP responses, and API Gateway's own error answers."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from fogbank.protocol.http import HttpResponse
from fogbank.services.apigateway.dataplane.model import MockResponse

_V1_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
# RFC 9110 field names are tokens; field values are visible characters, spaces, tabs and
# obs-text (bytes 0x80-0xFF, i.e. latin-1 characters) — no other control characters.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FORBIDDEN_IN_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Malformed(Exception):
    """The function's result is not a valid proxy response."""


def json_error(status: int, body: dict[str, Any], *, error_type: str | None = None) -> HttpResponse:
    response = HttpResponse(
        status=status,
        body=json.dumps(body, separators=(",", ":")).encode(),
        headers=[("Content-Type", "application/json")],
    )
    if error_type:
        response.headers.append(("x-amzn-ErrorType", error_type))
    return response


def _status(value: Any) -> int:
    if isinstance(value, bool):
        raise Malformed("statusCode must be an integer")
    if isinstance(value, int):
        status = value
    elif isinstance(value, str) and value.strip().isdigit():
        status = int(value)
    else:
        raise Malformed("statusCode must be an integer")
    if not 100 <= status <= 599:
        raise Malformed("statusCode out of range")
    return status


def _scalar(value: Any) -> str:
    """A header value as sent: scalars only, and only what HTTP/1.1 can carry (latin-1, no
    CR/LF/NUL or other control characters) — anything else makes the response malformed."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (str, int, float)):
        text = str(value)
    else:
        raise Malformed("header values must be scalars")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise Malformed(f"header value {text!r} has characters outside ISO-8859-1") from exc
    if _FORBIDDEN_IN_VALUE.search(text):
        raise Malformed(f"header value {text!r} has control characters")
    return text


def _name(name: str) -> str:
    if not _TOKEN.fullmatch(name):
        raise Malformed(f"header name {name!r} is not a valid HTTP field name")
    return name


def _body_bytes(body: Any, is_base64: Any, decode: bool) -> bytes:
    if body is None:
        return b""
    if not isinstance(body, str):
        raise Malformed("body must be a string")
    if is_base64 is True and decode:
        try:
            return base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise Malformed("body is not valid base64") from exc
    return body.encode("utf-8")


def map_v1(payload: bytes, *, decode_base64: Any) -> HttpResponse:
    """Payload format 1.0 result: ``{statusCode, headers, multiValueHeaders, body,
    isBase64Encoded}`` and nothing else. ``decode_base64(content_type)`` says whether a
    base64 body is turned back into bytes (REST: only for binary media types)."""
    try:
        result = json.loads(payload or b"null")
    except ValueError as exc:
        raise Malformed("result is not JSON") from exc
    if not isinstance(result, dict) or not set(result) <= _V1_KEYS or "statusCode" not in result:
        raise Malformed("result is not a proxy response")
    headers = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(headers, dict) or not isinstance(multi, dict):
        raise Malformed("headers must be objects")
    pairs: list[tuple[str, str]] = []
    multi_lower: dict[str, list[str]] = {}
    for name, values in multi.items():
        if not isinstance(values, list):
            raise Malformed("multiValueHeaders values must be lists")
        texts = [_scalar(v) for v in values]
        multi_lower.setdefault(_name(name).lower(), []).extend(texts)
        pairs.extend((name, t) for t in texts)
    for name, value in headers.items():
        text = _scalar(value)
        _name(name)
        if text not in multi_lower.get(name.lower(), []):
            pairs.append((name, text))
    response = HttpResponse(status=_status(result["statusCode"]), headers=pairs)
    content_type = response.header("content-type")
    response.body = _body_bytes(
        result.get("body"), result.get("isBase64Encoded"), decode_base64(content_type)
    )
    return response


def map_v2(payload: bytes) -> HttpResponse:
    """Payload format 2.0 result: a dict with ``statusCode`` is a full response; any other
    valid JSON (``null`` included) is, as returned, the body of a ``200 application/json``
    response."""
    try:
        result = json.loads(payload or b"null")
    except ValueError as exc:
        raise Malformed("result is not JSON") from exc
    if not isinstance(result, dict) or "statusCode" not in result:
        return HttpResponse(
            status=200,
            headers=[("Content-Type", "application/json")],
            body=payload or b"null",
        )
    headers = result.get("headers") or {}
    if not isinstance(headers, dict):
        raise Malformed("headers must be an object")
    pairs = [(_name(name), _scalar(value)) for name, value in headers.items()]
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list):
        raise Malformed("cookies must be a list")
    pairs.extend(("Set-Cookie", _scalar(cookie)) for cookie in cookies)
    response = HttpResponse(status=_status(result["statusCode"]), headers=pairs)
    response.body = _body_bytes(result.get("body"), result.get("isBase64Encoded"), True)
    if response.header("content-type") is None and response.body:
        response.headers.append(("Content-Type", "application/json"))
    return response


def mock_response(mock: MockResponse | None) -> HttpResponse:
    if mock is None:
        return HttpResponse(status=200, headers=[("Content-Type", "application/json")])
    response = HttpResponse(status=mock.status, headers=list(mock.headers), body=mock.body.encode())
    if response.header("content-type") is None:
        response.headers.append(("Content-Type", "application/json"))
    return response

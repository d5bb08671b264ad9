"""CORS as S3 applies it: the first rule matching the request's origin, method and
(for a preflight) requested headers decides the ``Access-Control-*`` response headers."""

from __future__ import annotations

import fnmatch
from typing import Any

PREFLIGHT_VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the "
               "evalution of Origin, request method / Access-Control-Request-Method or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """``*`` matches any run of characters (S3 allows one per pattern); nothing else is
    special."""
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern:
        return pattern == value
    escaped = pattern.replace("[", "[[]").replace("?", "[?]")
    return fnmatch.fnmatchcase(value, escaped)


def requested_headers(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def find_rule(rules: list[dict[str, Any]], origin: str, method: str,
              headers: list[str] | None = None) -> dict[str, Any] | None:
    for rule in rules:
        if not any(wildcard_match(str(allowed), origin)
                   for allowed in rule.get("AllowedOrigins") or []):
            continue
        if method not in (rule.get("AllowedMethods") or []):
            continue
        allowed_headers = [str(name) for name in rule.get("AllowedHeaders") or []]
        if headers and not all(any(wildcard_match(pattern, name, case_sensitive=False)
                                   for pattern in allowed_headers) for name in headers):
            continue
        return rule
    return None


def allow_headers(rule: dict[str, Any], origin: str) -> list[tuple[str, str]]:
    """The headers common to a preflight and an actual request answered by ``rule``."""
    wildcard = "*" in (rule.get("AllowedOrigins") or [])
    headers = [("Access-Control-Allow-Origin", "*" if wildcard else origin),
               ("Access-Control-Allow-Methods", ", ".join(rule.get("AllowedMethods") or []))]
    if rule.get("ExposeHeaders"):
        headers.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        headers.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    if not wildcard:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return headers


def preflight_headers(rule: dict[str, Any], origin: str, request_headers: list[str]
                      ) -> list[tuple[str, str]]:
    headers = allow_headers(rule, origin)
    if request_headers:
        headers.insert(2, ("Access-Control-Allow-Headers",
                           ", ".join(name.lower() for name in request_headers)))
    headers.append(("Vary", PREFLIGHT_VARY))
    return headers

"""Parameter checks IAM applies, with its messages: names, paths, policy documents."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from fogbank.services.iam.errors import LimitExceeded, MalformedPolicyDocument, ValidationError

NAME_PATTERN = re.compile(r"[\w+=,.@-]+\Z")
PATH_PATTERN = re.compile(r"(/|/[\x21-\x7e]+/)\Z")
MAX_ITEMS_DEFAULT = 100
MAX_TAGS = 50

T = TypeVar("T")


def check_name(member: str, value: str, max_length: int) -> None:
    if not value or len(value) > max_length:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must have length less than or equal to {max_length}"
            if value else
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            " constraint: Member must have length greater than or equal to 1"
        )
    if not NAME_PATTERN.match(value):
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            " constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        )


def check_path(path: str | None) -> str:
    value = path or "/"
    if len(value) > 512 or not PATH_PATTERN.match(value):
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'path' failed to satisfy"
            " constraint: Member must satisfy regular expression pattern:"
            " (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)"
        )
    return value


def check_policy_document(document: str, *, quota_name: str, max_chars: int) -> None:
    """A policy document must be a JSON object with a ``Statement``, within its size quota."""
    if len("".join(document.split())) > max_chars:
        raise LimitExceeded(f"Cannot exceed quota for {quota_name}: {max_chars}")
    try:
        parsed = json.loads(document)
    except ValueError as exc:
        raise MalformedPolicyDocument("This policy contains invalid Json") from exc
    if not isinstance(parsed, dict):
        raise MalformedPolicyDocument("This policy contains invalid Json")
    statement = parsed.get("Statement")
    if not isinstance(statement, (list, dict)) or not statement:
        raise MalformedPolicyDocument("Syntax errors in policy.")
    version = parsed.get("Version")
    if version is not None and version not in ("2012-10-17", "2008-10-17"):
        raise MalformedPolicyDocument("The policy must contain a valid version string")


def url_encoded(document: str) -> str:
    """IAM returns policy documents URL-encoded (botocore decodes them for the caller)."""
    return quote(document, safe="")


def check_tags(tags: Sequence[dict[str, Any]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value", "")
        if not isinstance(key, str) or not key or len(key) > 128:
            raise ValidationError(
                f"1 validation error detected: Value '{key}' at 'tags.member.key' failed to"
                " satisfy constraint: Member must have length between 1 and 128"
            )
        merged[key] = str(value)
    if len(merged) > MAX_TAGS:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    return merged


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tags_page(record: dict[str, Any], marker: str | None,
              max_items: int | None) -> dict[str, Any]:
    """ListXTags: a page of a record's tags, sorted by key."""
    tags = sorted(tag_list(record["Tags"]), key=lambda t: t["Key"])
    page, extra = paginate(tags, lambda t: t["Key"], marker, max_items)
    return {"Tags": page, **extra}


def paginate(items: Sequence[T], key: Callable[[T], str], marker: str | None,
             max_items: int | None) -> tuple[list[T], dict[str, Any]]:
    """A page of ``items`` (already sorted by ``key``) after ``marker``, and the
    ``IsTruncated``/``Marker`` members for it."""
    limit = MAX_ITEMS_DEFAULT if max_items is None else max_items
    if limit < 1 or limit > 1000:
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at 'maxItems' failed to satisfy"
            " constraint: Member must have value between 1 and 1000"
        )
    start = 0
    if marker:
        try:
            after = base64.urlsafe_b64decode(marker.encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValidationError("Invalid Marker.") from exc
        start = next((i for i, item in enumerate(items) if key(item) > after), len(items))
    page = list(items[start:start + limit])
    truncated = start + limit < len(items)
    extra: dict[str, Any] = {"IsTruncated": truncated}
    if truncated:
        extra["Marker"] = base64.urlsafe_b64encode(key(page[-1]).encode()).decode()
    return page, extra

"""Secrets Manager's request rules (names, tokens, sizes) with AWS's messages, and ARNs."""

from __future__ import annotations

import re
import string
from typing import Any

from fogbank.core import constraints
from fogbank.services.secretsmanager.errors import InvalidParameterException, ValidationException

_NAME = re.compile(r"[A-Za-z0-9/_+=.@\-]+\Z")
SUFFIX_ALPHABET = string.ascii_letters + string.digits
INVALID_NAME = ("Invalid name. Must be a valid name containing alphanumeric characters, or any"
                " of the following: -/_+=.@!")


def constraint_error(value: Any, member: str, constraint: str) -> ValidationException:
    return ValidationException(f"1 validation error detected: Value '{value}' at '{member}'"
                               f" failed to satisfy constraint: {constraint}")


def check_length(value: str | bytes | list[Any] | None, member: str, low: int, high: int,
                 *, sensitive: bool = False) -> None:
    constraints.check_length(value, member, low, high, constraint_error,
                             shown="*" if sensitive else None)


def check_range(value: int | None, member: str, low: int, high: int) -> None:
    constraints.check_range(value, member, low, high, constraint_error)


def check_name(name: str) -> None:
    check_length(name, "name", 1, 512)
    if not _NAME.match(name):
        raise InvalidParameterException(INVALID_NAME)


def check_value(secret_string: str | None, secret_binary: bytes | None) -> None:
    if secret_string is not None and secret_binary is not None:
        raise InvalidParameterException("You can't specify both a binary secret value and a"
                                        " string secret value in the same secret.")
    check_length(secret_string, "secretString", 0, 65536, sensitive=True)
    check_length(secret_binary, "secretBinary", 0, 65536, sensitive=True)


def check_tags(tags: list[dict[str, str]] | None) -> None:
    for index, tag in enumerate(tags or [], start=1):
        check_length(tag.get("Key", ""), f"tags.{index}.member.key", 1, 128)
        check_length(tag.get("Value", ""), f"tags.{index}.member.value", 0, 256)
        if tag.get("Key", "").lower().startswith("aws:"):
            raise InvalidParameterException("Invalid tag key. The \"aws:\" prefix is reserved"
                                            " for AWS use.")


def secret_arn(region: str, account_id: str, name: str, suffix: str) -> str:
    return f"arn:aws:secretsmanager:{region}:{account_id}:secret:{name}-{suffix}"

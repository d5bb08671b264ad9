"""Parameter Store's rules for names, labels and request members, with AWS's messages."""

from __future__ import annotations

import re
from typing import Any

from fogbank.core import constraints
from fogbank.services.ssm.errors import (
    AccessDeniedException,
    HierarchyLevelLimitExceededException,
    ValidationException,
)

NAME_MAX_LENGTH = 2048
MAX_HIERARCHY_LEVELS = 15
_NAME_CHARS = re.compile(r"[a-zA-Z0-9_.\-/]+\Z")
_LABEL = re.compile(r"[a-zA-Z0-9_.\-]+\Z")
INVALID_NAME = ("Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed"
                " as a path, it can consist of sub-paths divided by slash symbol; each sub-path"
                " can be formed as a mix of letters, numbers and the following 3 symbols .-_")
RESERVED_PREFIX = "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
INVALID_PATH = ("The parameter doesn't meet the parameter name requirements. The parameter"
                " name must begin with a forward slash \"/\". It can't be prefixed with \"aws\""
                " or \"ssm\" (case-insensitive). It must use only letters, numbers, or the"
                " following symbols: . (period), - (hyphen), _ (underscore). Special characters"
                " are not allowed. All sub-paths, if specified, must use the forward slash"
                " symbol \"/\". Valid example: /get/parameters2-/by1./path0_.")
HIERARCHY_LIMIT = ("A hierarchy can have a maximum of 15 levels. For more information, see"
                   " https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                   "sysman-parameter-name-constraints.html")


def constraint_error(value: Any, member: str, constraint: str) -> ValidationException:
    return ValidationException(f"1 validation error detected: Value '{value}' at '{member}'"
                               f" failed to satisfy constraint: {constraint}.")


def check_length(value: str | list[Any] | None, member: str, low: int, high: int) -> None:
    """AWS's length constraint check of one request member (strings and lists)."""
    shown = f"[{', '.join(map(str, value))}]" if isinstance(value, list) else None
    constraints.check_length(value, member, low, high, constraint_error, shown=shown)


def check_range(value: int | None, member: str, low: int, high: int) -> None:
    constraints.check_range(value, member, low, high, constraint_error)


def check_enum(value: str | None, member: str, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must satisfy enum value set: [{', '.join(allowed)}]")


def storage_key(name: str) -> str:
    """Top-level names are the same with or without their leading slash (``/a`` is ``a``)."""
    if name.startswith("/") and "/" not in name[1:]:
        return name[1:]
    return name


def split_selector(name: str) -> tuple[str, str | None]:
    """``name:3`` or ``name:label`` → ``(name, selector)``; ARNs name the parameter too."""
    if name.startswith("arn:"):
        parts = name.split(":", 5)
        if len(parts) == 6 and parts[5].startswith("parameter"):
            rest = parts[5][len("parameter"):]
            name = rest if rest.count("/") > 1 else rest[1:]
    if ":" in name:
        base, _, selector = name.partition(":")
        return base, selector
    return name, None


def check_name(name: str) -> None:
    """PutParameter's name rules: characters, reserved prefixes, hierarchy depth."""
    check_length(name, "name", 1, NAME_MAX_LENGTH)
    bare = name.lstrip("/").lower()
    if bare.startswith("aws"):
        raise AccessDeniedException(f"No access to reserved parameter name: {name}.")
    if bare.startswith("ssm") and name.count("/") <= 1:
        raise ValidationException(RESERVED_PREFIX)
    if bare.startswith("ssm") or not _NAME_CHARS.match(name):
        raise ValidationException(INVALID_NAME)
    if "/" in name and (not name.startswith("/") or "//" in name or name.endswith("/")):
        raise ValidationException(INVALID_NAME)
    if name.count("/") > MAX_HIERARCHY_LEVELS:
        raise HierarchyLevelLimitExceededException(HIERARCHY_LIMIT)


def check_path(path: str) -> None:
    check_length(path, "path", 1, NAME_MAX_LENGTH)
    bare = path.lstrip("/").lower()
    # ``/aws/...`` paths hold AWS's public parameters (none are emulated): not an error.
    if (not path.startswith("/") or bare.startswith("ssm")
            or not _NAME_CHARS.match(path) or "//" in path):
        raise ValidationException(INVALID_PATH)
    if path.rstrip("/").count("/") > MAX_HIERARCHY_LEVELS:
        raise HierarchyLevelLimitExceededException(HIERARCHY_LIMIT)


def is_valid_label(label: str) -> bool:
    lowered = label.lower()
    return (0 < len(label) <= 100 and bool(_LABEL.match(label)) and not label[0].isdigit()
            and not lowered.startswith("aws") and not lowered.startswith("ssm"))


def parameter_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:ssm:{region}:{account_id}:parameter/{name.lstrip('/')}"

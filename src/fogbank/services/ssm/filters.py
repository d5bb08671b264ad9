"""``ParameterFilters`` (and DescribeParameters' older ``Filters``): validation and matching.

A parameter matches when every filter matches; a filter matches when any of its values does.
Name and Path values compare with a leading slash, so ``/a`` and ``a`` are the same top-level
name, as they are everywhere in Parameter Store.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.ssm.errors import (
    InvalidFilterKey,
    InvalidFilterOption,
    InvalidFilterValue,
    ValidationException,
)
from fogbank.services.ssm.names import INVALID_PATH, constraint_error

_PATH_CHARS = re.compile(r"[a-zA-Z0-9_.\-/]+\Z")
_KEY = re.compile(r"(tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType)\Z")
_OPTIONS = {
    "Name": ("BeginsWith", "Equals", "Contains"),
    "Path": ("Recursive", "OneLevel"),
    "Label": ("Equals",),
}
_ENUM_VALUES = {
    "Type": ("String", "StringList", "SecureString"),
    "Tier": ("Standard", "Advanced", "Intelligent-Tiering"),
}


def _model_errors(filters: list[dict[str, Any]]) -> list[str]:
    """The request-model constraints AWS checks first, all reported together."""
    found: list[str] = []

    def add(value: Any, member: str, constraint: str) -> None:
        found.append(f"Value '{value}' at '{member}' failed to satisfy constraint: {constraint}")

    for index, spec in enumerate(filters, start=1):
        at = f"parameterFilters.{index}.member"
        key = str(spec.get("Key", ""))
        if len(key) > 132:
            add(key, f"{at}.key", "Member must have length less than or equal to 132")
        elif not _KEY.match(key):
            add(key, f"{at}.key", "Member must satisfy regular expression pattern:"
                                  " tag:.+|Name|Type|KeyId|Path|Label|Tier")
        option = spec.get("Option")
        if option is not None and len(str(option)) > 10:
            add(option, f"{at}.option", "Member must have length less than or equal to 10")
        values: list[Any] = spec.get("Values") or []
        shown = f"[{', '.join(map(str, values))}]"
        if len(values) > 50:
            add(shown, f"{at}.values", "Member must have length less than or equal to 50")
        for value in values:
            if not 1 <= len(str(value)) <= 1024:
                add(shown, f"{at}.values",
                    "Member must satisfy constraint: [Member must have length less than or"
                    " equal to 1024, Member must have length greater than or equal to 1]")
                break
    return found


def validate(filters: list[dict[str, Any]] | None, *, by_path: bool) -> None:
    """Raise AWS's error for bad filters: model constraints first, then filter rules."""
    errors = _model_errors(filters or [])
    if errors:
        plural = "s" if len(errors) > 1 else ""
        raise ValidationException(f"{len(errors)} validation error{plural} detected:"
                                  f" {'; '.join(errors)}")
    seen: set[str] = set()
    for spec in filters or []:
        key = str(spec.get("Key", ""))
        values = spec.get("Values")
        if by_path and key in ("Name", "Path", "Tier"):
            raise InvalidFilterKey(f"The following filter key is not valid: {key}. Valid"
                                   " filter keys include: [Type, KeyId].")
        if not by_path and key == "Label":
            raise InvalidFilterKey("The following filter key is not valid: Label. Valid filter"
                                   " keys include: [Path, Name, Type, KeyId, Tier].")
        if not key.startswith("tag:") and not values:
            raise InvalidFilterValue(f"The following filter values are missing : null for"
                                     f" filter key {key}.")
        if key in seen:
            raise InvalidFilterKey(f"The following filter is duplicated in the request: {key}."
                                   " A request can contain only one occurrence of a specific"
                                   " filter.")
        seen.add(key)
        option = spec.get("Option")
        allowed = _OPTIONS.get(key, ("BeginsWith", "Equals"))
        if option is not None and option not in allowed:
            shown = allowed if key == "Path" else ("BeginsWith", "Equals")
            raise InvalidFilterOption(f"The following filter option is not valid: {option}."
                                      f" Valid options include: [{', '.join(shown)}].")
        for value in values or []:
            if key in _ENUM_VALUES and value not in _ENUM_VALUES[key]:
                raise InvalidFilterValue(
                    f"The following filter value is not valid: {value}. Valid values include:"
                    f" [{', '.join(_ENUM_VALUES[key])}].")
            if key == "Path":
                _check_path_value(str(value))


def _check_path_value(value: str) -> None:
    bare = value.strip("/").lower()
    if value.startswith("/") and (bare.startswith("aws") or bare.startswith("ssm")):
        raise ValidationException("Filters for common parameters can't be prefixed with"
                                  " \"aws\" or \"ssm\" (case-insensitive).")
    if (not value.startswith("/") or not _PATH_CHARS.match(value)
            or (value != "/" and "//" in value) or value == "//"):
        raise ValidationException(INVALID_PATH)


def validate_legacy(filters: list[dict[str, Any]] | None) -> None:
    for index, spec in enumerate(filters or [], start=1):
        key = spec.get("Key")
        if key not in ("Name", "Type", "KeyId"):
            raise constraint_error(key, f"filters.{index}.member.key",
                                   "Member must satisfy enum value set: [Name, Type, KeyId]")
        if not spec.get("Values"):
            raise constraint_error("[]", f"filters.{index}.member.values",
                                   "Member must have length greater than or equal to 1")


def _slashed(name: str) -> str:
    return "/" + name.lstrip("/")


def _field(doc: dict[str, Any], key: str) -> list[str]:
    latest = doc["versions"][-1]
    if key == "Name":
        return [_slashed(doc["name"])]
    if key == "Type":
        return [latest["type"]]
    if key == "KeyId":
        return [latest["key_id"]] if latest.get("key_id") else []
    if key == "Tier":
        return [latest["tier"]]
    if key == "DataType":
        return [latest["data_type"]]
    if key == "Label":
        return [label for version in doc["versions"] for label in version["labels"]]
    if key.startswith("tag:"):
        tags: dict[str, str] = doc.get("tags", {})
        return [tags[key[4:]]] if key[4:] in tags else []
    return []


def _in_path(name: str, path: str, recursive: bool) -> bool:
    name = _slashed(name)
    base = "/" + path.strip("/")
    if base == "/":
        return recursive or name.count("/") == 1
    if not name.startswith(base + "/"):
        return False
    return recursive or name.count("/") == base.count("/") + 1


def matches(doc: dict[str, Any], filters: list[dict[str, Any]] | None) -> bool:
    for spec in filters or []:
        key = str(spec["Key"])
        values = [str(value) for value in spec.get("Values") or []]
        if key == "Path":
            recursive = spec.get("Option", "OneLevel") == "Recursive"
            if not any(_in_path(doc["name"], value, recursive) for value in values):
                return False
            continue
        found = _field(doc, key)
        if not found:
            return False
        if key.startswith("tag:") and not values:
            continue
        option = spec.get("Option", "Equals")
        if key == "Name" and option != "Contains":
            values = [_slashed(value) for value in values]
        if option == "BeginsWith":
            hit = any(item.startswith(value) for item in found for value in values)
        elif option == "Contains":
            hit = any(value in item for item in found for value in values)
        else:
            hit = any(item == value for item in found for value in values)
        if not hit:
            return False
    return True


def matches_legacy(doc: dict[str, Any], filters: list[dict[str, Any]] | None) -> bool:
    latest = doc["versions"][-1]
    for spec in filters or []:
        values = [str(value) for value in spec.get("Values") or []]
        if spec["Key"] == "Name":
            hit = any(doc["name"].startswith(value) for value in values)
        elif spec["Key"] == "Type":
            hit = latest["type"] in values
        else:
            hit = latest.get("key_id") in values
        if not hit:
            return False
    return True

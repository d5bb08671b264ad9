"""ListSecrets filters, matched the way AWS matches them.

A field is split into tokens at punctuation and tokens into words at case changes
(``SecretOne`` → ``Secret``, ``One``; ``COMPANYthings`` → ``COMPAN``, ``Ythings``); a filter
value is split at spaces into terms, and a value matches when every term is a case-sensitive
prefix of a token or a case-insensitive prefix of a word (a name also matches a value that
is a prefix of the whole name). Values starting
with ``!`` match fields that do not match the rest. Values of one filter are ORed, filters
are ANDed.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.secretsmanager.errors import InvalidParameterException
from fogbank.services.secretsmanager.names import constraint_error

FILTER_KEYS = ("all", "name", "tag-key", "description", "tag-value")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def validate(filters: list[dict[str, Any]] | None) -> None:
    for index, spec in enumerate(filters or [], start=1):
        key = spec.get("Key")
        if key is None:
            raise InvalidParameterException("Invalid filter key")
        if not spec.get("Values"):
            raise InvalidParameterException(f"Invalid filter values for key: {key}")
        if key not in (*FILTER_KEYS, "primary-region", "owning-service"):
            raise constraint_error(key, f"filters.{index}.member.key",
                                   "Member must satisfy enum value set: [all, name, tag-key,"
                                   " description, tag-value]")


def _fields(doc: dict[str, Any], key: str) -> list[str]:
    tags = doc.get("tags") or []
    if key == "name":
        return [doc["name"]]
    if key == "description":
        return [doc.get("description") or ""]
    if key == "tag-key":
        return [tag["Key"] for tag in tags]
    if key == "tag-value":
        return [tag.get("Value", "") for tag in tags]
    if key == "primary-region":
        return [str(doc["arn"]).split(":")[3]]
    if key == "owning-service":
        return []
    return [*_fields(doc, "name"), *_fields(doc, "description"), *_fields(doc, "tag-key"),
            *_fields(doc, "tag-value")]


def _value_matches(fields: list[str], value: str, key: str) -> bool:
    terms = value.split()
    if not terms:
        return False
    if key == "name" and any(field.startswith(value) for field in fields):
        return True
    field_tokens = [token for text in fields for token in tokens(text)]
    field_words = [word for text in fields for word in words(text)]
    return all(any(token.startswith(term) for token in field_tokens)
               or any(word.startswith(term.lower()) for word in field_words)
               for term in terms)


def matches(doc: dict[str, Any], filters: list[dict[str, Any]] | None) -> bool:
    for spec in filters or []:
        key = str(spec["Key"])
        fields = _fields(doc, key)
        values = [str(value) for value in spec.get("Values") or []]
        if not any(_value_matches(fields, v[1:], key) is False if v.startswith("!")
                   else _value_matches(fields, v, key) for v in values):
            return False
    return True

"""Space-delimited filter patterns: ``[ip, user, ..., status_code = 4*, bytes > 1000]``.

A message is split into fields at spaces; text in double quotes or square brackets is one
field (without its quotes or brackets). The pattern names one field per comma-separated
entry; ``...`` stands for any number of fields, and without one the field counts must be
equal. An entry may test its field: ``= != < > <= >=`` against a number, ``=``/``!=``
against text with ``*`` wildcards, joined with ``&&`` and ``||`` (``||`` binds looser).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

FieldTest = Callable[[str], bool]
ELLIPSIS = None

_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|(\S+)')
_CONDITION = re.compile(r"\s*([A-Za-z_][\w.-]*)\s*(!=|<=|>=|=|<|>)\s*(\"[^\"]*\"|[^\s&|]+)\s*\Z")
_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")


class SpaceDelimitedError(ValueError):
    """The pattern cannot be parsed."""


def compile_space_delimited(text: str) -> Callable[[str], bool]:
    body = text.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise SpaceDelimitedError("space-delimited pattern must be enclosed in [ ]")
    entries = [entry.strip() for entry in body[1:-1].split(",")]
    if not entries or any(not entry for entry in entries):
        raise SpaceDelimitedError("empty field in space-delimited pattern")
    tests: list[FieldTest | None] = [
        ELLIPSIS if entry == "..." else _compile_entry(entry) for entry in entries
    ]

    def matches(message: str) -> bool:
        fields = [next(g for g in m.groups() if g is not None)
                  for m in _FIELD.finditer(message)]
        return _match(tests, fields)

    return matches


def _compile_entry(entry: str) -> FieldTest:
    if re.fullmatch(r"[A-Za-z_][\w.-]*", entry):
        return lambda value: True
    alternatives = [
        [_compile_condition(part) for part in option.split("&&")]
        for option in entry.split("||")
    ]
    return lambda value: any(all(test(value) for test in option) for option in alternatives)


def _compile_condition(text: str) -> FieldTest:
    match = _CONDITION.match(text)
    if match is None:
        raise SpaceDelimitedError(f"cannot parse condition {text.strip()!r}")
    _, op, raw = match.groups()
    if _NUMBER.match(raw):
        number = float(raw)
        compare = _NUMERIC[op]

        def numeric(value: str) -> bool:
            try:
                return compare(float(value), number)
            except ValueError:
                return False

        return numeric
    if op not in ("=", "!="):
        raise SpaceDelimitedError(f"operator {op} needs a numeric value")
    literal = raw[1:-1] if raw.startswith('"') else raw
    regex = re.compile("".join(".*" if part == "*" else re.escape(part)
                               for part in re.split(r"(\*)", literal)) + r"\Z", re.DOTALL)
    if op == "=":
        return lambda value: regex.match(value) is not None
    return lambda value: regex.match(value) is None


def _match(tests: Sequence[FieldTest | None], fields: Sequence[str]) -> bool:
    if not tests:
        return not fields
    head = tests[0]
    if head is ELLIPSIS:
        return any(_match(tests[1:], fields[skip:]) for skip in range(len(fields) + 1))
    return bool(fields) and head(fields[0]) and _match(tests[1:], fields[1:])


_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}

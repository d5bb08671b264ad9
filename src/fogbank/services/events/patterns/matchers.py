"""Leaf matchers: what one element of a pattern's value array means.

A leaf's value in an event is a list of scalars (a scalar field gives one; an array gives its
elements). ``Leaf.matches(values, present)`` is true when any matcher accepts any value, with
``exists`` deciding on presence alone.
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass
from typing import Any


class PatternError(ValueError):
    """An invalid event pattern; the message is EventBridge's reason text."""


Scalar = str | int | float | bool | None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_scalar(left: Any, right: Any) -> bool:
    """JSON equality: numbers by value (5 == 5.0), otherwise by type and value."""
    if is_number(left) and is_number(right):
        return bool(left == right)
    if is_number(left) or is_number(right):
        return False
    return type(left) is type(right) and bool(left == right)


class Matcher:
    def accepts(self, value: Scalar) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class Exact(Matcher):
    expected: Scalar

    def accepts(self, value: Scalar) -> bool:
        return same_scalar(self.expected, value)


@dataclass(frozen=True)
class Prefix(Matcher):
    prefix: str
    ignore_case: bool = False

    def accepts(self, value: Scalar) -> bool:
        if not isinstance(value, str):
            return False
        if self.ignore_case:
            return value.casefold().startswith(self.prefix.casefold())
        return value.startswith(self.prefix)


@dataclass(frozen=True)
class Suffix(Matcher):
    suffix: str
    ignore_case: bool = False

    def accepts(self, value: Scalar) -> bool:
        if not isinstance(value, str):
            return False
        if self.ignore_case:
            return value.casefold().endswith(self.suffix.casefold())
        return value.endswith(self.suffix)


@dataclass(frozen=True)
class EqualsIgnoreCase(Matcher):
    expected: str

    def accepts(self, value: Scalar) -> bool:
        return isinstance(value, str) and value.casefold() == self.expected.casefold()


class Wildcard(Matcher):
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.regex = _wildcard_regex(pattern)

    def accepts(self, value: Scalar) -> bool:
        return isinstance(value, str) and self.regex.fullmatch(value) is not None


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in "*\\":
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "\\":
            raise PatternError(f"Invalid escape character at pos {index}")
        if char == "*":
            if index + 1 < len(pattern) and pattern[index + 1] == "*":
                raise PatternError(f"Consecutive wildcard characters at pos {index + 1}")
            parts.append(".*")
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class AnythingBut(Matcher):
    """Present and not matched by any of ``excluded`` (values, prefix, suffix, …)."""

    excluded: tuple[Matcher, ...]

    def accepts(self, value: Scalar) -> bool:
        return not any(matcher.accepts(value) for matcher in self.excluded)


@dataclass(frozen=True)
class Numeric(Matcher):
    conditions: tuple[tuple[str, float], ...]

    def accepts(self, value: Scalar) -> bool:
        if not is_number(value):
            return False
        number = float(value)  # type: ignore[arg-type]
        return all(_compare(number, operator, bound) for operator, bound in self.conditions)


def _compare(number: float, operator: str, bound: float) -> bool:
    if operator == "=":
        return number == bound
    if operator == "<":
        return number < bound
    if operator == "<=":
        return number <= bound
    if operator == ">":
        return number > bound
    return number >= bound


class Cidr(Matcher):
    def __init__(self, text: str) -> None:
        try:
            self.network = ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            raise PatternError(f"Nonstandard IP address: {text}") from exc
        if "/" not in text:
            raise PatternError(f"Malformed CIDR, one '/' required: {text}")

    def accepts(self, value: Scalar) -> bool:
        if not isinstance(value, str):
            return False
        try:
            return ipaddress.ip_address(value) in self.network
        except ValueError:
            return False


@dataclass(frozen=True)
class Leaf:
    """The alternatives for one field; ``exists`` is ``None`` unless an exists matcher was
    given."""

    matchers: tuple[Matcher, ...]
    exists: tuple[bool, ...] = ()

    def matches(self, values: list[Scalar], present: bool) -> bool:
        if any(present == wanted for wanted in self.exists):
            return True
        return present and any(m.accepts(v) for m in self.matchers for v in values)


# -- compiling one element of a leaf's array ---------------------------------------------


def compile_element(element: Any) -> Matcher | bool:
    """A matcher, or ``True``/``False`` for ``{"exists": …}``."""
    if element is None or isinstance(element, str | bool) or is_number(element):
        if is_number(element) and not math.isfinite(float(element)):
            raise PatternError("Match value must be String, number, true, false, or null")
        return Exact(element)
    if not isinstance(element, dict):
        raise PatternError("Match value must be String, number, true, false, or null")
    if len(element) != 1:
        raise PatternError("Only one key allowed in match expression")
    ((kind, argument),) = element.items()
    if kind == "exists":
        if not isinstance(argument, bool):
            raise PatternError("exists match pattern must be either true or false.")
        return argument
    if kind in ("prefix", "suffix"):
        return _affix(kind, argument)
    if kind == "equals-ignore-case":
        return EqualsIgnoreCase(_string(kind, argument))
    if kind == "wildcard":
        return Wildcard(_string(kind, argument))
    if kind == "numeric":
        return Numeric(_numeric(argument))
    if kind == "cidr":
        return Cidr(_string(kind, argument))
    if kind == "anything-but":
        return AnythingBut(_anything_but(argument))
    raise PatternError(f"Unrecognized match type {kind}")


def _string(kind: str, argument: Any) -> str:
    if not isinstance(argument, str):
        raise PatternError(f"{kind} match pattern must be a string")
    return argument


def _affix(kind: str, argument: Any) -> Matcher:
    ignore_case = False
    if isinstance(argument, dict):
        if list(argument) != ["equals-ignore-case"]:
            raise PatternError(f"Unsupported {kind} pattern: {next(iter(argument), '')}")
        argument, ignore_case = argument["equals-ignore-case"], True
    text = _string(kind, argument)
    return Prefix(text, ignore_case) if kind == "prefix" else Suffix(text, ignore_case)


_LOWER = (">", ">=")
_UPPER = ("<", "<=")


def _numeric(argument: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(argument, list):
        raise PatternError("Value of numeric must be an array.")
    if not argument or len(argument) % 2:
        raise PatternError("Value of numeric must be an array of operator/value pairs.")
    conditions: list[tuple[str, float]] = []
    for operator, bound in zip(argument[::2], argument[1::2], strict=True):
        if operator not in ("=", *_LOWER, *_UPPER):
            raise PatternError(f"Unrecognized numeric range operator: {operator}")
        if not is_number(bound):
            raise PatternError(f"Value of {operator} must be numeric")
        conditions.append((operator, float(bound)))
    if len(conditions) > 2:
        raise PatternError("Too many terms in numeric range expression")
    if len(conditions) == 2:
        (low_op, low), (high_op, high) = conditions
        if low_op not in _LOWER or high_op not in _UPPER:
            raise PatternError("Bad numeric range operator")
        if low >= high:
            raise PatternError("Bottom must be less than top")
    return tuple(conditions)


def _anything_but(argument: Any) -> tuple[Matcher, ...]:
    if isinstance(argument, dict):
        if len(argument) != 1:
            raise PatternError("Only one key allowed in match expression")
        ((kind, inner),) = argument.items()
        if kind in ("prefix", "suffix"):
            return (_affix(kind, inner),)
        if kind == "wildcard":
            texts = inner if isinstance(inner, list) else [inner]
            return tuple(Wildcard(_string(kind, text)) for text in texts)
        if kind == "equals-ignore-case":
            texts = inner if isinstance(inner, list) else [inner]
            return tuple(EqualsIgnoreCase(_string(kind, text)) for text in texts)
        raise PatternError(f"Unsupported anything-but pattern: {kind}")
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise PatternError("Empty arrays are not allowed")
    strings = all(isinstance(v, str) for v in values)
    numbers = all(is_number(v) for v in values)
    if not (strings or numbers):
        raise PatternError(
            "Inside anything but list, start|null|boolean is not supported.")
    return tuple(Exact(value) for value in values)

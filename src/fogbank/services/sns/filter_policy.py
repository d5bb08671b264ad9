"""SNS subscription filter policies: validation (AWS's limits and messages) and matching.

A policy maps keys to a list of conditions (any may match) and all keys must match; ``$or``
lists alternative sub-policies at the same level. With ``FilterPolicyScope=MessageAttributes``
keys name message attributes (no nesting); with ``MessageBody`` keys walk into the JSON body.

Condition forms: exact strings/numbers/true/false/null, ``{"prefix"}``, ``{"suffix"}``,
``{"equals-ignore-case"}``, ``{"anything-but": value | [values] | {"prefix"|"suffix"|
"equals-ignore-case": ...}}``, ``{"numeric": [op, n(, op, n)]}`` and ``{"exists": bool}``.
An array value (``String.Array`` attribute or JSON array in the body) matches when any element
matches.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024
NUMERIC_LIMIT = 1_000_000_000
NUMERIC_OPERATORS = ("<", "<=", "=", ">", ">=")
SCOPES = ("MessageAttributes", "MessageBody")

_ABSENT = object()  # a key not present in the message


class FilterPolicyError(ValueError):
    """A policy AWS rejects; ``str()`` is the full ``InvalidParameter`` message."""

    # AWS answers an out-of-range number with a 500 InternalError instead.
    internal: bool = False


class NumberOutOfRange(FilterPolicyError):
    internal = True


def _fail(reason: str) -> FilterPolicyError:
    return FilterPolicyError(f"Invalid parameter: FilterPolicy: {reason}")


def _numeric_fail(reason: str) -> FilterPolicyError:
    return FilterPolicyError(f"Invalid parameter: Attributes Reason: FilterPolicy: {reason}")


Matcher = Callable[[Any], bool]  # one value (never a list) → matches?


@dataclass(frozen=True)
class Rule:
    """The conditions on one key; ``absent_ok`` when ``{"exists": false}`` is among them."""

    matchers: tuple[Matcher, ...]
    exists_true: bool
    absent_ok: bool

    def matches(self, value: Any) -> bool:
        if value is _ABSENT:
            return self.absent_ok
        if isinstance(value, dict):
            return False  # conditions apply to leaf values only, ``exists`` included
        if self.exists_true:
            return True
        values = value if isinstance(value, list) else [value]
        return any(m(v) for v in values for m in self.matchers)


@dataclass(frozen=True)
class Node:
    """One level of a policy: rules on keys, nested levels, and ``$or`` alternatives."""

    rules: tuple[tuple[str, Rule], ...]
    children: tuple[tuple[str, Node], ...]
    alternatives: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class FilterPolicy:
    """A compiled policy; ``matches`` takes the message's attributes and body."""

    root: Node
    scope: str

    def matches(self, attributes: dict[str, dict[str, Any]], body: str) -> bool:
        if self.scope == "MessageBody":
            try:
                document = json.loads(body)
            except ValueError:
                return False
            if not isinstance(document, dict):
                return False
            return _match_node(self.root, document)
        return _match_node(self.root, _attribute_values(attributes))


def _attribute_values(attributes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Message attributes as the values a policy compares: String → str, Number → float,
    String.Array → list; Binary attributes are ignored, as in AWS."""
    values: dict[str, Any] = {}
    for name, attribute in attributes.items():
        data_type = str(attribute.get("DataType", ""))
        text = attribute.get("StringValue")
        if data_type.startswith("Binary") or text is None:
            continue
        if data_type.startswith("Number"):
            try:
                values[name] = float(text)
            except ValueError:
                continue
        elif data_type == "String.Array":
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = text
            # AWS accepts any text here: a JSON scalar is one value, non-JSON stays text.
            values[name] = parsed if not isinstance(parsed, dict) else text
        else:
            values[name] = text
    return values


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _match_node(node: Node, document: dict[str, Any]) -> bool:
    for key, rule in node.rules:
        if not rule.matches(document.get(key, _ABSENT)):
            return False
    for key, child in node.children:
        value = document.get(key, _ABSENT)
        if isinstance(value, dict):
            if not _match_node(child, value):
                return False
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            if not any(_match_node(child, v) for v in value if isinstance(v, dict)):
                return False
        elif not _match_node(child, {}):
            return False
    return all(any(_match_node(alt, document) for alt in group) for group in node.alternatives)


# -- compiling ---------------------------------------------------------------------------


def compile_policy(text: str, scope: str | None = None) -> FilterPolicy:
    """Parse and validate a policy as AWS does; raises ``FilterPolicyError``."""
    scope = scope or "MessageAttributes"
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise _fail("Filter policy is too large")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise _fail(f"failed to parse JSON. {exc}") from None
    if not isinstance(document, dict):
        raise _fail("Filter policy must be a JSON object")
    root = _compile_node(document, scope, depth=1)
    branches = _expand(document)
    for branch in branches:
        top_keys = [key for key in branch if key != "$or"]
        if len(top_keys) > MAX_KEYS:
            raise _fail(f"Filter policy can not have more than {MAX_KEYS} keys")
    if sum(_combinations(branch, 1) for branch in branches) > MAX_COMBINATIONS:
        raise _fail("Filter policy is too complex")
    return FilterPolicy(root, scope)


def _expand(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The policy with every ``$or`` multiplied out into plain alternatives."""
    branches: list[dict[str, Any]] = [{}]
    for key, value in policy.items():
        if key == "$or" and isinstance(value, list):
            options = [alt for option in value if isinstance(option, dict)
                       for alt in _expand(option)]
            branches = [{**branch, **option} for branch in branches for option in options]
        elif isinstance(value, dict):
            nested = _expand(value)
            branches = [{**branch, key: option} for branch in branches for option in nested]
        else:
            branches = [{**branch, key: value} for branch in branches]
    return branches


def _combinations(policy: dict[str, Any], depth: int) -> int:
    total = 1
    for value in policy.values():
        if isinstance(value, dict):
            total *= _combinations(value, depth + 1)
        elif isinstance(value, list):
            total *= max(1, len(value)) * depth
    return total


def _compile_node(policy: dict[str, Any], scope: str, depth: int) -> Node:
    rules: list[tuple[str, Rule]] = []
    children: list[tuple[str, Node]] = []
    alternatives: list[tuple[Node, ...]] = []
    for key, value in policy.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(
                    isinstance(option, dict) for option in value):
                raise _fail("$or must be an array of at least two objects")
            alternatives.append(tuple(_compile_node(option, scope, depth) for option in value))
        elif isinstance(value, dict):
            if scope != "MessageBody":
                raise FilterPolicyError("Invalid parameter: Filter policy scope "
                                        "MessageAttributes does not support nested filter "
                                        "policy")
            children.append((key, _compile_node(value, scope, depth + 1)))
        elif isinstance(value, list):
            if not value:
                raise _fail("Empty arrays are not allowed")
            rules.append((key, _compile_rule(value)))
        else:
            raise _fail(f'"{key}" must be an object or an array')
    return Node(tuple(rules), tuple(children), tuple(alternatives))


def _compile_rule(conditions: list[Any]) -> Rule:
    matchers: list[Matcher] = []
    exists_true = False
    absent_ok = False
    for condition in conditions:
        if isinstance(condition, dict):
            if len(condition) != 1:
                raise _fail("Match object must contain exactly one key")
            (kind, operand), = condition.items()
            if kind == "exists":
                if not isinstance(operand, bool):
                    raise _fail("exists match pattern must be either true or false.")
                exists_true = exists_true or operand
                absent_ok = absent_ok or not operand
                continue
            matchers.append(_compile_operator(kind, operand))
        elif condition is None or isinstance(condition, (str, bool)) or _is_number(condition):
            matchers.append(_exact(condition))
        else:
            raise _fail("Match value must be String, number, true, false, or null")
    return Rule(tuple(matchers), exists_true, absent_ok)


def _exact(expected: Any) -> Matcher:
    if _is_number(expected):
        _check_range(expected)
        target = round(float(expected), 5)
        return lambda v: _is_number(v) and round(float(v), 5) == target
    if isinstance(expected, bool) or expected is None:
        return lambda v: v is expected
    return lambda v: isinstance(v, str) and v == expected


def _check_range(number: float) -> None:
    if not -NUMERIC_LIMIT <= number <= NUMERIC_LIMIT or math.isnan(number):
        raise NumberOutOfRange(f"Invalid parameter: FilterPolicy: Numeric values must be"
                               f" between -{NUMERIC_LIMIT} and {NUMERIC_LIMIT}")


def _string_operand(kind: str, operand: Any) -> str:
    if not isinstance(operand, str):
        raise _fail(f"{kind} match pattern must be a string")
    return operand


def _compile_operator(kind: str, operand: Any) -> Matcher:
    if kind == "prefix":
        prefix = _string_operand(kind, operand)
        return lambda v: isinstance(v, str) and v.startswith(prefix)
    if kind == "suffix":
        suffix = _string_operand(kind, operand)
        return lambda v: isinstance(v, str) and v.endswith(suffix)
    if kind == "equals-ignore-case":
        folded = _string_operand(kind, operand).casefold()
        return lambda v: isinstance(v, str) and v.casefold() == folded
    if kind == "anything-but":
        return _anything_but(operand)
    if kind == "numeric":
        return _numeric(operand)
    raise _fail(f"Unrecognized match type {kind}")


def _anything_but(operand: Any) -> Matcher:
    if isinstance(operand, dict):
        if len(operand) != 1:
            raise _fail("Value of anything-but must be an array or single string/number value.")
        (kind, inner), = operand.items()
        if kind not in ("prefix", "suffix", "equals-ignore-case"):
            raise _fail(f"Unsupported anything-but pattern: {kind}")
        if kind == "equals-ignore-case" and isinstance(inner, list):
            folded = {_string_operand(kind, s).casefold() for s in inner}
            return lambda v: isinstance(v, str) and v.casefold() not in folded
        positive = _compile_operator(kind, inner)
        return lambda v: isinstance(v, str) and not positive(v)
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        raise _fail("Empty arrays are not allowed")
    excluded: list[Matcher] = []
    for value in values:
        if isinstance(value, (dict, list)):
            raise _fail("Inside anything but list, start|null|boolean is not supported.")
        excluded.append(_exact(value))
    return lambda v: not any(m(v) for m in excluded)


def _numeric(operand: Any) -> Matcher:
    if not isinstance(operand, list) or not operand:
        raise _numeric_fail("Invalid member in numeric match: ]")
    terms = list(operand)
    checks: list[tuple[str, float]] = []
    while terms:
        operator = terms.pop(0)
        if not isinstance(operator, str):
            raise _numeric_fail(f"Invalid member in numeric match: {operator}")
        if operator not in NUMERIC_OPERATORS:
            raise _numeric_fail(f"Unrecognized numeric range operator: {operator}")
        if checks:
            if checks[0][0] not in (">", ">="):
                raise _numeric_fail("Too many elements in numeric expression")
            if operator not in ("<", "<="):
                raise _numeric_fail(f"Bad numeric range operator: {operator}")
        if len(checks) == 2:
            raise _numeric_fail("Too many elements in numeric expression")
        number = terms.pop(0) if terms else None
        if not _is_number(number):
            raise _numeric_fail(f"Value of {operator} must be numeric")
        _check_range(float(number))  # type: ignore[arg-type]
        checks.append((operator, float(number)))  # type: ignore[arg-type]
    if len(checks) == 2 and checks[1][1] <= checks[0][1]:
        raise _numeric_fail("Bottom must be less than top")
    return lambda v: _is_number(v) and all(_compare(float(v), op, n) for op, n in checks)


def _compare(value: float, operator: str, bound: float) -> bool:
    value, bound = round(value, 5), round(bound, 5)
    if operator == "<":
        return value < bound
    if operator == "<=":
        return value <= bound
    if operator == "=":
        return value == bound
    if operator == ">":
        return value > bound
    return value >= bound

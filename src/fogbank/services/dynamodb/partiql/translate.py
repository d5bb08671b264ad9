"""A PartiQL statement tree → DynamoDB expression text with names and values.

PartiQL runs on the same machinery as the expression API: paths become ``#pN`` names, literals
and ``?`` parameters become ``:vN`` values, WHERE becomes a ConditionExpression (or a
FilterExpression), SET/REMOVE an UpdateExpression. Equalities on key attributes in the
top-level AND of a WHERE clause pick the item (or the partition) to work on.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.partiql.parser import (
    Binary,
    Call,
    Literal,
    Param,
    Path,
    PathRef,
    Unary,
)
from fogbank.services.dynamodb.types import validate_value


class Translation:
    """Collects ExpressionAttributeNames/Values while rendering expressions."""

    def __init__(self, parameters: list[dict[str, Any]]) -> None:
        self.parameters = parameters
        self.names: dict[str, str] = {}
        self.values: dict[str, dict[str, Any]] = {}
        self._name_of: dict[str, str] = {}

    # -- values ---------------------------------------------------------------------------

    def resolve(self, node: Any) -> dict[str, Any]:
        """The AttributeValue of a literal or parameter node."""
        if isinstance(node, Param):
            return validate_value(self.parameters[node.index])
        if not isinstance(node, Literal):
            raise ValidationException("Unsupported operand in PartiQL statement")
        value = node.value
        if isinstance(value, str):
            return {"S": value}
        if isinstance(value, bool):
            return {"BOOL": value}
        if value is None:
            return {"NULL": True}
        if isinstance(value, dict):
            return {"M": {key: self.resolve(member) for key, member in value.items()}}
        kind, payload = value
        if kind == "N":
            return validate_value({"N": payload})
        if kind == "LIST":
            return {"L": [self.resolve(member) for member in payload]}
        members = [self.resolve(member) for member in payload]
        types = {next(iter(member)) for member in members}
        if len(types) != 1 or types - {"S", "N", "B"}:
            raise ValidationException("Unsupported set: all members must be strings, numbers or "
                                      "binaries of one type")
        kind = types.pop()
        return validate_value({kind + "S": [member[kind] for member in members]})

    def value(self, node: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = self.resolve(node)
        return placeholder

    def name(self, part: str) -> str:
        if part not in self._name_of:
            placeholder = f"#p{len(self._name_of)}"
            self._name_of[part] = placeholder
            self.names[placeholder] = part
        return self._name_of[part]

    def path(self, path: Path) -> str:
        text = ""
        for part in path:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += ("." if text else "") + self.name(part)
        return text

    # -- expressions ----------------------------------------------------------------------

    def operand(self, node: Any) -> str:
        if isinstance(node, PathRef):
            return self.path(node.path)
        if isinstance(node, Call):
            return f"{node.name}({', '.join(self.operand(arg) for arg in node.args)})"
        if isinstance(node, Binary) and node.op in ("+", "-"):
            return f"{self.operand(node.args[0])} {node.op} {self.operand(node.args[1])}"
        return self.value(node)

    def condition(self, node: Any) -> str:
        if isinstance(node, Binary):
            if node.op in ("AND", "OR"):
                left, right = (self.condition(arg) for arg in node.args)
                return f"({left}) {node.op} ({right})"
            if node.op == "BETWEEN":
                left, low, high = (self.operand(arg) for arg in node.args)
                return f"{left} BETWEEN {low} AND {high}"
            if node.op == "IN":
                options = ", ".join(self.operand(arg) for arg in node.args[1:])
                return f"{self.operand(node.args[0])} IN ({options})"
            return f"{self.operand(node.args[0])} {node.op} {self.operand(node.args[1])}"
        if isinstance(node, Unary):
            if node.op == "NOT":
                return f"NOT ({self.condition(node.arg)})"
            target = self.operand(node.arg)
            if node.op == "MISSING":
                return f"attribute_not_exists({target})"
            if node.op == "NOT MISSING":
                return f"attribute_exists({target})"
            null_type = self.value(Literal("NULL"))
            text = f"attribute_type({target}, {null_type})"
            return text if node.op == "NULL" else f"NOT ({text})"
        if isinstance(node, Call):
            return self.operand(node)
        raise ValidationException("Unsupported condition in PartiQL statement")

    def update(self, sets: list[tuple[Path, Any]], removes: list[Path]) -> str:
        parts = []
        if sets:
            parts.append("SET " + ", ".join(f"{self.path(path)} = {self.operand(value)}"
                                            for path, value in sets))
        if removes:
            parts.append("REMOVE " + ", ".join(self.path(path) for path in removes))
        return " ".join(parts)

    def names_or_none(self) -> dict[str, str] | None:
        return self.names or None

    def values_or_none(self) -> dict[str, dict[str, Any]] | None:
        return self.values or None


def conjuncts(node: Any) -> list[Any]:
    if isinstance(node, Binary) and node.op == "AND":
        return conjuncts(node.args[0]) + conjuncts(node.args[1])
    return [] if node is None else [node]


def key_equality(node: Any, names: tuple[str, ...]) -> tuple[str, Any] | None:
    """``(attribute, value node)`` if ``node`` is ``key = value`` for one of ``names``."""
    if not isinstance(node, Binary) or node.op != "=":
        return None
    left, right = node.args
    if isinstance(right, PathRef) and not isinstance(left, PathRef):
        left, right = right, left
    if isinstance(left, PathRef) and len(left.path) == 1 and left.path[0] in names \
            and isinstance(right, Param | Literal):
        return str(left.path[0]), right
    return None


def join_and(nodes: list[Any]) -> Any:
    result = None
    for node in nodes:
        result = node if result is None else Binary("AND", (result, node))
    return result


RANGE_OPERATORS = ("=", "<", "<=", ">", ">=", "BETWEEN")


def paths_of(node: Any) -> set[str]:
    """Top-level attribute names a statement tree node reads."""
    if isinstance(node, PathRef):
        return {str(node.path[0])}
    if isinstance(node, Binary):
        return set().union(*(paths_of(arg) for arg in node.args))
    if isinstance(node, Call):
        return set().union(set(), *(paths_of(arg) for arg in node.args))
    if isinstance(node, Unary):
        return paths_of(node.arg)
    return set()


def _is_range_condition(node: Any, range_key: str) -> bool:
    if isinstance(node, Call) and node.name == "begins_with" and len(node.args) == 2:
        target, prefix = node.args
    elif isinstance(node, Binary) and node.op in RANGE_OPERATORS:
        target, *bounds = node.args
        return target == PathRef((range_key,)) and all(
            isinstance(bound, Param | Literal) for bound in bounds)
    else:
        return False
    return target == PathRef((range_key,)) and isinstance(prefix, Param | Literal)


def split_key_condition(where: Any, hash_key: str, range_key: str | None
                        ) -> tuple[list[Any], Any]:
    """``([hash equality, optional range condition], rest of WHERE)`` when WHERE fixes the
    partition and the rest reads no key attribute (a Query); ``([], where)`` otherwise."""
    parts = conjuncts(where)
    hash_part = next((node for node in parts if key_equality(node, (hash_key,))), None)
    if hash_part is None:
        return [], where
    rest = [node for node in parts if node is not hash_part]
    key_parts = [hash_part]
    if range_key is not None:
        range_part = next((node for node in rest if _is_range_condition(node, range_key)), None)
        if range_part is not None:
            key_parts.append(range_part)
            rest = [node for node in rest if node is not range_part]
    keys = {hash_key, range_key} - {None}
    if any(paths_of(node) & keys for node in rest):
        return [], where
    return key_parts, join_and(rest)

"""KeyConditionExpression / KeyConditions: the partition-key value and the sort-key range."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.expressions.context import ExpressionContext
from fogbank.services.dynamodb.expressions.nodes import (
    And,
    BeginsWith,
    Between,
    Compare,
    Node,
    Operand,
    PathOperand,
    SizeOperand,
    ValueOperand,
)
from fogbank.services.dynamodb.expressions.parser import Parser, ValueCheck
from fogbank.services.dynamodb.types import compare, type_of, values_equal

KIND = "KeyConditionExpression"
AttributeValue = dict[str, Any]


@dataclass(frozen=True, slots=True)
class KeyCondition:
    hash_value: AttributeValue
    range_op: str | None = None  # "=", "<", "<=", ">", ">=", "BETWEEN", "BEGINS_WITH"
    range_values: list[AttributeValue] = field(default_factory=list)

    def range_matches(self, value: AttributeValue | None) -> bool:
        """Whether a sort-key value satisfies the range condition (True without one)."""
        if self.range_op is None:
            return True
        if value is None:
            return False
        if self.range_op == "BEGINS_WITH":
            (prefix_kind, prefix), = self.range_values[0].items()
            payload = value.get(prefix_kind)
            return payload is not None and bytes(payload).startswith(bytes(prefix)) \
                if prefix_kind == "B" else payload is not None and payload.startswith(prefix)
        if self.range_op == "=":
            return values_equal(value, self.range_values[0])
        if self.range_op == "BETWEEN":
            low = compare(value, self.range_values[0])
            high = compare(value, self.range_values[1])
            return low is not None and high is not None and low >= 0 and high <= 0
        order = compare(value, self.range_values[0])
        if order is None:
            return False
        return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[self.range_op]


def invalid_operator(operator: str) -> ValidationException:
    # AWS sends this one without the "Invalid KeyConditionExpression: " prefix
    return ValidationException(f"Invalid operator used in KeyConditionExpression: {operator}")


@dataclass(frozen=True, slots=True)
class _Leaf:
    attribute: str
    op: str
    operands: tuple[str, ...]  # value placeholders


class _KeyParser(Parser):
    def key_condition(self) -> list[_Leaf]:
        node = self.condition()
        self.expect_end()
        leaves: list[_Leaf] = []
        self._collect(node, leaves)
        return leaves

    def _collect(self, node: Node, leaves: list[_Leaf]) -> None:
        if isinstance(node, And):
            self._collect(node.left, leaves)
            self._collect(node.right, leaves)
            return
        if isinstance(node, Compare):
            if node.op == "<>":
                raise invalid_operator("<>")
            leaves.append(self._leaf(node.op, node.left, (node.right,)))
        elif isinstance(node, Between):
            leaves.append(self._leaf("BETWEEN", node.operand, (node.low, node.high)))
        elif isinstance(node, BeginsWith):
            leaves.append(self._leaf("BEGINS_WITH", node.operand, (node.prefix,)))
        else:
            operator = {"Or": "OR", "Not": "NOT", "In": "IN"}.get(type(node).__name__)
            raise invalid_operator(operator or node.text().split("(", 1)[0])

    def _leaf(self, op: str, left: Operand, right: tuple[Operand, ...]) -> _Leaf:
        if isinstance(left, SizeOperand) or any(isinstance(r, SizeOperand) for r in right):
            raise invalid_operator("size")
        if not isinstance(left, PathOperand) or not all(
                isinstance(r, ValueOperand) for r in right):
            raise self.error(
                "A key condition compares a key attribute with expression attribute values")
        if len(left.path) != 1:
            raise self.error(
                "Key condition may only be specified on top-level key attributes")
        return _Leaf(str(left.path[0]), op,
                     tuple(r.name for r in right if isinstance(r, ValueOperand)))


@lru_cache(maxsize=4096)
def parse_key_condition_cached(text: str, names_key: tuple[tuple[str, str], ...]
                               ) -> tuple[tuple[_Leaf, ...], frozenset[str], frozenset[str],
                                          tuple[ValueCheck, ...]]:
    parser = _KeyParser(KIND, text, dict(names_key))
    leaves = parser.key_condition()
    return (tuple(leaves), frozenset(parser.names_used), frozenset(parser.values_used),
            tuple(parser.checks))


def build_key_condition(leaves: list[tuple[str, str, list[AttributeValue]]], *,
                        hash_key: str, range_key: str | None, prefix: str = "",
                        key_types: Mapping[str, str] | None = None) -> KeyCondition:
    """Check (attribute, op, values) leaves against the key schema; AWS's messages.
    ``key_types`` (attribute name -> "S"/"N"/"B") enables AWS's type check of the values."""
    by_attribute: dict[str, tuple[str, list[AttributeValue]]] = {}
    for attribute, op, values in leaves:
        if attribute in by_attribute:
            raise ValidationException(
                f"{prefix}KeyConditionExpressions must only contain one condition per key")
        by_attribute[attribute] = (op, values)
    if hash_key not in by_attribute:
        raise ValidationException(f"Query condition missed key schema element: {hash_key}")
    for attribute in by_attribute:
        if attribute not in (hash_key, range_key):
            raise ValidationException(
                f"Query condition missed key schema element: {range_key or hash_key}"
                if range_key and range_key not in by_attribute
                else "Query key condition not supported")
    if key_types:
        for attribute, (_, values) in by_attribute.items():
            expected = key_types.get(attribute)
            if expected and any(type_of(value) != expected for value in values):
                raise ValidationException(
                    "One or more parameter values were invalid: Condition parameter type does "
                    "not match schema type")
    hash_op, hash_values = by_attribute[hash_key]
    if hash_op != "=":
        raise ValidationException("Query key condition not supported")
    if range_key is None or range_key not in by_attribute:
        return KeyCondition(hash_values[0])
    range_op, range_values = by_attribute[range_key]
    return KeyCondition(hash_values[0], range_op, list(range_values))


def parse_key_condition(text: str, ctx: ExpressionContext, *, hash_key: str,
                        range_key: str | None,
                        key_types: Mapping[str, str] | None = None) -> KeyCondition:
    """A KeyConditionExpression against the (table's or index's) key schema; pass
    ``key_types`` ({"pk": "S", "sk": "N"}) to get AWS's value-type check too."""
    leaves, names_used, values_used, checks = parse_key_condition_cached(text, ctx.names_key)
    ctx.use(KIND, names_used, values_used)
    for check in checks:
        check(ctx.values)
    return build_key_condition(
        [(leaf.attribute, leaf.op, [ctx.values[v] for v in leaf.operands]) for leaf in leaves],
        hash_key=hash_key, range_key=range_key, prefix=f"Invalid {KIND}: ", key_types=key_types)

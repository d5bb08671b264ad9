"""Condition ASTs and their evaluation.

A parsed expression is a tree of these nodes. Values are referenced by their placeholder
(``:v``) and looked up at evaluation time in the request's ExpressionAttributeValues, so one
cached tree serves every request with the same text and names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fogbank.services.dynamodb.expressions.paths import Item, Path, resolve, to_text
from fogbank.services.dynamodb.types import compare, values_equal

AttributeValue = dict[str, Any]
Values = Mapping[str, AttributeValue]


# --- operands --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathOperand:
    path: Path

    def get(self, item: Item, values: Values) -> AttributeValue | None:
        return resolve(item, self.path)

    def text(self) -> str:
        return to_text(self.path)


@dataclass(frozen=True, slots=True)
class ValueOperand:
    name: str  # ":v"

    def get(self, item: Item, values: Values) -> AttributeValue | None:
        return values[self.name]

    def text(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class SizeOperand:
    path: Path

    def get(self, item: Item, values: Values) -> AttributeValue | None:
        value = resolve(item, self.path)
        if value is None:
            return None
        size = attribute_size(value)
        return None if size is None else {"N": str(size)}

    def text(self) -> str:
        return f"size({to_text(self.path)})"


Operand = PathOperand | ValueOperand | SizeOperand


def attribute_size(value: AttributeValue) -> int | None:
    """``size()``: length of S (characters) and B (bytes), element count of sets, L and M."""
    (kind, payload), = value.items()
    if kind in ("S", "B", "SS", "NS", "BS", "L", "M"):
        return len(payload)
    return None


# --- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # = <> < <= > >=
    left: Operand
    right: Operand

    def eval(self, item: Item, values: Values) -> bool:
        a = self.left.get(item, values)
        b = self.right.get(item, values)
        if self.op == "=":
            return a is not None and b is not None and values_equal(a, b)
        if self.op == "<>":
            return not (a is not None and b is not None and values_equal(a, b))
        if a is None or b is None:
            return False
        order = compare(a, b)
        if order is None:
            return False
        if self.op == "<":
            return order < 0
        if self.op == "<=":
            return order <= 0
        if self.op == ">":
            return order > 0
        return order >= 0

    def text(self) -> str:
        return f"{self.left.text()} {self.op} {self.right.text()}"


@dataclass(frozen=True, slots=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand

    def eval(self, item: Item, values: Values) -> bool:
        value = self.operand.get(item, values)
        low = self.low.get(item, values)
        high = self.high.get(item, values)
        if value is None or low is None or high is None:
            return False
        above = compare(value, low)
        below = compare(value, high)
        return above is not None and below is not None and above >= 0 and below <= 0

    def text(self) -> str:
        return f"{self.operand.text()} BETWEEN {self.low.text()} AND {self.high.text()}"


@dataclass(frozen=True, slots=True)
class In:
    operand: Operand
    choices: tuple[Operand, ...]

    def eval(self, item: Item, values: Values) -> bool:
        value = self.operand.get(item, values)
        if value is None:
            return False
        for choice in self.choices:
            candidate = choice.get(item, values)
            if candidate is not None and values_equal(value, candidate):
                return True
        return False

    def text(self) -> str:
        return f"{self.operand.text()} IN (" + ", ".join(c.text() for c in self.choices) + ")"


@dataclass(frozen=True, slots=True)
class AttributeExists:
    path: Path

    def eval(self, item: Item, values: Values) -> bool:
        return resolve(item, self.path) is not None

    def text(self) -> str:
        return f"attribute_exists({to_text(self.path)})"


@dataclass(frozen=True, slots=True)
class AttributeNotExists:
    path: Path

    def eval(self, item: Item, values: Values) -> bool:
        return resolve(item, self.path) is None

    def text(self) -> str:
        return f"attribute_not_exists({to_text(self.path)})"


@dataclass(frozen=True, slots=True)
class AttributeType:
    path: Path
    type_operand: Operand

    def eval(self, item: Item, values: Values) -> bool:
        value = resolve(item, self.path)
        wanted = self.type_operand.get(item, values)
        if value is None or wanted is None or "S" not in wanted:
            return False
        return wanted["S"] in value

    def text(self) -> str:
        return f"attribute_type({to_text(self.path)}, {self.type_operand.text()})"


@dataclass(frozen=True, slots=True)
class BeginsWith:
    operand: Operand
    prefix: Operand

    def eval(self, item: Item, values: Values) -> bool:
        value = self.operand.get(item, values)
        prefix = self.prefix.get(item, values)
        if value is None or prefix is None:
            return False
        if "S" in value and "S" in prefix:
            return bool(value["S"].startswith(prefix["S"]))
        if "B" in value and "B" in prefix:
            return bool(bytes(value["B"]).startswith(bytes(prefix["B"])))
        return False

    def text(self) -> str:
        return f"begins_with({self.operand.text()}, {self.prefix.text()})"


@dataclass(frozen=True, slots=True)
class Contains:
    operand: Operand
    element: Operand

    def eval(self, item: Item, values: Values) -> bool:
        container = self.operand.get(item, values)
        element = self.element.get(item, values)
        if container is None or element is None:
            return False
        (kind, payload), = container.items()
        (element_kind, element_payload), = element.items()
        if kind == "S" and element_kind == "S":
            return bool(element_payload in payload)
        if kind == "B" and element_kind == "B":
            return bytes(element_payload) in bytes(payload)
        if kind == "SS" and element_kind == "S":
            return element_payload in payload
        if kind == "BS" and element_kind == "B":
            return bytes(element_payload) in {bytes(b) for b in payload}
        if kind == "NS" and element_kind == "N":
            wanted = Decimal(element_payload)
            return any(Decimal(n) == wanted for n in payload)
        if kind == "L":
            return any(values_equal(member, element) for member in payload)
        return False

    def text(self) -> str:
        return f"contains({self.operand.text()}, {self.element.text()})"


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node

    def eval(self, item: Item, values: Values) -> bool:
        return self.left.eval(item, values) and self.right.eval(item, values)

    def text(self) -> str:
        return f"({self.left.text()}) AND ({self.right.text()})"


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node

    def eval(self, item: Item, values: Values) -> bool:
        return self.left.eval(item, values) or self.right.eval(item, values)

    def text(self) -> str:
        return f"({self.left.text()}) OR ({self.right.text()})"


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node

    def eval(self, item: Item, values: Values) -> bool:
        return not self.operand.eval(item, values)

    def text(self) -> str:
        return f"NOT ({self.operand.text()})"


Node = (Compare | Between | In | AttributeExists | AttributeNotExists | AttributeType
        | BeginsWith | Contains | And | Or | Not)


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition bound to the values of one request; evaluate with ``evaluate()``."""

    root: Node
    values: Values

    def text(self) -> str:
        return self.root.text()


def evaluate(condition: Condition, item: Item | None) -> bool:
    """Whether ``item`` (None = no item) satisfies the condition, as DynamoDB decides."""
    return condition.root.eval(item if item is not None else {}, condition.values)

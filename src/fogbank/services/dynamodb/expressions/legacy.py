"""Legacy parameters (Expected, QueryFilter/ScanFilter, KeyConditions, AttributeUpdates)
converted to the same trees the expressions produce.

Legacy attribute names are literal top-level names (no reserved-word rules, no nesting);
their values get synthetic placeholders (``:legacy0`` ...) in the bound values map.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.expressions.key_conditions import KeyCondition, build_key_condition
from fogbank.services.dynamodb.expressions.nodes import (
    And,
    AttributeExists,
    AttributeNotExists,
    BeginsWith,
    Between,
    Compare,
    Condition,
    Contains,
    In,
    Node,
    Not,
    Or,
    PathOperand,
    ValueOperand,
)
from fogbank.services.dynamodb.expressions.updates import (
    AddAction,
    DeleteAction,
    RemoveAction,
    SetAction,
    UpdatePlan,
    UValue,
)
from fogbank.services.dynamodb.types import invalid, type_of, validate_value

_ARGUMENT_COUNTS = {"EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "NOT_NULL": 0,
                    "NULL": 0, "CONTAINS": 1, "NOT_CONTAINS": 1, "BEGINS_WITH": 1,
                    "BETWEEN": 2}
_SCALARS = ("S", "N", "B")
_ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "LE": _SCALARS, "LT": _SCALARS, "GE": _SCALARS, "GT": _SCALARS, "BETWEEN": _SCALARS,
    "IN": _SCALARS, "CONTAINS": _SCALARS, "NOT_CONTAINS": _SCALARS, "BEGINS_WITH": ("S", "B"),
}
_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
KEY_OPERATORS = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">",
                 "BEGINS_WITH": "BEGINS_WITH", "BETWEEN": "BETWEEN"}


class _Values:
    """Synthetic placeholders for the literal values of legacy conditions."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> ValueOperand:
        validate_value(value)
        name = f":legacy{len(self.values)}"
        self.values[name] = value
        return ValueOperand(name)


def _check_operator(attribute: str, operator: Any, arguments: list[Any]) -> None:
    if operator != "IN" and operator not in _ARGUMENT_COUNTS:
        raise ValidationException(
            f"1 validation error detected: Value '{operator}' at 'comparisonOperator' failed to "
            "satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, "
            "NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]")
    expected = _ARGUMENT_COUNTS.get(operator)
    if (expected is not None and len(arguments) != expected) or (
            operator == "IN" and not arguments):
        raise invalid(f"Invalid number of argument(s) for the {operator} ComparisonOperator")
    allowed = _ALLOWED_TYPES.get(operator)
    for argument in arguments:
        validate_value(argument)
        kind = type_of(argument)
        if allowed is not None and kind not in allowed:
            raise invalid(f"ComparisonOperator {operator} is not valid for {kind} "
                          "AttributeValue type")


def _comparison(attribute: str, operator: str, arguments: list[Any], values: _Values) -> Node:
    _check_operator(attribute, operator, arguments)
    path = PathOperand((attribute,))
    if operator in _COMPARATORS:
        return Compare(_COMPARATORS[operator], path, values.add(arguments[0]))
    if operator == "NULL":
        return AttributeNotExists((attribute,))
    if operator == "NOT_NULL":
        return AttributeExists((attribute,))
    if operator == "CONTAINS":
        return Contains(path, values.add(arguments[0]))
    if operator == "NOT_CONTAINS":
        return Not(Contains(path, values.add(arguments[0])))
    if operator == "BEGINS_WITH":
        return BeginsWith(path, values.add(arguments[0]))
    if operator == "BETWEEN":
        return Between(path, values.add(arguments[0]), values.add(arguments[1]))
    return In(path, tuple(values.add(argument) for argument in arguments))


def _combine(nodes: list[Node], conditional_operator: str | None) -> Node:
    operator = conditional_operator or "AND"
    if operator not in ("AND", "OR"):
        raise ValidationException(
            f"1 validation error detected: Value '{operator}' at 'conditionalOperator' failed "
            "to satisfy constraint: Member must satisfy enum value set: [OR, AND]")
    root = nodes[0]
    for node in nodes[1:]:
        root = And(root, node) if operator == "AND" else Or(root, node)
    return root


def _expected_node(attribute: str, spec: Mapping[str, Any], values: _Values) -> Node:
    operator = spec.get("ComparisonOperator")
    value = spec.get("Value")
    arguments = spec.get("AttributeValueList")
    exists = spec.get("Exists")
    if operator is not None:
        if exists is not None:
            raise invalid(f"Exists and ComparisonOperator cannot be used together for "
                          f"Attribute: {attribute}")
        if value is not None and arguments is not None:
            raise invalid(f"Value and AttributeValueList cannot be used together for "
                          f"Attribute: {attribute}")
        return _comparison(attribute, operator, [value] if value is not None
                           else list(arguments or []), values)
    if arguments is not None:
        raise invalid(f"AttributeValueList can only be used with a ComparisonOperator for "
                      f"Attribute: {attribute}")
    if exists is False:
        if value is not None:
            raise invalid(f"Value cannot be used when Exists is false for Attribute: {attribute}")
        return AttributeNotExists((attribute,))
    if value is None:
        raise invalid(f"Value must be provided when Exists is true for Attribute: {attribute}")
    return Compare("=", PathOperand((attribute,)), values.add(value))


def _check_conditional_operator(entries: Mapping[str, Any], operator: str | None) -> None:
    if operator is not None and len(entries) < 2:
        raise invalid("ConditionalOperator can only be used when Filter or Expected has two or "
                      "more elements")


def condition_from_expected(expected: Mapping[str, Any],
                            conditional_operator: str | None) -> Condition:
    """Expected (Exists/Value or ComparisonOperator/AttributeValueList forms)."""
    _check_conditional_operator(expected, conditional_operator)
    values = _Values()
    nodes = [_expected_node(name, spec, values) for name, spec in expected.items()]
    if not nodes:
        raise invalid("Expected must not be empty") from None
    return Condition(_combine(nodes, conditional_operator), values.values)


def condition_from_filter(filter_map: Mapping[str, Any],
                          conditional_operator: str | None) -> Condition:
    """QueryFilter / ScanFilter: ComparisonOperator + AttributeValueList per attribute."""
    _check_conditional_operator(filter_map, conditional_operator)
    values = _Values()
    nodes: list[Node] = []
    for name, spec in filter_map.items():
        operator = spec.get("ComparisonOperator")
        if operator is None:
            raise ValidationException(
                "1 validation error detected: Value null at 'comparisonOperator' failed to "
                "satisfy constraint: Member must not be null")
        nodes.append(_comparison(name, operator, list(spec.get("AttributeValueList") or []),
                                 values))
    if not nodes:
        raise invalid("Filter must not be empty")
    return Condition(_combine(nodes, conditional_operator), values.values)


def key_condition_from_legacy(key_conditions: Mapping[str, Any], *, hash_key: str,
                              range_key: str | None,
                              key_types: Mapping[str, str] | None = None) -> KeyCondition:
    """KeyConditions: EQ on the partition key; EQ/LE/LT/GE/GT/BEGINS_WITH/BETWEEN on the sort
    key."""
    leaves: list[tuple[str, str, list[Any]]] = []
    for name, spec in key_conditions.items():
        operator = spec.get("ComparisonOperator")
        arguments = list(spec.get("AttributeValueList") or [])
        _check_operator(name, operator, arguments)
        if operator not in KEY_OPERATORS:
            raise ValidationException(
                "Attempted conditional constraint is not an indexable operation")
        leaves.append((name, KEY_OPERATORS[operator], arguments))
    return build_key_condition(leaves, hash_key=hash_key, range_key=range_key,
                               key_types=key_types)


def update_from_attribute_updates(attribute_updates: Mapping[str, Any]) -> UpdatePlan:
    """AttributeUpdates: PUT -> SET, ADD -> ADD (numbers, sets), DELETE -> REMOVE or DELETE
    from a set."""
    values: dict[str, Any] = {}
    actions: list[Any] = []
    for name, spec in attribute_updates.items():
        action = spec.get("Action") or "PUT"
        value = spec.get("Value")
        path = (name,)
        if value is None:
            if action != "DELETE":
                raise invalid("Only DELETE action is allowed when no attribute value is "
                              "specified")
            actions.append(RemoveAction(path))
            continue
        validate_value(value)
        kind = type_of(value)
        placeholder = f":legacy{len(values)}"
        values[placeholder] = value
        if action == "PUT":
            actions.append(SetAction(path, UValue(placeholder)))
        elif action == "ADD":
            if kind not in ("N", "SS", "NS", "BS"):
                raise invalid(f"Action ADD is not supported for the type {kind}")
            actions.append(AddAction(path, placeholder))
        elif action == "DELETE":
            if kind not in ("SS", "NS", "BS"):
                raise invalid(f"Action DELETE is not supported for the type {kind}")
            actions.append(DeleteAction(path, placeholder))
        else:
            raise ValidationException(
                f"1 validation error detected: Value '{action}' at 'attributeUpdates.{name}."
                "member.action' failed to satisfy constraint: Member must satisfy enum value "
                "set: [ADD, PUT, DELETE]")
    return UpdatePlan(tuple(actions), values)

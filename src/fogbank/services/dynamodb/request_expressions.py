"""A request's expressions (or their legacy parameters) parsed with one ExpressionContext.

Each operation names the expressions it accepts; ``RequestExpressions`` parses them once,
rejects mixing expression and legacy parameters as AWS does, and checks that every
ExpressionAttributeName/Value was used.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.dynamodb import expressions as ex

check_not_mixed = ex.check_parameter_mix


def context(names: dict[str, str] | None, values: dict[str, Any] | None,
            expressions: dict[str, Any]) -> ex.ExpressionContext:
    """The request's ExpressionContext; ``expressions`` maps each expression parameter the
    operation accepts (AWS name) to its value, for the "only with expressions" check."""
    ex.check_attributes_need_expressions(names, values, expressions)
    return ex.ExpressionContext(names, values)


def condition(ectx: ex.ExpressionContext, text: str | None, expected: dict[str, Any] | None,
              conditional_operator: str | None, *, kind: str = "ConditionExpression") -> Any:
    if text is not None:
        return ex.parse_condition(text, ectx, kind=kind)
    if expected:
        return ex.condition_from_expected(expected, conditional_operator)
    return None


def filter_condition(ectx: ex.ExpressionContext, text: str | None,
                     legacy: dict[str, Any] | None, conditional_operator: str | None) -> Any:
    if text is not None:
        return ex.parse_condition(text, ectx, kind="FilterExpression")
    if legacy:
        return ex.condition_from_filter(legacy, conditional_operator)
    return None


def projection(ectx: ex.ExpressionContext, text: str | None,
               attributes_to_get: list[str] | None) -> Any:
    if text is not None:
        return ex.parse_projection(text, ectx)
    if attributes_to_get:
        return ex.projection_from_attributes_to_get(attributes_to_get)
    return None


def update(ectx: ex.ExpressionContext, text: str | None,
           attribute_updates: dict[str, Any] | None) -> Any:
    if text is not None:
        return ex.parse_update(text, ectx)
    if attribute_updates:
        return ex.update_from_attribute_updates(attribute_updates)
    return None

"""A request's expressions (or their legacy parameters) parsed with one ExpressionContext.

Each operation names the expressions it accepts; ``RequestExpressions`` parses them once,
rejects mixing expression and legacy parameters as AWS does, and checks that every
ExpressionAttributeName/Value was used.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb.errors import ValidationException


def check_not_mixed(legacy: dict[str, Any], modern: dict[str, Any]) -> None:
    legacy_used = [name for name, value in legacy.items() if value is not None]
    modern_used = [name for name, value in modern.items() if value is not None]
    if legacy_used and modern_used:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy_used)}}} "
            f"Expression parameters: {{{', '.join(modern_used)}}}")


def context(names: dict[str, str] | None, values: dict[str, Any] | None,
            any_expression: bool) -> ex.ExpressionContext:
    if not any_expression:
        if names is not None:
            raise ValidationException("ExpressionAttributeNames can only be specified when "
                                      "using expressions")
        if values is not None:
            raise ValidationException("ExpressionAttributeValues can only be specified when "
                                      "using expressions")
    if values is not None and not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    if names is not None and not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    if values:
        from fogbank.services.dynamodb.types import validate_value

        for value in values.values():
            validate_value(value)
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

"""ExpressionAttributeNames/Values of one request: validation and used/unused bookkeeping."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.types import validate_value

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


class ExpressionContext:
    """Tracks which ExpressionAttributeNames/Values were used across all expressions of ONE
    request. Construct it once per request, parse every expression with it, then call
    ``check_all_used()``: unused names/values raise AWS's errors; undefined ones are raised by
    the parse functions as they meet them."""

    __slots__ = ("names", "values", "names_key", "_used_names", "_used_values")

    def __init__(self, names: Mapping[str, str] | None,
                 values: Mapping[str, Any] | None) -> None:
        if names is not None and not names:
            raise ValidationException("ExpressionAttributeNames must not be empty")
        if values is not None and not values:
            raise ValidationException("ExpressionAttributeValues must not be empty")
        self.names: dict[str, str] = dict(names or {})
        self.values: dict[str, Any] = dict(values or {})
        for key in self.names:
            if not _NAME_KEY.fullmatch(key):
                raise ValidationException(
                    f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"')
        for key, value in self.values.items():
            if not _VALUE_KEY.fullmatch(key):
                raise ValidationException(
                    f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"')
            try:
                validate_value(value)
            except ValidationException as exc:
                raise ValidationException(
                    f"ExpressionAttributeValues contains invalid value: {exc.message} "
                    f"for key {key}") from exc
        self.names_key: tuple[tuple[str, str], ...] = tuple(sorted(self.names.items()))
        self._used_names: set[str] = set()
        self._used_values: set[str] = set()

    def use(self, kind: str, names: Iterable[str], values: Iterable[str]) -> None:
        """Mark names/values as used by an expression of ``kind``; raise for undefined values
        (undefined names are caught while parsing, as the names map is part of the parse)."""
        self._used_names.update(names)
        for value in values:
            if value not in self.values:
                raise ValidationException(
                    f"Invalid {kind}: An expression attribute value used in expression is not "
                    f"defined; attribute value: {value}")
            self._used_values.add(value)

    def check_all_used(self) -> None:
        unused_names = [name for name in self.names if name not in self._used_names]
        if unused_names:
            raise ValidationException(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                + ", ".join(unused_names) + "}")
        unused_values = [value for value in self.values if value not in self._used_values]
        if unused_values:
            raise ValidationException(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                + ", ".join(unused_values) + "}")


def check_parameter_mix(legacy: Mapping[str, Any], expressions: Mapping[str, Any]) -> None:
    """Reject a request using both legacy and expression parameters. Both maps are AWS
    parameter name -> value as received (None = absent), e.g.
    ``check_parameter_mix({"AttributesToGet": atg}, {"ProjectionExpression": pe})``."""
    legacy_used = [name for name, value in legacy.items() if value is not None]
    expression_used = [name for name, value in expressions.items() if value is not None]
    if legacy_used and expression_used:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {" + ", ".join(legacy_used) + "} "
            "Expression parameters: {" + ", ".join(expression_used) + "}")


def check_attributes_need_expressions(names: Any, values: Any,
                                      expressions: Mapping[str, Any]) -> None:
    """ExpressionAttributeNames/Values given while none of ``expressions`` (AWS parameter name
    -> value) is present is AWS's "can only be specified when using expressions" error."""
    if any(value is not None for value in expressions.values()):
        return
    keys = list(expressions)
    if len(keys) == 1:
        absent = f"{keys[0]} is null"
    else:
        absent = ", ".join(keys[:-1]) + f" and {keys[-1]} are null"
    if values is not None:
        raise ValidationException(
            f"ExpressionAttributeValues can only be specified when using expressions: {absent}")
    if names is not None:
        raise ValidationException(
            f"ExpressionAttributeNames can only be specified when using expressions: {absent}")

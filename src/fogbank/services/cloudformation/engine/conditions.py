"""Condition functions: ``Fn::Equals``, ``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Condition``.

``Conditions`` evaluates a template's ``Conditions`` section lazily, each name once,
with values coming from an injected resolver (so tests need no services).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.services.cloudformation.engine.errors import IntrinsicError


def _as_comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_as_comparable(item) for item in value]
    return value


def evaluate(expression: Any, resolve: Callable[[Any], Any],
             condition: Callable[[str], bool]) -> bool:
    """Evaluate a condition expression; ``resolve`` handles Ref/FindInMap/... operands."""
    if isinstance(expression, bool):
        return expression
    if isinstance(expression, str) and expression.lower() in ("true", "false"):
        return expression.lower() == "true"
    if not isinstance(expression, dict) or len(expression) != 1:
        raise IntrinsicError(f"Condition expression {expression!r} is not a condition function")
    (name, argument), = expression.items()
    if name == "Condition":
        if not isinstance(argument, str):
            raise IntrinsicError("Condition must name a condition")
        return condition(argument)
    if name == "Fn::Equals":
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Fn::Equals requires a list of two values")
        left, right = (_as_comparable(resolve(item)) for item in argument)
        return bool(left == right)
    if name in ("Fn::And", "Fn::Or"):
        if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
            raise IntrinsicError(f"{name} requires a list of 2 to 10 conditions")
        results = (evaluate(item, resolve, condition) for item in argument)
        return all(results) if name == "Fn::And" else any(results)
    if name == "Fn::Not":
        if not isinstance(argument, list) or len(argument) != 1:
            raise IntrinsicError("Fn::Not requires a list of one condition")
        return not evaluate(argument[0], resolve, condition)
    raise IntrinsicError(f"{name} is not a condition function")


class Conditions:
    """The ``Conditions`` section of a template, evaluated on demand and memoised."""

    def __init__(self, section: dict[str, Any] | None, resolve: Callable[[Any], Any]) -> None:
        self._section = dict(section or {})
        self._resolve = resolve
        self._values: dict[str, bool] = {}
        self._evaluating: set[str] = set()

    def __contains__(self, name: str) -> bool:
        return name in self._section

    def value(self, name: str) -> bool:
        if name in self._values:
            return self._values[name]
        if name not in self._section:
            raise IntrinsicError(f"Condition '{name}' is not defined")
        if name in self._evaluating:
            raise IntrinsicError(f"Condition '{name}' depends on itself")
        self._evaluating.add(name)
        try:
            result = evaluate(self._section[name], self._resolve, self.value)
        finally:
            self._evaluating.discard(name)
        self._values[name] = result
        return result

    def all_values(self) -> dict[str, bool]:
        return {name: self.value(name) for name in self._section}

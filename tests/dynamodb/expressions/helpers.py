"""Small builders shared by the expression tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb.errors import ValidationException


def S(text: str) -> dict[str, Any]:
    return {"S": text}


def N(text: str | int) -> dict[str, Any]:
    return {"N": str(text)}


def B(data: bytes) -> dict[str, Any]:
    return {"B": data}


def check(text: str, item: dict[str, Any] | None, names: dict[str, str] | None = None,
          values: dict[str, Any] | None = None) -> bool:
    ctx = ex.ExpressionContext(names, values)
    condition = ex.parse_condition(text, ctx)
    return ex.evaluate(condition, item)


def update(text: str, item: dict[str, Any], names: dict[str, str] | None = None,
           values: dict[str, Any] | None = None,
           key_names: set[str] | None = None) -> tuple[dict[str, Any], set[str]]:
    ctx = ex.ExpressionContext(names, values)
    plan = ex.parse_update(text, ctx)
    ctx.check_all_used()
    return ex.apply_update(plan, item, key_names=key_names)


def error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationException) as info:
        call(*args, **kwargs)
    return info.value.message

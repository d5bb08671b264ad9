"""AWS's model-constraint checks of request members ("1 validation error detected: Value 'x'
at 'member' failed to satisfy constraint: Member must have length less than or equal to 64"),
shared by services that check lengths and ranges themselves. Each service passes its own
``error(shown_value, member, constraint)`` builder, since the exact wording of the message
(a final period, the error class) differs between services."""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any

ConstraintError = Callable[[Any, str, str], Exception]


def check_length(value: Sized | None, member: str, low: int, high: int,
                 error: ConstraintError, *, shown: Any = None) -> None:
    """Raise ``error`` when ``len(value)`` is outside ``low..high`` (``None`` passes);
    ``shown`` is what the message quotes (default: the value itself)."""
    if value is None:
        return
    quoted = value if shown is None else shown
    if len(value) < low:
        raise error(quoted, member, f"Member must have length greater than or equal to {low}")
    if len(value) > high:
        raise error(quoted, member, f"Member must have length less than or equal to {high}")


def check_range(value: int | None, member: str, low: int, high: int,
                error: ConstraintError) -> None:
    """Raise ``error`` when ``value`` is outside ``low..high`` (``None`` passes)."""
    if value is None:
        return
    if value < low:
        raise error(value, member, f"Member must have value greater than or equal to {low}")
    if value > high:
        raise error(value, member, f"Member must have value less than or equal to {high}")

"""Applying an UpdatePlan to an item, with DynamoDB's semantics.

Every SET operand is read from the item as it was before the update; then SETs (list elements
in order of element number), REMOVEs
(list indexes highest first, so indexes refer to the original list), ADDs and DELETEs are
applied. The input item is never mutated: containers on the written paths are copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.expressions.paths import Item, Path, resolve
from fogbank.services.dynamodb.expressions.updates import (
    AddAction,
    DeleteAction,
    IfNotExists,
    ListAppend,
    RemoveAction,
    SetAction,
    UOperand,
    UPath,
    UpdatePlan,
    UValue,
)
from fogbank.services.dynamodb.types import format_number, parse_number

AttributeValue = dict[str, Any]
# Wide enough that sums of in-range numbers are exact before the 38-digit check.
_EXACT = Context(prec=320, Emax=999, Emin=-999)


def invalid_path() -> ValidationException:
    return ValidationException(
        "The document path provided in the update expression is invalid for update")


def wrong_type() -> ValidationException:
    return ValidationException("An operand in the update expression has an incorrect data type")


def missing_attribute() -> ValidationException:
    return ValidationException(
        "The provided expression refers to an attribute that does not exist in the item")


def add_numbers(a: str, b: str, *, subtract: bool = False) -> AttributeValue:
    x, y = Decimal(a), Decimal(b)
    total = _EXACT.subtract(x, y) if subtract else _EXACT.add(x, y)
    return {"N": format_number(parse_number(format_number(total)))}


def operand_value(operand: UOperand, item: Item, values: Mapping[str, Any]) -> AttributeValue:
    if isinstance(operand, UValue):
        return values[operand.name]  # type: ignore[no-any-return]
    if isinstance(operand, UPath):
        found = resolve(item, operand.path)
        if found is None:
            raise missing_attribute()
        return found
    if isinstance(operand, IfNotExists):
        found = resolve(item, operand.path)
        return found if found is not None else operand_value(operand.default, item, values)
    if isinstance(operand, ListAppend):
        first = operand_value(operand.first, item, values)
        second = operand_value(operand.second, item, values)
        if "L" not in first or "L" not in second:
            raise wrong_type()
        return {"L": [*first["L"], *second["L"]]}
    left = operand_value(operand.left, item, values)
    right = operand_value(operand.right, item, values)
    if "N" not in left or "N" not in right:
        raise wrong_type()
    return add_numbers(left["N"], right["N"], subtract=operand.op == "-")


class _Writer:
    """Copy-on-write access to the containers along written paths."""

    def __init__(self, item: Item) -> None:
        self.item: dict[str, Any] = dict(item)
        self._copied: set[int] = set()

    def parent(self, path: Path) -> tuple[Any, str | int]:
        container: Any = self.item
        key: str | int = path[0]
        for step in path[1:]:
            if isinstance(container, list):
                assert isinstance(key, int)
                value = container[key] if key < len(container) else None
            else:
                value = container.get(key)
            kind = "L" if isinstance(step, int) else "M"
            if value is None or kind not in value:
                raise invalid_path()
            payload = value[kind]
            if id(payload) not in self._copied:
                payload = list(payload) if kind == "L" else dict(payload)
                self._copied.add(id(payload))
                container[key] = {kind: payload}
            container, key = payload, step
        return container, key

    def get(self, path: Path) -> AttributeValue | None:
        return resolve(self.item, path)

    def set(self, path: Path, value: AttributeValue) -> None:
        container, key = self.parent(path)
        if isinstance(container, list):
            assert isinstance(key, int)
            if key >= len(container):
                container.append(value)
            else:
                container[key] = value
        else:
            container[key] = value

    def remove(self, path: Path) -> None:
        container, key = self.parent(path)
        if isinstance(container, list):
            assert isinstance(key, int)
            if key < len(container):
                del container[key]
        else:
            container.pop(key, None)


def _add(existing: AttributeValue | None, value: AttributeValue) -> AttributeValue:
    if existing is None:
        return value
    (kind, payload), = value.items()
    if kind not in existing:
        raise wrong_type()
    if kind == "N":
        return add_numbers(existing["N"], payload)
    present = set(existing[kind])
    return {kind: [*existing[kind], *(e for e in dict.fromkeys(payload) if e not in present)]}


def _delete(existing: AttributeValue, value: AttributeValue) -> AttributeValue | None:
    (kind, payload), = value.items()
    if kind not in existing:
        raise wrong_type()
    removed = set(payload)
    remaining = [e for e in existing[kind] if e not in removed]
    return {kind: remaining} if remaining else None


def _removal_order(action: RemoveAction) -> tuple[int, int]:
    last = action.path[-1]
    return (1, -last) if isinstance(last, int) else (0, 0)


def apply_update(plan: UpdatePlan, item: Item, *,
                 key_names: set[str] | frozenset[str] | None = None) -> tuple[Item, set[str]]:
    """The item after the update and the top-level attribute names the update wrote.

    ``key_names``: the table's key attributes; an action targeting one raises AWS's
    "Cannot update attribute <name>. This attribute is part of the key". Raises
    ValidationException for AWS's type and document-path errors; ``item`` is left unchanged.
    """
    if key_names:
        plan.check_keys(key_names)
    values = plan.values
    sets = [(action.path, operand_value(action.operand, item, values))
            for action in plan.actions if isinstance(action, SetAction)]
    # AWS: several new list elements in one SET are added in order of element number
    sets.sort(key=lambda entry: entry[0][-1] if isinstance(entry[0][-1], int) else -1)
    writer = _Writer(item)
    for path, value in sets:
        writer.set(path, value)
    removes = sorted((a for a in plan.actions if isinstance(a, RemoveAction)), key=_removal_order)
    for removal in removes:
        if len(removal.path) == 1:
            writer.item.pop(str(removal.path[0]), None)
        else:
            writer.remove(removal.path)
    for action in plan.actions:
        if isinstance(action, AddAction):
            writer.set(action.path, _add(writer.get(action.path), values[action.value]))
        elif isinstance(action, DeleteAction):
            existing = writer.get(action.path)
            if existing is None:
                writer.parent(action.path)  # the parent must still be a valid document path
                continue
            remaining = _delete(existing, values[action.value])
            if remaining is None:
                writer.remove(action.path)
            else:
                writer.set(action.path, remaining)
    return writer.item, plan.target_names()


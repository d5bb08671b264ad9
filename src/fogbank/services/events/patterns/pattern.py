"""The pattern tree: nested objects, leaves and ``$or`` alternatives."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.events.patterns.matchers import (
    Leaf,
    Matcher,
    PatternError,
    Scalar,
    compile_element,
)


@dataclass(frozen=True)
class Pattern:
    """Fields that must all match, plus groups of ``$or`` alternatives (each group needs one
    matching alternative)."""

    leaves: dict[str, Leaf] = field(default_factory=dict)
    children: dict[str, Pattern] = field(default_factory=dict)
    alternatives: tuple[tuple[Pattern, ...], ...] = ()

    def matches(self, event: Any) -> bool:
        return _match_object(self, event)


def compile_pattern(source: str | dict[str, Any]) -> Pattern:
    """Validate and compile a pattern given as JSON text or an already-parsed object."""
    if isinstance(source, str):
        try:
            parsed = json.loads(source)
        except json.JSONDecodeError as exc:
            raise PatternError(f"Unrecognized token or malformed JSON: {exc.msg}") from exc
    else:
        parsed = source
    if not isinstance(parsed, dict):
        raise PatternError("Filter is not an object")
    if not parsed:
        raise PatternError("Empty objects are not allowed")
    return _compile_object(parsed)


def _compile_object(raw: dict[str, Any]) -> Pattern:
    leaves: dict[str, Leaf] = {}
    children: dict[str, Pattern] = {}
    alternatives: list[tuple[Pattern, ...]] = []
    for name, value in raw.items():
        if name == "$or":
            alternatives.append(_compile_or(value))
        elif isinstance(value, dict):
            if not value:
                raise PatternError("Empty objects are not allowed")
            children[name] = _compile_object(value)
        elif isinstance(value, list):
            leaves[name] = _compile_leaf(value)
        else:
            raise PatternError(f'"{name}" must be an object or an array')
    return Pattern(leaves, children, tuple(alternatives))


def _compile_or(value: Any) -> tuple[Pattern, ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise PatternError("Or relationship must be an array of at least 2 objects")
    branches: list[Pattern] = []
    for branch in value:
        if not isinstance(branch, dict) or not branch:
            raise PatternError("Or relationship must be an array of at least 2 objects")
        branches.append(_compile_object(branch))
    return tuple(branches)


def _compile_leaf(elements: list[Any]) -> Leaf:
    if not elements:
        raise PatternError("Empty arrays are not allowed")
    matchers: list[Matcher] = []
    exists: list[bool] = []
    for element in elements:
        compiled = compile_element(element)
        if isinstance(compiled, bool):
            exists.append(compiled)
        else:
            matchers.append(compiled)
    return Leaf(tuple(matchers), tuple(exists))


# -- matching ----------------------------------------------------------------------------


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects a nested pattern applies to: the object, or each object in an array."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        found: list[dict[str, Any]] = []
        for element in value:
            found.extend(_objects(element))
        return found
    return []


def _scalars(value: Any) -> list[Scalar]:
    if isinstance(value, list):
        found: list[Scalar] = []
        for element in value:
            found.extend(_scalars(element))
        return found
    if isinstance(value, dict):
        return []
    return [value]


def _match_object(pattern: Pattern, event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    for name, leaf in pattern.leaves.items():
        values = _scalars(event[name]) if name in event else []
        if not leaf.matches(values, present=bool(values)):
            return False
    for name, child in pattern.children.items():
        objects = _objects(event.get(name))
        if objects and not any(_match_object(child, obj) for obj in objects):
            return False
        if not objects and not _absent_ok(child):
            return False
    return all(any(_match_object(branch, event) for branch in group)
               for group in pattern.alternatives)


def _absent_ok(pattern: Pattern) -> bool:
    """A nested pattern made only of ``exists: false`` leaves matches a missing object."""
    if pattern.alternatives:
        return all(any(_absent_ok(b) for b in group) for group in pattern.alternatives) \
            and _absent_leaves_ok(pattern)
    return _absent_leaves_ok(pattern)


def _absent_leaves_ok(pattern: Pattern) -> bool:
    return all(leaf.matches([], present=False) for leaf in pattern.leaves.values()) and all(
        _absent_ok(child) for child in pattern.children.values())

"""ProjectionExpression / AttributesToGet: which (nested) attributes a read returns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.expressions.context import ExpressionContext
from fogbank.services.dynamodb.expressions.parser import Parser
from fogbank.services.dynamodb.expressions.paths import Item, Path, check_no_overlap

KIND = "ProjectionExpression"
# A tree of the requested steps: None marks "the whole value from here".
Tree = dict[str | int, "Tree | None"]


@dataclass(frozen=True, slots=True)
class Projection:
    paths: tuple[Path, ...]
    top_level: tuple[str, ...] | None  # set when every path is a plain top-level name
    tree: Tree

    def attribute_names(self) -> set[str]:
        """The top-level attributes a projection touches (for index projections)."""
        return {str(path[0]) for path in self.paths}


def _build(paths: tuple[Path, ...]) -> Projection:
    tree: Tree = {}
    for path in paths:
        node = tree
        for step in path[:-1]:
            child = node.setdefault(step, {})
            assert child is not None
            node = child
        node[path[-1]] = None
    top_level = tuple(str(p[0]) for p in paths) if all(len(p) == 1 for p in paths) else None
    return Projection(paths, top_level, tree)


@lru_cache(maxsize=4096)
def parse_projection_cached(text: str, names_key: tuple[tuple[str, str], ...]
                            ) -> tuple[Projection, frozenset[str]]:
    parser = Parser(KIND, text, dict(names_key))
    paths = [parser.path()]
    while parser.at_op(","):
        parser.pos += 1
        paths.append(parser.path())
    parser.expect_end()
    check_no_overlap(KIND, paths)
    return _build(tuple(paths)), frozenset(parser.names_used)


def parse_projection(text: str, ctx: ExpressionContext) -> Projection:
    projection, names_used = parse_projection_cached(text, ctx.names_key)
    ctx.use(KIND, names_used, ())
    return projection


def projection_from_attributes_to_get(names: list[str]) -> Projection:
    """AttributesToGet: top-level names, no duplicates."""
    if not names:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValidationException(
                "One or more parameter values were invalid: Duplicate value in attribute name: "
                f"{name}")
        seen.add(name)
    return _build(tuple((name,) for name in names))


def projection_of_paths(paths: list[Path]) -> Projection:
    """A Projection of already-resolved, non-overlapping paths (e.g. an update's targets)."""
    return _build(tuple(dict.fromkeys(paths)))


def _take(value: dict[str, Any], tree: Tree) -> dict[str, Any] | None:
    if "M" in value:
        members = value["M"]
        result: dict[str, Any] = {}
        for step, subtree in tree.items():
            if isinstance(step, int) or step not in members:
                continue
            taken = members[step] if subtree is None else _take(members[step], subtree)
            if taken is not None:
                result[step] = taken
        return {"M": result} if result else None
    if "L" in value:
        elements = value["L"]
        picked = []
        for step in sorted(s for s in tree if isinstance(s, int)):
            if step >= len(elements):
                continue
            subtree = tree[step]
            taken = elements[step] if subtree is None else _take(elements[step], subtree)
            if taken is not None:
                picked.append(taken)
        return {"L": picked} if picked else None
    return None


def project(projection: Projection, item: Item) -> Item:
    """The parts of ``item`` named by the projection; list elements keep their order."""
    if projection.top_level is not None:
        return {name: item[name] for name in projection.top_level if name in item}
    result: Item = {}
    for name, subtree in projection.tree.items():
        if not isinstance(name, str) or name not in item:
            continue
        taken = item[name] if subtree is None else _take(item[name], subtree)
        if taken is not None:
            result[name] = taken
    return result

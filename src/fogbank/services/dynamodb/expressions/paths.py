"""Document paths: ``a.b[2].c`` as the tuple ``("a", "b", 2, "c")``."""

from __future__ import annotations

from typing import Any

from fogbank.services.dynamodb.errors import ValidationException

Path = tuple[str | int, ...]
Item = dict[str, dict[str, Any]]


def resolve(item: Item, path: Path) -> dict[str, Any] | None:
    """The AttributeValue at ``path``, or None when any step is missing or of the wrong type."""
    value = item.get(str(path[0]))
    for step in path[1:]:
        if value is None:
            return None
        if isinstance(step, int):
            elements = value.get("L")
            if elements is None or step >= len(elements):
                return None
            value = elements[step]
        else:
            members = value.get("M")
            if members is None:
                return None
            value = members.get(step)
    return value


def format_path(path: Path) -> str:
    """AWS's rendering in messages: ``[a, b, [2]]``."""
    return "[" + ", ".join(f"[{s}]" if isinstance(s, int) else s for s in path) + "]"


def to_text(path: Path) -> str:
    """Expression text of a path (names printed bare)."""
    text = str(path[0])
    for step in path[1:]:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def check_no_overlap(kind: str, paths: list[Path]) -> None:
    """AWS rejects two paths where one is a prefix of the other (overlap) or where they
    treat the same document as both map and list (conflict)."""
    seen: list[Path] = []
    for path in paths:
        for earlier in seen:
            common = 0
            while (common < len(path) and common < len(earlier)
                   and path[common] == earlier[common]):
                common += 1
            if common == len(path) or common == len(earlier):
                raise ValidationException(
                    f"Invalid {kind}: Two document paths overlap with each other; must remove "
                    f"or rewrite one of these paths; path one: {format_path(earlier)}, "
                    f"path two: {format_path(path)}")
            if isinstance(path[common], int) != isinstance(earlier[common], int):
                raise ValidationException(
                    f"Invalid {kind}: Two document paths conflict with each other; must remove "
                    f"or rewrite one of these paths; path one: {format_path(earlier)}, "
                    f"path two: {format_path(path)}")
        seen.append(path)

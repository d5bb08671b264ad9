"""Terminal output: tables, colours, user-facing failures."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from fogbank.templates import TemplateProblem

COLOURS = ["36", "32", "35", "33", "34", "91", "96", "92"]


class UserError(Exception):
    """A mistake the user can fix; printed as one sentence, exit status 1 (or ``exit_code``)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def use_colour(stream: object = sys.stdout) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def paint(text: str, code: str, enabled: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if enabled else text


def colour_for(name: str) -> str:
    return COLOURS[sum(name.encode()) % len(COLOURS)]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def fail(message: str) -> None:
    print(f"fogbank: {message}", file=sys.stderr)


def format_problems(template: Path, problems: list[TemplateProblem]) -> str:
    """One line per problem (``file: resource: property path: message``) and a count."""
    lines = []
    for problem in problems:
        where = [str(template), problem.logical_id or "template"]
        if problem.path:
            where.append(problem.path)
        lines.append(": ".join(where) + ": " + problem.message)
    count = len(problems)
    lines.append(f"{count} problem{'s' if count != 1 else ''} found")
    return "\n".join(lines)

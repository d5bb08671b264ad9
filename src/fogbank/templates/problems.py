"""What goes wrong in a template, said with the resource and the property path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateProblem:
    """One problem: ``logical_id`` of the resource (or ``None`` for template-level problems),
    ``path`` to the offending node (``Resources.HelloFunction.Properties.CodeUri``) and a
    sentence saying what is wrong."""

    logical_id: str | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}"


class TemplateError(Exception):
    """A template that cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"The template has {len(self.problems)} problem(s):\n{lines}")

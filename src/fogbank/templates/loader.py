"""Load a template file or directory into plain CloudFormation, and validate one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fogbank.core.config import default_region
from fogbank.templates.checks import check_template
from fogbank.templates.parameters import resolve_parameters
from fogbank.templates.problems import TemplateError, TemplateProblem
from fogbank.templates.sam import is_sam, map_local_code, translate
from fogbank.templates.yaml_tags import parse_template_text

TEMPLATE_FILE_NAMES = ("template.yaml", "template.yml", "template.json")


@dataclass
class LoadedTemplate:
    """A template as written (``original``) and as plain CloudFormation (``processed``)."""

    source_path: Path
    base_dir: Path
    original: dict[str, Any]
    processed: dict[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)


def find_template_file(path: Path) -> Path:
    """``path`` itself if a file, else the ``template.yaml|yml|json`` in that directory."""
    if path.is_dir():
        for name in TEMPLATE_FILE_NAMES:
            if (path / name).is_file():
                return path / name
        names = ", ".join(TEMPLATE_FILE_NAMES)
        raise TemplateError([TemplateProblem(
            None, "", f"No template found in {path} (looked for {names})")])
    if not path.is_file():
        raise TemplateError([TemplateProblem(None, "", f"Template file {path} does not exist")])
    return path


find_template = find_template_file


def process_template(
    template: dict[str, Any], base_dir: Path, parameters: dict[str, Any] | None = None,
    region: str | None = None,
) -> tuple[dict[str, Any] | None, list[TemplateProblem]]:
    """Map local code (SAM ``CodeUri``/``ContentUri``, and ``Code``/``Content`` given as a
    local path as ``aws cloudformation package`` would take it) and run the SAM transform if
    the template asks for it.

    Returns the plain CloudFormation template (``None`` if the transform failed) and the
    problems met on the way (missing code directories, SAM errors)."""
    mapped, problems = map_local_code(template, base_dir)
    if not is_sam(template):
        return mapped, problems
    processed, sam_problems = translate(mapped, dict(parameters or {}), region or default_region())
    return processed, problems + sam_problems


def _read(path: Path) -> tuple[Path, dict[str, Any]]:
    source = find_template_file(path.resolve())
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError([TemplateProblem(None, "", f"Cannot read {source}: {exc}")]) from exc
    return source, parse_template_text(text, source.name)


def load_template(path: Path, parameters: dict[str, str] | None = None, *,
                  region: str | None = None) -> LoadedTemplate:
    """Load, map local code, SAM-transform; raises ``TemplateError`` listing every problem
    that would stop the template from running (missing code directories, SAM errors)."""
    source, original = _read(Path(path))
    processed, problems = process_template(original, source.parent, parameters, region)
    if problems or processed is None:
        raise TemplateError(problems)
    return LoadedTemplate(
        source_path=source, base_dir=source.parent, original=original, processed=processed,
        parameters=dict(parameters or {}),
    )


def validate(path: Path, parameters: dict[str, str] | None = None, *,
             region: str | None = None) -> list[TemplateProblem]:
    """Every problem of the template at ``path`` at once; ``[]`` for a good template."""
    try:
        source, original = _read(Path(path))
    except TemplateError as exc:
        return exc.problems
    processed, problems = process_template(original, source.parent, parameters, region)
    target = processed if processed is not None else original
    extra_ids: set[str] = set()
    if processed is None:
        # The SAM transform failed: check the original, where SAM's generated resources
        # (``<Function>Role``, ``ServerlessRestApi``) do not exist yet.
        extra_ids = {"ServerlessRestApi", "ServerlessHttpApi"}
        extra_ids |= {f"{lid}{suffix}" for lid in (original.get("Resources") or {})
                      for suffix in ("Role", "Alias", "Version", "Stage", "Deployment")}
    problems += check_template(target, extra_ids)
    declared = (target.get("Parameters") if isinstance(target, dict) else None) or {}
    problems += resolve_parameters(declared, parameters)[1]
    return _unique(problems)


def _unique(problems: list[TemplateProblem]) -> list[TemplateProblem]:
    seen: set[TemplateProblem] = set()
    ordered = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            ordered.append(problem)
    return ordered

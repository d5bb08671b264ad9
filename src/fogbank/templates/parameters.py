"""Template parameter values: declared types, defaults, overrides and constraints.

Shared by ``validate`` (which reports every problem) and the CloudFormation engine (which
refuses to start a stack with any). Values come out as CloudFormation's ``Ref`` gives them:
strings for scalar types (``Number`` too), lists of strings for list types.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.templates.problems import TemplateProblem

ParameterValue = str | list[str]


def is_list_type(parameter_type: str) -> bool:
    return parameter_type.startswith("List<") or parameter_type == "CommaDelimitedList"


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(item) for item in value)
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_value(name: str, spec: dict[str, Any], text: str, path: str) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    parameter_type = str(spec.get("Type", "String"))
    items = [item.strip() for item in text.split(",")] if is_list_type(parameter_type) else [text]
    if parameter_type in ("Number", "List<Number>"):
        for item in items:
            if not _is_number(item):
                problems.append(TemplateProblem(
                    None, path, f"Parameter '{name}' must be a number not '{item}'"))
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list):
        allowed_text = [_as_text(option) for option in allowed]
        for item in items:
            if item not in allowed_text:
                problems.append(TemplateProblem(
                    None, path, f"Parameter '{name}' must be one of AllowedValues"
                    f" ({', '.join(allowed_text)}), not '{item}'"))
    pattern = spec.get("AllowedPattern")
    if isinstance(pattern, str) and parameter_type == "String":
        try:
            if not re.fullmatch(pattern, text):
                problems.append(TemplateProblem(
                    None, path, f"Parameter '{name}' must match pattern {pattern}"))
        except re.error:
            problems.append(TemplateProblem(None, path, f"AllowedPattern {pattern!r} is invalid"))
    if parameter_type == "String":
        problems += _check_bounds(name, spec, float(len(text)), path, "MinLength", "MaxLength",
                                  "contain at least {} characters",
                                  "contain at most {} characters")
    if parameter_type == "Number" and _is_number(text):
        problems += _check_bounds(name, spec, float(text), path, "MinValue", "MaxValue",
                                  "be a number greater than or equal to {}",
                                  "be a number less than or equal to {}")
    return problems


def _check_bounds(name: str, spec: dict[str, Any], measure: float, path: str, low_key: str,
                  high_key: str, low_sentence: str, high_sentence: str) -> list[TemplateProblem]:
    problems = []
    for key, sentence, sign in ((low_key, low_sentence, 1.0), (high_key, high_sentence, -1.0)):
        if key not in spec:
            continue
        if not _is_number(str(spec[key])):
            problems.append(TemplateProblem(None, f"{path}.{key}", f"{key} must be a number"))
        elif sign * (measure - float(spec[key])) < 0:
            problems.append(TemplateProblem(
                None, path, f"Parameter '{name}' must " + sentence.format(spec[key])))
    return problems


def resolve_parameters(
    declared: Any, supplied: dict[str, Any] | None,
) -> tuple[dict[str, ParameterValue], list[TemplateProblem]]:
    """Values for every declared parameter (supplied, else Default) and all problems found."""
    supplied = dict(supplied or {})
    problems: list[TemplateProblem] = []
    values: dict[str, ParameterValue] = {}
    if declared is None:
        declared = {}
    if not isinstance(declared, dict):
        return values, [TemplateProblem(None, "Parameters", "Parameters must be a mapping")]
    undeclared = sorted(name for name in supplied if name not in declared)
    if undeclared:
        problems.append(TemplateProblem(
            None, "Parameters", f"Parameters: [{', '.join(undeclared)}] do not exist in the"
            " template"))
    missing = []
    for name, spec in declared.items():
        path = f"Parameters.{name}"
        if not isinstance(spec, dict) or "Type" not in spec:
            problems.append(TemplateProblem(None, path, f"Parameter '{name}' must declare a Type"))
            continue
        if name in supplied:
            text = _as_text(supplied[name])
        elif "Default" in spec:
            text = _as_text(spec["Default"])
        else:
            missing.append(name)
            continue
        problems.extend(_check_value(name, spec, text, path))
        parameter_type = str(spec["Type"])
        values[name] = (
            [item.strip() for item in text.split(",")] if is_list_type(parameter_type) and text
            else ([] if is_list_type(parameter_type) else text))
    if missing:
        problems.append(TemplateProblem(
            None, "Parameters", f"Parameters: [{', '.join(missing)}] must have values"))
    return values, problems

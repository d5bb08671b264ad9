"""What a target receives: the matched event as is, a constant ``Input``, the part an
``InputPath`` selects, or an ``InputTransformer``'s template filled from the event.

Templates: ``<name>`` placeholders take values from ``InputPathsMap`` (JSONPath into the
event) or the predefined ``aws.events.*`` names. Inside a quoted JSON string a value is
inserted as text; outside quotes it is inserted as JSON (strings get their quotes), unless
the whole template is plain text, where every value is inserted as text.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")
_MISSING = object()


class TransformError(ValueError):
    """An input path or template that cannot be used (validation message)."""


def select(document: Any, path: str) -> Any:
    """A simple JSONPath (``$``, ``.name``, ``[0]``, ``['name']``); ``_MISSING`` if absent."""
    if not path.startswith("$"):
        raise TransformError(f"Invalid InputPath: {path}")
    position, current = 1, document
    while position < len(path):
        step = _PATH_STEP.match(path, position)
        if not step:
            raise TransformError(f"Invalid InputPath: {path}")
        position = step.end()
        if step.group(2) is not None:
            index = int(step.group(2))
            if not isinstance(current, list) or index >= len(current):
                return _MISSING
            current = current[index]
            continue
        key = next(group for group in (step.group(1), step.group(3), step.group(4))
                   if group is not None)
        if not isinstance(current, dict) or key not in current:
            return _MISSING
        current = current[key]
    return current


def check_path(path: str) -> None:
    select({}, path)


def check_transformer(transformer: dict[str, Any]) -> None:
    paths = transformer.get("InputPathsMap") or {}
    if len(paths) > 100:
        raise TransformError("InputPathsMap can have at most 100 entries.")
    for name, path in paths.items():
        if name.startswith("aws.events."):
            raise TransformError(
                f"InputTransformer InputPathsMap key {name} is reserved.")
        check_path(str(path))
    if not isinstance(transformer.get("InputTemplate"), str):
        raise TransformError("InputTransformer InputTemplate is required.")


def render_input(target: dict[str, Any], event: dict[str, Any],
                 context: dict[str, Any]) -> str:
    """The payload text a target gets for ``event`` (``context``: rule-arn, rule-name …)."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        selected = select(event, str(target["InputPath"]))
        return json.dumps(None if selected is _MISSING else selected)
    transformer = target.get("InputTransformer")
    if transformer:
        values: dict[str, Any] = {}
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            values[name] = select(event, str(path))
        for name, value in context.items():
            values[f"aws.events.{name}"] = value
        values["aws.events.event"] = event
        values["aws.events.event.json"] = json.dumps(event)
        return fill_template(str(transformer["InputTemplate"]), values)
    return json.dumps(event)


def fill_template(template: str, values: dict[str, Any]) -> str:
    stripped = template.lstrip()
    plain_text = stripped[:1] not in ("{", "[", '"')
    out: list[str] = []
    in_string = False
    position = 0
    while position < len(template):
        char = template[position]
        if char == "<":
            found = PLACEHOLDER.match(template, position)
            if found and found.group(1) in values:
                mode = "escaped" if in_string else "raw" if plain_text else "json"
                out.append(_insert(values[found.group(1)], mode))
                position = found.end()
                continue
        if char == "\\" and in_string and position + 1 < len(template):
            out.append(template[position:position + 2])
            position += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        position += 1
    return "".join(out)


def _insert(value: Any, mode: str) -> str:
    if value is _MISSING:
        return "null" if mode == "json" else ""
    if mode == "json":
        return json.dumps(value)
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text)[1:-1] if mode == "escaped" else text

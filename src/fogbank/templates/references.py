"""Find what a template value refers to: ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` variables.

Pure analysis shared by ``validate`` and the CloudFormation engine's dependency graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")

PSEUDO_PARAMETERS = frozenset({
    "AWS::AccountId", "AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::Partition",
    "AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs",
})


@dataclass(frozen=True)
class Reference:
    """``target`` is a logical id or parameter name; ``attribute`` is set for GetAtt;
    ``path`` locates the referring node (``Resources.X.Properties.Role``)."""

    target: str
    attribute: str | None
    kind: str  # "Ref" | "GetAtt" | "Sub"
    path: str


def sub_variables(text: str) -> list[str]:
    """Variables of an ``Fn::Sub`` string, without ``${!Literal}`` escapes."""
    return [match.group(1).strip() for match in _SUB_VARIABLE.finditer(text)]


def split_get_att(value: Any) -> tuple[str, str] | None:
    """``["A", "B.C"]`` or ``"A.B.C"`` → ``("A", "B.C")``; ``None`` if malformed."""
    if isinstance(value, str) and "." in value:
        logical_id, _, attribute = value.partition(".")
        return logical_id, attribute
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
        attribute = value[1]
        return value[0], attribute if isinstance(attribute, str) else "<dynamic>"
    return None


def find_references(value: Any, path: str) -> Iterator[Reference]:
    """Every reference inside ``value`` (depth first)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from find_references(item, f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        (key, argument), = value.items()
        if key == "Ref" and isinstance(argument, str):
            yield Reference(argument, None, "Ref", path)
            return
        if key == "Fn::GetAtt":
            parts = split_get_att(argument)
            if parts:
                yield Reference(parts[0], parts[1], "GetAtt", path)
            if isinstance(argument, list) and len(argument) == 2:
                yield from find_references(argument[1], f"{path}.Fn::GetAtt[1]")
            return
        if key == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else (
                (argument[0], argument[1]) if isinstance(argument, list) and len(argument) == 2
                else (None, {}))
            if isinstance(text, str):
                local = set(variables) if isinstance(variables, dict) else set()
                for name in sub_variables(text):
                    if name in local:
                        continue
                    target, _, attribute = name.partition(".")
                    yield Reference(target, attribute or None, "Sub", f"{path}.Fn::Sub")
            if isinstance(variables, dict):
                for name, item in variables.items():
                    yield from find_references(item, f"{path}.Fn::Sub[1].{name}")
            return
    for key, item in value.items():
        yield from find_references(item, f"{path}.{key}")


def depends_on_list(resource: dict[str, Any]) -> list[str]:
    depends = resource.get("DependsOn", [])
    if isinstance(depends, str):
        return [depends]
    return [item for item in depends if isinstance(item, str)] if isinstance(depends, list) else []


def resource_dependencies(resource: dict[str, Any], logical_ids: set[str]) -> set[str]:
    """Logical ids a resource must wait for: implicit (Ref/GetAtt/Sub) plus ``DependsOn``."""
    found = {
        ref.target for ref in find_references(
            {k: v for k, v in resource.items() if k in ("Properties", "Metadata")}, "")
        if ref.target in logical_ids
    }
    found.update(name for name in depends_on_list(resource) if name in logical_ids)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One dependency cycle (``[A, B, A]``) in ``node → dependencies``, or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dependency in sorted(graph.get(node, ())):
            if state.get(dependency) == 1:
                return stack[stack.index(dependency):] + [dependency]
            if dependency not in state:
                cycle = visit(dependency)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None

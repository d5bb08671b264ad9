"""Structural checks of a plain CloudFormation template; every problem at once.

Dangling ``Ref``/``GetAtt``/``Sub`` targets, ``DependsOn`` on missing resources, unknown
``Condition`` names, dependency cycles, and property types that are cheap to check.
"""

from __future__ import annotations

from typing import Any

from fogbank.templates.problems import TemplateProblem
from fogbank.templates.references import (
    PSEUDO_PARAMETERS,
    depends_on_list,
    find_cycle,
    find_references,
    resource_dependencies,
)

_INTRINSIC_KEYS = frozenset({
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If",
    "Fn::FindInMap", "Fn::GetAZs", "Fn::Base64", "Fn::ImportValue", "Fn::Cidr",
    "Fn::ToJsonString", "Fn::Length", "Fn::Transform",
})

# Cheap property type checks: resource type → property → expected kind.
_PROPERTY_KINDS: dict[str, dict[str, str]] = {
    "AWS::Lambda::Function": {
        "Timeout": "integer", "MemorySize": "integer", "Handler": "string", "Runtime": "string",
        "Environment": "object", "Layers": "list", "Architectures": "list",
        "Description": "string", "FunctionName": "string", "Role": "string",
        "ReservedConcurrentExecutions": "integer", "Code": "object",
    },
    "AWS::Serverless::Function": {
        "Timeout": "integer", "MemorySize": "integer", "Handler": "string", "Runtime": "string",
        "Environment": "object", "Events": "object", "Description": "string",
        "FunctionName": "string",
    },
    "AWS::Logs::LogGroup": {"RetentionInDays": "integer", "LogGroupName": "string"},
    "AWS::IAM::Role": {"AssumeRolePolicyDocument": "object", "ManagedPolicyArns": "list",
                       "Policies": "list", "RoleName": "string"},
    "AWS::SQS::Queue": {"VisibilityTimeout": "integer", "DelaySeconds": "integer",
                        "MessageRetentionPeriod": "integer", "QueueName": "string"},
    "AWS::DynamoDB::Table": {"KeySchema": "list", "AttributeDefinitions": "list",
                             "TableName": "string"},
}


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _INTRINSIC_KEYS


def _kind_mismatch(value: Any, kind: str) -> str | None:
    if _is_intrinsic(value):
        return None
    if kind == "integer":
        digits = isinstance(value, str) and value.strip().lstrip("-").isdigit()
        if isinstance(value, bool) or not (isinstance(value, int) or digits):
            return "an integer"
    elif kind == "string":
        if isinstance(value, (dict, list)):
            return "a string"
    elif kind == "object":
        if not isinstance(value, dict):
            return "a mapping"
    elif kind == "list":
        if not isinstance(value, list):
            return "a list"
    return None


def _check_properties(logical_id: str, resource: dict[str, Any]) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    path = f"Resources.{logical_id}.Properties"
    properties = resource.get("Properties", {})
    if properties is None:
        return problems
    if not isinstance(properties, dict):
        return [TemplateProblem(logical_id, path, "Properties must be a mapping")]
    for name, kind in _PROPERTY_KINDS.get(str(resource.get("Type")), {}).items():
        if name in properties:
            expected = _kind_mismatch(properties[name], kind)
            if expected:
                problems.append(TemplateProblem(
                    logical_id, f"{path}.{name}",
                    f"{name} must be {expected}, not {properties[name]!r}"))
    return problems


def _check_condition_names(value: Any, path: str, conditions: set[str],
                           logical_id: str | None) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            problems += _check_condition_names(item, f"{path}[{index}]", conditions, logical_id)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Fn::If" and isinstance(item, list) and item and isinstance(item[0], str):
                if item[0] not in conditions:
                    problems.append(TemplateProblem(
                        logical_id, f"{path}.Fn::If", f"Condition '{item[0]}' is not defined"))
            if key == "Condition" and isinstance(item, str) and len(value) == 1:
                if item not in conditions:
                    problems.append(TemplateProblem(
                        logical_id, path, f"Condition '{item}' is not defined"))
            problems += _check_condition_names(item, f"{path}.{key}", conditions, logical_id)
    return problems


def check_template(template: dict[str, Any],
                   parameter_names: set[str] | None = None) -> list[TemplateProblem]:
    """Every structural problem of a (processed) CloudFormation template."""
    problems: list[TemplateProblem] = []
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return [TemplateProblem(None, "Resources", "Template must have a non-empty Resources"
                                " section")]
    declared_parameters = template.get("Parameters") or {}
    parameters = set(declared_parameters) if isinstance(declared_parameters, dict) else set()
    parameters |= parameter_names or set()
    conditions_section = template.get("Conditions") or {}
    conditions = set(conditions_section) if isinstance(conditions_section, dict) else set()
    logical_ids = set(resources)
    graph: dict[str, set[str]] = {}

    for logical_id, resource in resources.items():
        base = f"Resources.{logical_id}"
        if not isinstance(resource, dict):
            problems.append(TemplateProblem(logical_id, base, "Resource must be a mapping"))
            continue
        if not isinstance(resource.get("Type"), str):
            problems.append(TemplateProblem(logical_id, f"{base}.Type",
                                            "Resource must have a Type"))
        condition = resource.get("Condition")
        if condition is not None and condition not in conditions:
            problems.append(TemplateProblem(
                logical_id, f"{base}.Condition", f"Condition '{condition}' is not defined"))
        for index, name in enumerate(depends_on_list(resource)):
            if name not in logical_ids:
                problems.append(TemplateProblem(
                    logical_id, f"{base}.DependsOn[{index}]",
                    f"DependsOn names '{name}', which is not a resource of this template"))
        problems += _check_properties(logical_id, resource)
        graph[logical_id] = resource_dependencies(resource, logical_ids)

    problems += _check_references(template, logical_ids, parameters)
    for section in ("Resources", "Outputs", "Conditions"):
        for key, value in (template.get(section) or {}).items():
            owner = key if section == "Resources" else None
            problems += _check_condition_names(value, f"{section}.{key}", conditions, owner)

    cycle = find_cycle(graph)
    if cycle:
        problems.append(TemplateProblem(
            cycle[0], f"Resources.{cycle[0]}",
            f"Circular dependency between resources: {' -> '.join(cycle)}"))
    return problems


def _check_references(template: dict[str, Any], logical_ids: set[str],
                      parameters: set[str]) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    sections = [("Resources", template.get("Resources") or {}),
                ("Outputs", template.get("Outputs") or {})]
    for section, entries in sections:
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            owner = key if section == "Resources" else None
            for ref in find_references(value, f"{section}.{key}"):
                if ref.kind == "GetAtt" or (ref.kind == "Sub" and ref.attribute):
                    if ref.target not in logical_ids:
                        problems.append(TemplateProblem(
                            owner, ref.path, f"{ref.kind} names '{ref.target}', which is not a"
                            " resource of this template"))
                elif ref.target not in logical_ids | parameters | PSEUDO_PARAMETERS:
                    problems.append(TemplateProblem(
                        owner, ref.path, f"{ref.kind} names '{ref.target}', which is neither a"
                        " parameter nor a resource of this template"))
    return problems

"""Template bodies arriving over the API: parse, SAM-transform, check, summarise.

A body may be plain CloudFormation (what the fogbank CLI sends, already processed) or SAM
(transformed here, local code paths resolved against the current directory).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fogbank.services.cloudformation.errors import (
    InsufficientCapabilitiesException,
    ValidationError,
)
from fogbank.templates import (
    TemplateError,
    is_sam,
    parse_template_text,
    process_template,
    resolve_parameters,
)
from fogbank.templates.checks import check_template

IAM_TYPES = frozenset({"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
                       "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::AccessKey",
                       "AWS::IAM::InstanceProfile", "AWS::IAM::UserToGroupAddition"})
NAMED_PROPERTIES = {"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
                    "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
                    "AWS::IAM::InstanceProfile": "InstanceProfileName"}


def parse_body(body: str | None) -> dict[str, Any]:
    if not body:
        raise ValidationError("Either Template URL or Template Body must be specified.")
    try:
        return parse_template_text(body)
    except TemplateError as exc:
        raise ValidationError(f"Template format error: {exc.problems[0].message}") from exc


def body_text(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2)


def process(original: dict[str, Any], supplied: dict[str, str], region: str,
            base_dir: Path | None = None) -> dict[str, Any]:
    """Plain CloudFormation for ``original``; raises ``ValidationError`` listing problems."""
    try:
        processed, problems = process_template(original, base_dir or Path.cwd(), supplied, region)
    except TemplateError as exc:
        problems, processed = exc.problems, None
    if problems or processed is None:
        detail = "; ".join(str(problem) for problem in problems) or "transform failed"
        raise ValidationError(f"Transform AWS::Serverless-2016-10-31 failed with: {detail}")
    structural = check_template(processed)
    if structural:
        detail = "; ".join(str(problem) for problem in structural)
        raise ValidationError(f"Template format error: {detail}")
    return processed


def parameter_values(template: dict[str, Any], supplied: dict[str, str]) -> dict[str, Any]:
    values, problems = resolve_parameters(template.get("Parameters"), supplied)
    if problems:
        raise ValidationError(problems[0].message)
    return values


def required_capabilities(template: dict[str, Any]) -> tuple[list[str], str]:
    needed: list[str] = []
    reason = ""
    resources = template.get("Resources") or {}
    iam = [lid for lid, res in resources.items() if isinstance(res, dict)
           and res.get("Type") in IAM_TYPES]
    if iam:
        named = [lid for lid in iam
                 if NAMED_PROPERTIES.get(resources[lid]["Type"], "") in (
                     resources[lid].get("Properties") or {})]
        needed.append("CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM")
        reason = ("The following resource(s) require capabilities: "
                  f"[{', '.join(sorted({resources[lid]['Type'] for lid in iam}))}]")
    return needed, reason


def check_capabilities(original: dict[str, Any], processed: dict[str, Any],
                       granted: list[str] | None) -> None:
    granted_set = set(granted or [])
    needed, _ = required_capabilities(processed)
    if is_sam(original):
        needed.append("CAPABILITY_AUTO_EXPAND")
    if "CAPABILITY_NAMED_IAM" in granted_set:
        granted_set.add("CAPABILITY_IAM")
    missing = [capability for capability in needed if capability not in granted_set]
    if missing:
        raise InsufficientCapabilitiesException(f"Requires capabilities : [{', '.join(missing)}]")


def summary_parameters(template: dict[str, Any], *, with_types: bool) -> list[dict[str, Any]]:
    found = []
    for name, spec in (template.get("Parameters") or {}).items():
        if not isinstance(spec, dict):
            continue
        entry: dict[str, Any] = {"ParameterKey": name,
                                 "NoEcho": str(spec.get("NoEcho", "false")).lower() == "true"}
        if "Default" in spec:
            default = spec["Default"]
            entry["DefaultValue"] = ",".join(map(str, default)) if isinstance(
                default, list) else str(default)
        if "Description" in spec:
            entry["Description"] = str(spec["Description"])
        if with_types:
            entry["ParameterType"] = str(spec.get("Type", "String"))
            if isinstance(spec.get("AllowedValues"), list):
                entry["ParameterConstraints"] = {
                    "AllowedValues": [str(value) for value in spec["AllowedValues"]]}
        found.append(entry)
    return found


def declared_transforms(template: dict[str, Any]) -> list[str]:
    transform = template.get("Transform")
    if transform is None:
        return []
    return [str(item) for item in (transform if isinstance(transform, list) else [transform])]

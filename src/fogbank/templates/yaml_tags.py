"""Parse CloudFormation YAML/JSON text into plain data, short tags turned into long form.

``!Ref X`` → ``{"Ref": "X"}``, ``!GetAtt A.B`` → ``{"Fn::GetAtt": ["A", "B"]}``,
``!Condition C`` → ``{"Condition": "C"}``, every other ``!Name v`` → ``{"Fn::Name": v}``.
Date-like scalars (``AWSTemplateFormatVersion: 2010-09-09``) stay strings, as in CloudFormation.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from fogbank.templates.problems import TemplateError, TemplateProblem

_FN_TAGS = (
    "Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not", "FindInMap",
    "GetAZs", "Base64", "ImportValue", "Cidr", "Transform", "ToJsonString", "Length",
)


class CfnLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader that knows CloudFormation's short tags, keeps timestamps as strings and
    rejects duplicate keys (CloudFormation does; PyYAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            if isinstance(key, str):
                seen.add(key)
        return dict(super().construct_mapping(node, deep=deep))


CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_node(loader: CfnLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise yaml.constructor.ConstructorError(None, None, "unexpected node", node.start_mark)


def _ref(loader: CfnLoader, node: yaml.Node) -> Any:
    return {"Ref": _construct_node(loader, node)}


def _condition(loader: CfnLoader, node: yaml.Node) -> Any:
    return {"Condition": _construct_node(loader, node)}


def _get_att(loader: CfnLoader, node: yaml.Node) -> Any:
    value = _construct_node(loader, node)
    if isinstance(value, str):
        logical_id, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [logical_id, attribute]}
    return {"Fn::GetAtt": value}


def _make_fn(name: str) -> Any:
    def construct(loader: CfnLoader, node: yaml.Node) -> Any:
        return {f"Fn::{name}": _construct_node(loader, node)}

    return construct


CfnLoader.add_constructor("!Ref", _ref)
CfnLoader.add_constructor("!Condition", _condition)
CfnLoader.add_constructor("!GetAtt", _get_att)
for _name in _FN_TAGS:
    CfnLoader.add_constructor(f"!{_name}", _make_fn(_name))


def parse_template_text(text: str, source: str = "template") -> dict[str, Any]:
    """Parse JSON or YAML template text; raises ``TemplateError`` with the line number."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateError([TemplateProblem(
                None, "", f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, "
                f"column {exc.colno})")]) from exc
    else:
        try:
            document = yaml.load(text, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise TemplateError([TemplateProblem(
                None, "", f"{source} is not valid YAML: {exc.problem or exc}{where}")]) from exc
        except yaml.YAMLError as exc:
            raise TemplateError([TemplateProblem(
                None, "", f"{source} is not valid YAML: {exc}")]) from exc
    if not isinstance(document, dict):
        raise TemplateError([TemplateProblem(
            None, "", f"{source} must be a mapping with a Resources section")])
    return document

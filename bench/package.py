"""What ``aws cloudformation package`` does, for a peer that needs function code in S3.

Read the template (CloudFormation short tags such as ``!Ref`` become their long form), zip each
local ``CodeUri`` directory, upload it through the peer's own S3 API, and return the template as
JSON with every local ``CodeUri`` replaced by ``s3://bucket/key``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any, Protocol

import yaml

SERVERLESS_FUNCTION = "AWS::Serverless::Function"


class ObjectStore(Protocol):
    """The part of a boto3 S3 client the packager uses."""

    def put_object(self, *, Bucket: str, Key: str, Body: bytes) -> Any: ...


class _CfnLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type hints
    """Safe YAML loader: ``!Name value`` becomes ``{"Fn::Name": value}``, ``!Ref x`` a Ref."""


def _short_tag(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref" or tag_suffix == "Condition":
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_tag)
# CloudFormation keeps `2010-09-09` a string; YAML would make it a date.
_CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_template(path: Path) -> dict[str, Any]:
    loaded = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} is not a CloudFormation template (top level is not a map)")
    return loaded


def zip_directory(directory: Path) -> bytes:
    """A deterministic zip of ``directory`` (sorted names, fixed timestamps)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in directory.rglob("*") if p.is_file()):
            if "__pycache__" in file.parts:
                continue
            info = zipfile.ZipInfo(file.relative_to(directory).as_posix(), (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _code_uri_holders(template: dict[str, Any]) -> list[dict[str, Any]]:
    holders: list[dict[str, Any]] = []
    global_function = template.get("Globals", {}).get("Function")
    if isinstance(global_function, dict):
        holders.append(global_function)
    for resource in template.get("Resources", {}).values():
        if isinstance(resource, dict) and resource.get("Type") == SERVERLESS_FUNCTION:
            holders.append(resource.setdefault("Properties", {}))
    return holders


def package(template_path: Path, store: ObjectStore, bucket: str) -> str:
    """Upload the template's local code and return the packaged template as JSON text."""
    template = load_template(template_path)
    for holder in _code_uri_holders(template):
        code_uri = holder.get("CodeUri")
        if not isinstance(code_uri, str) or code_uri.startswith("s3://"):
            continue
        code_dir = (template_path.parent / code_uri).resolve()
        if not code_dir.is_dir():
            raise ValueError(f"CodeUri {code_uri!r} in {template_path} is not a directory")
        body = zip_directory(code_dir)
        key = f"{hashlib.sha256(body).hexdigest()}.zip"
        store.put_object(Bucket=bucket, Key=key, Body=body)
        holder["CodeUri"] = f"s3://{bucket}/{key}"
    return json.dumps(template)

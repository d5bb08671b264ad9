"""CloudFormation dynamic references: ``{{resolve:ssm:...}}``, ``{{resolve:ssm-secure:...}}``
and ``{{resolve:secretsmanager:...}}`` inside any string of a resource's resolved properties.

The engine calls ``resolve_dynamic_references`` on the properties just before a handler
creates or updates the resource, so stored properties, stack events and change detection
keep the reference text (as AWS does: a new parameter value alone does not update a stack).
Values are read through the internal client exactly as CloudFormation reads them:
SSM ``GetParameter`` and Secrets Manager ``GetSecretValue``.

Forms::

    {{resolve:ssm:name}}  {{resolve:ssm:name:version}}
    {{resolve:ssm-secure:name}}  {{resolve:ssm-secure:name:version}}
    {{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}
        (secret-id a name or full ARN; every segment after it optional)

Deviation: AWS accepts ``ssm-secure`` only in a list of supported properties; fogbank resolves
it anywhere.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.cloudformation.engine.errors import ResourceFailure

DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:(ssm|ssm-secure|secretsmanager):(.*?)\}\}")
ARN_PARTS = 7  # arn:aws:secretsmanager:<region>:<account>:secret:<name-suffix>


async def resolve_dynamic_references(value: Any, client: InternalClient) -> Any:
    """``value`` with every dynamic reference replaced by what it names; raises
    ``ResourceFailure`` with CloudFormation's message when one cannot be resolved."""
    if isinstance(value, str):
        if "{{resolve:" not in value:
            return value
        return await _resolve_string(value, client)
    if isinstance(value, dict):
        return {key: await resolve_dynamic_references(item, client)
                for key, item in value.items()}
    if isinstance(value, list):
        return [await resolve_dynamic_references(item, client) for item in value]
    return value


async def _resolve_string(text: str, client: InternalClient) -> str:
    pieces: list[str] = []
    position = 0
    for match in DYNAMIC_REFERENCE.finditer(text):
        pieces.append(text[position:match.start()])
        service, reference = match.group(1), match.group(2)
        if service == "secretsmanager":
            pieces.append(await _secret(reference, client))
        else:
            pieces.append(await _parameter(service, reference, client))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


async def _parameter(service: str, reference: str, client: InternalClient) -> str:
    name, _, version = reference.rpartition(":")
    if not name or not version.isdigit():
        name, version = reference, ""
    selector = f"{name}:{version}" if version else name
    try:
        result = await client.call("ssm", "GetParameter", {
            "Name": selector, "WithDecryption": service == "ssm-secure"})
    except ServiceError as error:
        if error.error_code in ("ParameterNotFound", "ParameterVersionNotFound",
                                "ValidationException"):
            raise ResourceFailure(f"Parameters: [{service}:{selector}] cannot be found.") from error
        raise ResourceFailure(error.message) from error
    parameter = result["Parameter"]
    if service == "ssm" and parameter.get("Type") == "SecureString":
        raise ResourceFailure(f"Parameters [{name}] referenced by template have types not"
                              " supported by CloudFormation.")
    return str(parameter["Value"])


async def _secret(reference: str, client: InternalClient) -> str:
    parts = reference.split(":")
    split_at = ARN_PARTS if reference.startswith("arn:") else 1
    secret_id = ":".join(parts[:split_at])
    rest = parts[split_at:] + [""] * 4
    value_type, json_key, stage, version_id = rest[:4]
    if value_type not in ("", "SecretString"):
        raise ResourceFailure(f"Invalid dynamic reference {{{{resolve:secretsmanager:"
                              f"{reference}}}}}: only SecretString is supported as the"
                              " secret value type")
    if stage and version_id:
        raise ResourceFailure("You can't specify both version-stage and version-id in a"
                              f" dynamic reference: {{{{resolve:secretsmanager:{reference}}}}}")
    params: dict[str, Any] = {"SecretId": secret_id}
    if stage:
        params["VersionStage"] = stage
    if version_id:
        params["VersionId"] = version_id
    try:
        result = await client.call("secretsmanager", "GetSecretValue", params)
    except ServiceError as error:
        raise ResourceFailure(error.message) from error
    secret_string = result.get("SecretString")
    if secret_string is None:
        raise ResourceFailure(f"Secret {secret_id} has no SecretString; dynamic references"
                              " can only read SecretString values")
    if not json_key:
        return str(secret_string)
    try:
        document = json.loads(secret_string)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ResourceFailure(f"The SecretString of secret {secret_id} is not a JSON object,"
                              f" so it has no key {json_key}")
    if json_key not in document:
        raise ResourceFailure(f"Could not find key {json_key} in the SecretString of secret"
                              f" {secret_id}")
    found = document[json_key]
    return found if isinstance(found, str) else json.dumps(found)

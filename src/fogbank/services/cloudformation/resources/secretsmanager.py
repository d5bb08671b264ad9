"""AWS::SecretsManager::Secret → secretsmanager CreateSecret / UpdateSecret / TagResource /
DeleteSecret, with ``GenerateSecretString`` through GetRandomPassword.

Ref and ``Fn::GetAtt Id`` give the secret's ARN. Without ``SecretString`` or
``GenerateSecretString`` the secret gets a generated 32-character password, as
CloudFormation does. A stack deletes its secrets without a recovery window.
"""

from __future__ import annotations

import json
import string
from typing import Any

from fogbank.services.cloudformation.engine.errors import ResourceFailure
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    drop_none,
    tags_dict,
)

NAME_SUFFIX_ALPHABET = string.ascii_letters + string.digits
PASSWORD_OPTIONS = ("PasswordLength", "ExcludeCharacters", "ExcludeLowercase",
                    "ExcludeNumbers", "ExcludePunctuation", "ExcludeUppercase", "IncludeSpace",
                    "RequireEachIncludedType")


def _invalid(request: ResourceRequest, message: str) -> ResourceFailure:
    return ResourceFailure(f"Properties validation failed for resource {request.logical_id}"
                           f" with message: {message}")


class SecretHandler(ResourceHandler):
    resource_type = "AWS::SecretsManager::Secret"
    replace_on = frozenset({"Name"})

    async def _secret_string(self, request: ResourceRequest,
                             services: HandlerServices) -> str:
        props = request.properties
        generate = props.get("GenerateSecretString")
        if props.get("SecretString") is not None:
            if generate is not None:
                raise _invalid(request, "#: only 1 subschema matches out of 2 (SecretString"
                                        " and GenerateSecretString are mutually exclusive)")
            return str(props["SecretString"])
        spec = generate if isinstance(generate, dict) else {}
        template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
        if (template is None) != (key is None):
            raise _invalid(request, "#/GenerateSecretString: SecretStringTemplate and"
                                    " GenerateStringKey must be specified together")
        options = {name: _option(name, spec[name]) for name in PASSWORD_OPTIONS if name in spec}
        result = await services.client.call("secretsmanager", "GetRandomPassword", options)
        password = str(result["RandomPassword"])
        if template is None:
            return password
        try:
            document = json.loads(str(template))
        except ValueError as error:
            raise _invalid(request, "#/GenerateSecretString/SecretStringTemplate: not a JSON"
                                    " object") from error
        if not isinstance(document, dict):
            raise _invalid(request, "#/GenerateSecretString/SecretStringTemplate: not a JSON"
                                    " object")
        document[str(key)] = password
        return json.dumps(document)

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = str(props.get("Name") or
                   f"{request.logical_id}-{services.ids.short(12, NAME_SUFFIX_ALPHABET)}")
        tags = tags_dict(props.get("Tags")) or {}
        params = drop_none({
            "Name": name, "Description": props.get("Description"),
            "KmsKeyId": props.get("KmsKeyId"),
            "SecretString": await self._secret_string(request, services),
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()] or None,
        })
        result = await services.client.call("secretsmanager", "CreateSecret", params)
        arn = str(result["ARN"])
        return ResourceResult(arn, {"Id": arn})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        arn = str(request.physical_id)
        props, old = request.properties, request.old_properties or {}
        params: dict[str, Any] = {"SecretId": arn}
        for name in ("Description", "KmsKeyId"):
            if props.get(name) != old.get(name) and props.get(name) is not None:
                params[name] = props[name]
        if any(props.get(name) != old.get(name)
               for name in ("SecretString", "GenerateSecretString")):
            params["SecretString"] = await self._secret_string(request, services)
        if len(params) > 1:
            await services.client.call("secretsmanager", "UpdateSecret", params)
        old_tags = tags_dict(old.get("Tags")) or {}
        new_tags = tags_dict(props.get("Tags")) or {}
        removed = [key for key in old_tags if key not in new_tags]
        if removed:
            await services.client.call("secretsmanager", "UntagResource",
                                       {"SecretId": arn, "TagKeys": removed})
        changed = {key: value for key, value in new_tags.items() if old_tags.get(key) != value}
        if changed:
            await services.client.call("secretsmanager", "TagResource", {
                "SecretId": arn, "Tags": [{"Key": k, "Value": v} for k, v in changed.items()]})
        return ResourceResult(arn, {"Id": arn})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("secretsmanager", "DeleteSecret", {
            "SecretId": request.physical_id, "ForceDeleteWithoutRecovery": True})


def _option(name: str, value: Any) -> Any:
    """Template values arrive as strings or native types; the API wants ints and bools."""
    if name == "PasswordLength":
        return int(str(value))
    if name == "ExcludeCharacters":
        return str(value)
    return value if isinstance(value, bool) else str(value).lower() == "true"


SECRETSMANAGER_HANDLERS: list[ResourceHandler] = [SecretHandler()]

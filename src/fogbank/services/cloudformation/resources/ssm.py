"""AWS::SSM::Parameter → ssm PutParameter / AddTagsToResource / DeleteParameter.

Ref gives the parameter name, ``Fn::GetAtt`` ``Type`` and ``Value``. CloudFormation accepts
only ``String`` and ``StringList`` here (a SecureString cannot be made by a template).
"""

from __future__ import annotations

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

TYPES = ("String", "StringList")
NAME_SUFFIX_ALPHABET = string.ascii_letters + string.digits


class ParameterHandler(ResourceHandler):
    resource_type = "AWS::SSM::Parameter"
    replace_on = frozenset({"Name"})

    def _params(self, request: ResourceRequest, name: str) -> dict[str, Any]:
        props = request.properties
        kind = props.get("Type")
        if kind not in TYPES:
            raise ResourceFailure(
                f"Properties validation failed for resource {request.logical_id} with message:"
                f" #/Type: {kind} is not a valid enum value; expected one of String,"
                " StringList (SecureString parameters cannot be created by CloudFormation)")
        if props.get("Value") is None:
            raise ResourceFailure(
                f"Properties validation failed for resource {request.logical_id} with message:"
                " #: required key [Value] not found")
        return drop_none({
            "Name": name, "Type": kind, "Value": str(props["Value"]),
            "Description": props.get("Description"),
            "AllowedPattern": props.get("AllowedPattern"), "Tier": props.get("Tier"),
            "DataType": props.get("DataType"),
        })

    def _result(self, name: str, params: dict[str, Any]) -> ResourceResult:
        return ResourceResult(name, {"Type": params["Type"], "Value": params["Value"]})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.properties.get("Name") or
                   f"CFN-{request.logical_id}-{services.ids.short(12, NAME_SUFFIX_ALPHABET)}")
        params = self._params(request, name)
        tags = tags_dict(request.properties.get("Tags")) or {}
        if tags:
            params["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
        await services.client.call("ssm", "PutParameter", params)
        return self._result(name, params)

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.physical_id)
        params = self._params(request, name)
        await services.client.call("ssm", "PutParameter", {**params, "Overwrite": True})
        old_tags = tags_dict((request.old_properties or {}).get("Tags")) or {}
        new_tags = tags_dict(request.properties.get("Tags")) or {}
        removed = [key for key in old_tags if key not in new_tags]
        if removed:
            await services.client.call("ssm", "RemoveTagsFromResource", {
                "ResourceType": "Parameter", "ResourceId": name, "TagKeys": removed})
        changed = {key: value for key, value in new_tags.items() if old_tags.get(key) != value}
        if changed:
            await services.client.call("ssm", "AddTagsToResource", {
                "ResourceType": "Parameter", "ResourceId": name,
                "Tags": [{"Key": key, "Value": value} for key, value in changed.items()]})
        return self._result(name, params)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("ssm", "DeleteParameter", {"Name": request.physical_id})


SSM_HANDLERS: list[ResourceHandler] = [ParameterHandler()]

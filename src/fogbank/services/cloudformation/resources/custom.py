"""Custom resources (``AWS::CloudFormation::CustomResource``, ``Custom::*``) backed by Lambda.

The function gets CloudFormation's request (RequestType, ResponseURL, StackId, RequestId,
ResourceType, LogicalResourceId, PhysicalResourceId, ResourceProperties,
OldResourceProperties) through lambda ``Invoke`` and answers by PUTting to the ResponseURL,
which the provider serves; ``FAILED`` fails the resource with its Reason, ``Data`` feeds
``Fn::GetAtt``. As in AWS, scalar property values reach the function as strings.

An Update answered with a new PhysicalResourceId is a replacement: the engine sends the
Delete for the old physical id in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, or, if the stack
update rolls back, a Delete for the new one (the old one is kept).
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.cloudformation.engine.errors import ResourceFailure
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
)

CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"


def stringify(value: Any) -> Any:
    """CloudFormation passes every scalar in custom resource properties as a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [stringify(item) for item in value]
    if isinstance(value, dict):
        return {key: stringify(item) for key, item in value.items()}
    return value


class CustomResourceHandler(ResourceHandler):
    resource_type = CUSTOM_RESOURCE_TYPE
    replace_on = frozenset({"ServiceToken"})

    async def _send(self, request: ResourceRequest, services: HandlerServices,
                    request_type: str, properties: dict[str, Any],
                    physical_id: str | None = None,
                    old_properties: dict[str, Any] | None = None) -> dict[str, Any]:
        token_arn = str(properties.get("ServiceToken", ""))
        if ":lambda:" not in token_arn and ":" in token_arn:
            raise ResourceFailure(f"ServiceToken {token_arn} is not a Lambda function; only"
                                  " Lambda-backed custom resources are supported")
        if not token_arn:
            raise ResourceFailure("Custom resource requires a ServiceToken")
        request_id = services.ids.uuid()
        token = services.ids.hex(32)
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": token_arn,
            "ResponseURL": services.custom_responses.response_url(token),
            "StackId": request.stack_id,
            "RequestId": request_id,
            "LogicalResourceId": request.logical_id,
            "ResourceType": request.resource_type,
            "ResourceProperties": stringify(properties),
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old_properties is not None:
            event["OldResourceProperties"] = stringify(old_properties)
        services.custom_responses.expect(token)
        try:
            result = await services.client.call("lambda", "Invoke", {
                "FunctionName": token_arn, "InvocationType": "RequestResponse",
                "Payload": json.dumps(event).encode()})
            response = services.custom_responses.poll(token)
            if response is None and result.get("FunctionError"):
                raise ResourceFailure(
                    f"The custom resource function failed ({result['FunctionError']}) without"
                    f" sending a response: {_payload_text(result.get('Payload'))}")
            if response is None:
                try:
                    response = await services.custom_responses.wait(
                        token, services.custom_resource_timeout_s)
                except TimeoutError as exc:
                    raise ResourceFailure(
                        "CloudFormation did not receive a response from your Custom Resource."
                        f" Please check your logs for requestId [{request_id}].") from exc
        finally:
            services.custom_responses.discard(token)
        if str(response.get("Status", "")).upper() != "SUCCESS":
            raise ResourceFailure(
                f"Received response status [{response.get('Status')}] from custom resource."
                f" Message returned: {response.get('Reason', '')} (RequestId: {request_id})")
        return response

    @staticmethod
    def _result(response: dict[str, Any], fallback_id: str) -> ResourceResult:
        data = response.get("Data") or {}
        attributes = dict(data) if isinstance(data, dict) else {}
        return ResourceResult(str(response.get("PhysicalResourceId") or fallback_id), attributes)

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        response = await self._send(request, services, "Create", request.properties)
        return self._result(response, f"{request.logical_id}-{services.ids.upper(12)}")

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        old_id = str(request.physical_id)
        response = await self._send(request, services, "Update", request.properties,
                                    physical_id=old_id, old_properties=request.old_properties)
        result = self._result(response, old_id)
        # A new physical id means replacement. As in AWS, the old resource gets its Delete
        # only in the cleanup phase (the engine's), so a rollback can still return to it.
        result.replaced = result.physical_id != old_id
        return result

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await self._send(request, services, "Delete", request.properties,
                         physical_id=request.physical_id)


def _payload_text(payload: Any) -> str:
    if hasattr(payload, "read"):
        payload = payload.read()
    if isinstance(payload, bytes):
        return payload.decode(errors="replace")
    return str(payload)

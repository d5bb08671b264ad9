"""Resources fogbank does not emulate: no service is called, stable placeholder values.

``Ref`` gives ``<logicalId>-<stable hash>``; ``Fn::GetAtt`` gives a fake ARN for ``Arn``-like
attributes, the same name for ``Name``-like ones (``QueueName``, ``TopicName``) and
``<logicalId>-<stable hash>.<Attribute>`` otherwise, so the rest of the stack can still
resolve and run.
"""

from __future__ import annotations

from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    stable_token,
)


def placeholder_id(request: ResourceRequest) -> str:
    return f"{request.logical_id}-{stable_token(request.stack_name, request.logical_id)}"


def placeholder_attribute(request: ResourceRequest, physical_id: str, attribute: str) -> str:
    if attribute == "Arn" or attribute.endswith("Arn"):
        parts = request.resource_type.split("::")
        service = parts[1].lower() if len(parts) > 2 else "unknown"
        return (f"arn:{request.partition}:{service}:{request.region}:{request.account_id}:"
                f"{physical_id}")
    if attribute == "Name" or attribute.endswith("Name"):
        return physical_id
    return f"{physical_id}.{attribute}"


class PlaceholderHandler(ResourceHandler):
    """Any resource type without a handler."""

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return ResourceResult(placeholder_id(request), {})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return ResourceResult(request.physical_id or placeholder_id(request), {})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        return None


class WaitConditionHandleHandler(ResourceHandler):
    """``AWS::CloudFormation::WaitConditionHandle``: nothing to create; Ref is a presigned
    URL-like string in AWS (here an edge URL no one needs to call)."""

    resource_type = "AWS::CloudFormation::WaitConditionHandle"

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        token = stable_token(request.stack_id, request.logical_id, length=24).lower()
        return ResourceResult(services.custom_responses.response_url(f"wait-{token}"), {})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return ResourceResult(request.physical_id or "", {})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        return None

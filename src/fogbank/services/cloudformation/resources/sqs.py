"""AWS::SQS::Queue, AWS::SQS::QueuePolicy and AWS::SQS::QueueInlinePolicy → sqs CreateQueue /
SetQueueAttributes / TagQueue / DeleteQueue.

``Ref`` of a queue is its URL; ``GetAtt`` gives Arn, QueueName and QueueUrl. A new name or a
change of FifoQueue replaces the queue; other properties change in place, and a property
removed from the template goes back to its default, as CloudFormation does.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.engine.errors import NeedsReplacement
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    physical_name,
    stable_token,
    tags_dict,
)

QUEUE_ATTRIBUTES = ("ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds",
                    "FifoQueue", "FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds",
                    "KmsMasterKeyId", "MaximumMessageSize", "MessageRetentionPeriod",
                    "ReceiveMessageWaitTimeSeconds", "RedriveAllowPolicy", "RedrivePolicy",
                    "SqsManagedSseEnabled", "VisibilityTimeout")
DEFAULTS = {"DelaySeconds": "0", "MaximumMessageSize": "1048576",
            "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0",
            "VisibilityTimeout": "30", "RedrivePolicy": "", "RedriveAllowPolicy": "",
            "KmsDataKeyReusePeriodSeconds": "300", "KmsMasterKeyId": "",
            "SqsManagedSseEnabled": "true", "ContentBasedDeduplication": "false",
            "DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def queue_attributes(props: dict[str, Any]) -> dict[str, str]:
    return {name: _text(props[name]) for name in QUEUE_ATTRIBUTES
            if props.get(name) is not None}


def _is_fifo(props: dict[str, Any]) -> bool:
    return _text(props.get("FifoQueue", "false")).lower() == "true"


def _missing_queue(error: ServiceError) -> bool:
    return error.error_code == "QueueDoesNotExist"


class QueueHandler(ResourceHandler):
    resource_type = "AWS::SQS::Queue"
    replace_on = frozenset({"QueueName", "FifoQueue"})

    def _result(self, request: ResourceRequest, url: str) -> ResourceResult:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        arn = f"arn:{request.partition}:sqs:{request.region}:{request.account_id}:{name}"
        return ResourceResult(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = props.get("QueueName")
        if not name:
            fifo = _is_fifo(props)
            name = physical_name(request, services, 75 if fifo else 80)
            if fifo:
                name += ".fifo"
        params: dict[str, Any] = {"QueueName": str(name)}
        attributes = queue_attributes(props)
        if attributes:
            params["Attributes"] = attributes
        tags = tags_dict(props.get("Tags"))
        if tags:
            params["tags"] = tags
        result = await services.client.call("sqs", "CreateQueue", params)
        return self._result(request, str(result["QueueUrl"]))

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        old = request.old_properties or {}
        for member in self.replace_on:
            if _text(props.get(member, "")) != _text(old.get(member, "")):
                raise NeedsReplacement()
        url = str(request.physical_id)
        new_attributes = queue_attributes(props)
        changes = {name: value for name, value in new_attributes.items()
                   if value != queue_attributes(old).get(name) and name != "FifoQueue"}
        for name in queue_attributes(old):
            if name not in new_attributes and name in DEFAULTS:
                if name in ("ContentBasedDeduplication", "DeduplicationScope",
                            "FifoThroughputLimit") and not _is_fifo(props):
                    continue
                changes[name] = DEFAULTS[name]
        if changes:
            await services.client.call("sqs", "SetQueueAttributes",
                                       {"QueueUrl": url, "Attributes": changes})
        new_tags = tags_dict(props.get("Tags")) or {}
        old_tags = tags_dict(old.get("Tags")) or {}
        removed = [key for key in old_tags if key not in new_tags]
        if removed:
            await services.client.call("sqs", "UntagQueue", {"QueueUrl": url,
                                                             "TagKeys": removed})
        added = {key: value for key, value in new_tags.items() if old_tags.get(key) != value}
        if added:
            await services.client.call("sqs", "TagQueue", {"QueueUrl": url, "Tags": added})
        return self._result(request, url)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await services.client.call("sqs", "DeleteQueue", {"QueueUrl": request.physical_id})
        except ServiceError as error:
            if not _missing_queue(error):
                raise


class QueuePolicyHandler(ResourceHandler):
    resource_type = "AWS::SQS::QueuePolicy"

    async def _set(self, urls: list[str], policy: str, services: HandlerServices,
                   *, ignore_missing: bool = False) -> None:
        for url in urls:
            try:
                await services.client.call("sqs", "SetQueueAttributes",
                                           {"QueueUrl": url, "Attributes": {"Policy": policy}})
            except ServiceError as error:
                if not (ignore_missing and _missing_queue(error)):
                    raise

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        await self._set([str(url) for url in props.get("Queues") or []],
                        _text(props.get("PolicyDocument") or {}), services)
        token = stable_token(request.stack_id, request.logical_id)
        return ResourceResult(f"{request.stack_name}-{request.logical_id}-{token}")

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        new_urls = [str(url) for url in request.properties.get("Queues") or []]
        old_urls = [str(url) for url in (request.old_properties or {}).get("Queues") or []]
        await self._set([url for url in old_urls if url not in new_urls], "", services,
                        ignore_missing=True)
        await self._set(new_urls, _text(request.properties.get("PolicyDocument") or {}),
                        services)
        return ResourceResult(str(request.physical_id))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await self._set([str(url) for url in request.properties.get("Queues") or []], "",
                        services, ignore_missing=True)


class QueueInlinePolicyHandler(QueuePolicyHandler):
    """The one-queue form: ``Queue`` (a URL) instead of ``Queues``."""

    resource_type = "AWS::SQS::QueueInlinePolicy"

    @staticmethod
    def _as_policy(props: dict[str, Any] | None) -> dict[str, Any]:
        props = props or {}
        return {"PolicyDocument": props.get("PolicyDocument"),
                "Queues": [props["Queue"]] if props.get("Queue") else []}

    def _request(self, request: ResourceRequest) -> ResourceRequest:
        return ResourceRequest(
            request.logical_id, request.resource_type, self._as_policy(request.properties),
            request.stack_name, request.stack_id, request.region, request.account_id,
            request.physical_id,
            self._as_policy(request.old_properties) if request.old_properties else None,
            request.old_attributes)

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return await super().create(self._request(request), services)

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return await super().update(self._request(request), services)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await super().delete(self._request(request), services)


SQS_HANDLERS: list[ResourceHandler] = [QueueHandler(), QueuePolicyHandler(),
                                       QueueInlinePolicyHandler()]

"""AWS::SNS::Topic (with its inline ``Subscription`` list), AWS::SNS::Subscription,
AWS::SNS::TopicPolicy and AWS::SNS::TopicInlinePolicy → sns CreateTopic, Subscribe,
SetTopicAttributes, SetSubscriptionAttributes, TagResource ...

Ref of a topic is its ARN (GetAtt ``TopicArn``, ``TopicName``); Ref of a subscription is its
ARN; Ref of a topic policy is a generated id.
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
    is_not_found,
    physical_name,
    stable_token,
    tags_dict,
)

# Topic property → topic attribute (set with CreateTopic / SetTopicAttributes).
TOPIC_ATTRIBUTES = ("DisplayName", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
                    "ContentBasedDeduplication", "ArchivePolicy", "DataProtectionPolicy",
                    "FifoThroughputScope", "DeliveryPolicy")
SUBSCRIPTION_ATTRIBUTES = ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                           "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn",
                           "ReplayPolicy")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _is_fifo(props: dict[str, Any]) -> bool:
    return _text(props.get("FifoTopic", "false")).lower() == "true"


def _attributes(props: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: _text(props[name]) for name in names if props.get(name) is not None}


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _inline_subscriptions(props: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(item.get("Protocol", "")), str(item.get("Endpoint", "")))
            for item in props.get("Subscription") or [] if isinstance(item, dict)]


class TopicHandler(ResourceHandler):
    resource_type = "AWS::SNS::Topic"
    replace_on = frozenset({"TopicName", "FifoTopic"})

    def _result(self, arn: str) -> ResourceResult:
        return ResourceResult(arn, {"TopicArn": arn, "TopicName": arn.rsplit(":", 1)[-1]})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        fifo = _is_fifo(props)
        name = props.get("TopicName")
        if not name:
            name = physical_name(request, services, 251 if fifo else 256)
            if fifo:
                name += ".fifo"
        attributes = _attributes(props, TOPIC_ATTRIBUTES)
        if fifo:
            attributes["FifoTopic"] = "true"
        params: dict[str, Any] = {"Name": str(name)}
        if attributes:
            params["Attributes"] = attributes
        tags = tags_dict(props.get("Tags"))
        if tags:
            params["Tags"] = _tag_list(tags)
        arn = str((await services.client.call("sns", "CreateTopic", params))["TopicArn"])
        for protocol, endpoint in _inline_subscriptions(props):
            await _subscribe(services, arn, protocol, endpoint)
        return self._result(arn)

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        old = request.old_properties or {}
        for member in self.replace_on:
            if _text(props.get(member, "")) != _text(old.get(member, "")):
                raise NeedsReplacement()
        arn = str(request.physical_id)
        new_attributes = _attributes(props, TOPIC_ATTRIBUTES)
        old_attributes = _attributes(old, TOPIC_ATTRIBUTES)
        for name in sorted(set(new_attributes) | set(old_attributes)):
            value = new_attributes.get(name)
            if value == old_attributes.get(name):
                continue
            if value is None:
                value = "false" if name == "ContentBasedDeduplication" else ""
            await services.client.call("sns", "SetTopicAttributes", {
                "TopicArn": arn, "AttributeName": name, "AttributeValue": value})
        await self._update_subscriptions(arn, old, props, services)
        new_tags = tags_dict(props.get("Tags")) or {}
        old_tags = tags_dict(old.get("Tags")) or {}
        removed = [key for key in old_tags if key not in new_tags]
        if removed:
            await services.client.call("sns", "UntagResource",
                                       {"ResourceArn": arn, "TagKeys": removed})
        added = {k: v for k, v in new_tags.items() if old_tags.get(k) != v}
        if added:
            await services.client.call("sns", "TagResource",
                                       {"ResourceArn": arn, "Tags": _tag_list(added)})
        return self._result(arn)

    async def _update_subscriptions(self, arn: str, old: dict[str, Any],
                                    props: dict[str, Any], services: HandlerServices) -> None:
        wanted = set(_inline_subscriptions(props))
        had = set(_inline_subscriptions(old))
        if wanted == had:
            return
        listed = await services.client.call("sns", "ListSubscriptionsByTopic",
                                            {"TopicArn": arn})
        for subscription in listed.get("Subscriptions", []):
            key = (subscription["Protocol"], subscription["Endpoint"])
            if key in had - wanted and subscription["SubscriptionArn"].startswith("arn:"):
                await services.client.call("sns", "Unsubscribe", {
                    "SubscriptionArn": subscription["SubscriptionArn"]})
        for protocol, endpoint in wanted - had:
            await _subscribe(services, arn, protocol, endpoint)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("sns", "DeleteTopic", {"TopicArn": request.physical_id})


async def _subscribe(services: HandlerServices, topic_arn: str, protocol: str, endpoint: str,
                     attributes: dict[str, str] | None = None) -> str:
    params: dict[str, Any] = {"TopicArn": topic_arn, "Protocol": protocol,
                              "Endpoint": endpoint, "ReturnSubscriptionArn": True}
    if attributes:
        params["Attributes"] = attributes
    result = await services.client.call("sns", "Subscribe", params)
    return str(result["SubscriptionArn"])


class SubscriptionHandler(ResourceHandler):
    resource_type = "AWS::SNS::Subscription"
    replace_on = frozenset({"TopicArn", "Protocol", "Endpoint", "Region"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        arn = await _subscribe(services, str(props.get("TopicArn", "")),
                               str(props.get("Protocol", "")), str(props.get("Endpoint", "")),
                               _attributes(props, SUBSCRIPTION_ATTRIBUTES))
        return ResourceResult(arn, {"Arn": arn})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        old = request.old_properties or {}
        for member in self.replace_on:
            if _text(props.get(member, "")) != _text(old.get(member, "")):
                raise NeedsReplacement()
        arn = str(request.physical_id)
        new_attributes = _attributes(props, SUBSCRIPTION_ATTRIBUTES)
        old_attributes = _attributes(old, SUBSCRIPTION_ATTRIBUTES)
        # The scope first: a new policy is validated against it.
        for name in sorted(set(new_attributes) | set(old_attributes),
                           key=lambda n: n != "FilterPolicyScope"):
            value = new_attributes.get(name)
            if value == old_attributes.get(name):
                continue
            if value is None:
                value = {"RawMessageDelivery": "false",
                         "FilterPolicyScope": "MessageAttributes"}.get(name, "")
            await services.client.call("sns", "SetSubscriptionAttributes", {
                "SubscriptionArn": arn, "AttributeName": name, "AttributeValue": value})
        return ResourceResult(arn, {"Arn": arn})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await services.client.call("sns", "Unsubscribe",
                                       {"SubscriptionArn": request.physical_id})
        except ServiceError as error:
            if not is_not_found(error):
                raise


class TopicPolicyHandler(ResourceHandler):
    resource_type = "AWS::SNS::TopicPolicy"

    def _topics(self, props: dict[str, Any]) -> list[str]:
        return [str(arn) for arn in props.get("Topics") or []]

    async def _set(self, topics: list[str], policy: str, services: HandlerServices,
                   *, ignore_missing: bool = False) -> None:
        for arn in topics:
            try:
                await services.client.call("sns", "SetTopicAttributes", {
                    "TopicArn": arn, "AttributeName": "Policy", "AttributeValue": policy})
            except ServiceError as error:
                if not (ignore_missing and is_not_found(error)):
                    raise

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        await self._set(self._topics(props), _text(props.get("PolicyDocument", {})), services)
        token = stable_token(request.stack_id, request.logical_id)
        return ResourceResult(f"{request.stack_name}-{request.logical_id}-{token}")

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        old_topics = self._topics(request.old_properties or {})
        new_topics = self._topics(request.properties)
        await self._set([arn for arn in old_topics if arn not in new_topics], "", services,
                        ignore_missing=True)
        await self._set(new_topics, _text(request.properties.get("PolicyDocument", {})),
                        services)
        return ResourceResult(str(request.physical_id))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await self._set(self._topics(request.properties), "", services, ignore_missing=True)


class TopicInlinePolicyHandler(TopicPolicyHandler):
    resource_type = "AWS::SNS::TopicInlinePolicy"
    replace_on = frozenset({"TopicArn"})

    def _topics(self, props: dict[str, Any]) -> list[str]:
        return [str(props["TopicArn"])] if props.get("TopicArn") else []

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        if _text(request.properties.get("TopicArn")) != _text(
                (request.old_properties or {}).get("TopicArn")):
            raise NeedsReplacement()
        return await super().update(request, services)


SNS_HANDLERS: list[ResourceHandler] = [TopicHandler(), SubscriptionHandler(),
                                       TopicPolicyHandler(), TopicInlinePolicyHandler()]

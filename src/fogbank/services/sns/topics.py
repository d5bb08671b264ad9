"""Topic operations: create/delete/list, attributes and tags."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.sns.attributes import check_topic_attribute, topic_view
from fogbank.services.sns.common import FIFO_TOPIC_NAME, TOPIC_NAME, SnsBase, page
from fogbank.services.sns.errors import (
    ResourceNotFoundException,
    TagLimitExceededException,
    invalid,
    required,
)
from fogbank.services.sns.store import Topic

MAX_TAGS = 50


def _tag_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tags or []:
        key = tag.get("Key")
        if not key or len(key) > 128:
            raise invalid("Tags Reason: Tag keys must be between 1 and 128 characters")
        value = tag.get("Value", "")
        if len(value) > 256:
            raise invalid("Tags Reason: Tag values must be at most 256 characters")
        found[key] = value
    return found


class TopicOperations(SnsBase):
    @operation("CreateTopic")
    def create_topic(self, ctx: RequestContext, *, name: str | None = None,
                     attributes: dict[str, str] | None = None,
                     tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        required(name=name)
        assert name is not None
        attributes = dict(attributes or {})
        fifo = str(attributes.get("FifoTopic", "false")).lower() == "true"
        if fifo and not FIFO_TOPIC_NAME.match(name):
            raise invalid("Fifo Topic names must end with .fifo and must be made up of only"
                          " uppercase and lowercase ASCII letters, numbers, underscores, and"
                          " hyphens, and must be between 1 and 256 characters long.")
        if not fifo and not TOPIC_NAME.match(name):
            raise invalid("Topic Name")
        stored = {key: check_topic_attribute(key, str(value), fifo=fifo, creating=True)
                  for key, value in attributes.items()}
        if not fifo:
            stored.pop("FifoTopic", None)
        tag_map = _tag_map(tags)
        arn = self.topic_arn(ctx, name)
        existing = self.store.topics.get(arn)
        if existing is not None:
            if any(existing.attributes.get(key, _default(key)) != value
                   for key, value in stored.items()):
                raise invalid("Attributes Reason: Topic already exists with different"
                              " attributes")
            if tag_map and any(existing.tags.get(k) != v for k, v in tag_map.items()):
                raise invalid("Tags Reason: Topic already exists with different tags")
            return {"TopicArn": arn}
        if len(tag_map) > MAX_TAGS:
            raise TagLimitExceededException(
                "Could not complete request: tag quota of per resource exceeded")
        self.store.put_topic(Topic(arn, name, stored, tag_map, self.clock.now()))
        return {"TopicArn": arn}

    @operation("DeleteTopic")
    def delete_topic(self, ctx: RequestContext, *, topic_arn: str | None = None,
                     **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn)
        if topic_arn in self.store.topics:
            self.store.delete_topic(topic_arn)
        return {}

    @operation("ListTopics")
    def list_topics(self, ctx: RequestContext, *, next_token: str | None = None,
                    **_: Any) -> dict[str, Any]:
        prefix = f"arn:aws:sns:{ctx.region}:{ctx.account_id}:"
        arns = [arn for arn in self.store.topics if arn.startswith(prefix)]
        chunk, token = page(arns, next_token, lambda arn: arn)
        result: dict[str, Any] = {"Topics": [{"TopicArn": arn} for arn in chunk]}
        if token:
            result["NextToken"] = token
        return result

    @operation("GetTopicAttributes")
    def get_topic_attributes(self, ctx: RequestContext, *, topic_arn: str | None = None,
                             **_: Any) -> dict[str, Any]:
        topic = self.require_topic(topic_arn)
        subs = self.store.by_topic.get(topic.arn, {}).values()
        pending = sum(1 for sub in subs if sub.pending)
        return {"Attributes": topic_view(
            arn=topic.arn, account_id=ctx.account_id, stored=topic.attributes,
            confirmed=len(subs) - pending, pending=pending,
            deleted=topic.deleted_subscriptions)}

    @operation("SetTopicAttributes")
    def set_topic_attributes(self, ctx: RequestContext, *, topic_arn: str | None = None,
                             attribute_name: str | None = None, attribute_value: str | None = None,
                             **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn, attribute_name=attribute_name)
        assert attribute_name is not None
        topic = self.require_topic(topic_arn)
        value = check_topic_attribute(attribute_name, attribute_value or "", fifo=topic.fifo,
                                      creating=False)
        attributes = dict(topic.attributes)
        if value == "" and attribute_name != "DisplayName":
            attributes.pop(attribute_name, None)
        else:
            attributes[attribute_name] = value
        topic.attributes = attributes
        self.store.put_topic(topic)
        return {}

    # -- tags ----------------------------------------------------------------------------------

    def _tagged(self, resource_arn: str | None) -> Topic:
        required(resource_arn=resource_arn)
        topic = self.store.topics.get(str(resource_arn))
        if topic is None:
            raise ResourceNotFoundException("Resource does not exist")
        return topic

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, *, resource_arn: str | None = None,
                     tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        required(resource_arn=resource_arn, tags=tags)
        topic = self._tagged(resource_arn)
        merged = {**topic.tags, **_tag_map(tags)}
        if len(merged) > MAX_TAGS:
            raise TagLimitExceededException(
                "Could not complete request: tag quota of per resource exceeded")
        topic.tags = merged
        self.store.put_topic(topic)
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, *, resource_arn: str | None = None,
                       tag_keys: list[str] | None = None,
                       **_: Any) -> dict[str, Any]:
        required(resource_arn=resource_arn, tag_keys=tag_keys)
        tag_keys = tag_keys or []
        topic = self._tagged(resource_arn)
        topic.tags = {k: v for k, v in topic.tags.items() if k not in set(tag_keys)}
        self.store.put_topic(topic)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str | None = None,
                               **_: Any) -> dict[str, Any]:
        topic = self._tagged(resource_arn)
        return {"Tags": [{"Key": k, "Value": v} for k, v in topic.tags.items()]}


def _default(name: str) -> str:
    return {"FifoTopic": "false", "ContentBasedDeduplication": "false",
            "DisplayName": ""}.get(name, "")

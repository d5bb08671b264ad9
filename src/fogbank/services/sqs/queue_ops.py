"""Queue operations: create, delete, list, look up, attributes, tags, purge."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.sqs.core import SqsCore, required
from fogbank.services.sqs.errors import (
    InvalidAttributeName,
    InvalidParameterValue,
    MissingParameter,
    PurgeQueueInProgress,
    QueueDoesNotExist,
    QueueNameExists,
)
from fogbank.services.sqs.queue_attributes import (
    READABLE_ATTRIBUTES,
    check_redrive_allow_policy,
    default_attributes,
    is_true,
    normalize,
    parse_redrive_policy,
    redrive_allows,
    validate_queue_name,
)
from fogbank.services.sqs.records import QueueRecord

PURGE_INTERVAL_S = 60
MAX_TAGS = 50
LIST_LIMIT = 1000


class QueueOperations(SqsCore):

    @operation("CreateQueue")
    def create_queue(self, ctx: RequestContext, *, queue_name: str | None = None,
                     attributes: dict[str, str] | None = None,
                     tags: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        queue_name = required("QueueName", queue_name)
        given = dict(attributes or {})
        fifo = is_true(given.get("FifoQueue"))
        if "FifoQueue" in given and not fifo and str(given["FifoQueue"]).lower() == "false":
            given.pop("FifoQueue")
        validate_queue_name(queue_name, fifo)
        wanted = normalize(given, fifo=fifo, creating=True)
        existing = self.store.queue(queue_name)
        arn = (existing.arn if existing is not None
               else f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{queue_name}")
        settings = {**default_attributes(fifo), **wanted}
        self._check_redrive(settings, arn, fifo)
        if existing is not None:
            for name in wanted:
                if not _same(existing.attributes.get(name), settings.get(name)):
                    raise QueueNameExists("A queue already exists with the same name and a "
                                          f"different value for attribute {name}")
            return {"QueueUrl": self.queue_url(existing)}
        record = self.store.create_queue(queue_name, ctx.region, ctx.account_id, settings,
                                         self._checked_tags(queue_name, {}, tags or {}),
                                         self.ctx.clock.now())
        return {"QueueUrl": self.queue_url(record)}

    def _check_redrive(self, settings: dict[str, str], source_arn: str, fifo: bool) -> None:
        """RedrivePolicy must name an existing queue of the same type that allows us;
        empty policies are dropped."""
        for name in ("RedrivePolicy", "RedriveAllowPolicy", "Policy"):
            if name in settings and settings[name] in ("", "{}"):
                settings.pop(name)
        if "RedriveAllowPolicy" in settings:
            check_redrive_allow_policy(settings["RedriveAllowPolicy"])
        text = settings.get("RedrivePolicy")
        policy = parse_redrive_policy(text)
        if policy is None:
            return
        invalid = f"Value {text} for parameter RedrivePolicy is invalid. Reason: "
        target = self.queue_from_arn(policy.dead_letter_target_arn)
        if target is None:
            raise InvalidParameterValue(invalid + "Dead letter target does not exist.")
        if target.fifo != fifo:
            raise InvalidParameterValue(
                invalid + "Dead-letter queue must be same type of queue as the source.")
        if not redrive_allows(target.attributes.get("RedriveAllowPolicy"), source_arn):
            raise InvalidParameterValue(
                invalid + "Dead letter target does not allow this queue as a source queue.")
        settings["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": policy.dead_letter_target_arn,
             "maxReceiveCount": policy.max_receive_count}, separators=(",", ":"))

    def _checked_tags(self, queue_name: str, current: dict[str, str],
                      added: dict[str, str]) -> dict[str, str]:
        for key in added:
            if not 1 <= len(key) <= 128:
                raise InvalidParameterValue(
                    "Tag keys must be between 1 and 128 characters in length.")
        merged = {**current, **{str(k): str(v) for k, v in added.items()}}
        if len(merged) > MAX_TAGS:
            raise InvalidParameterValue(f"Too many tags added for queue {queue_name}.")
        return merged

    @operation("DeleteQueue")
    def delete_queue(self, ctx: RequestContext, *, queue_url: str | None = None,
                     **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        self.store.delete_queue(record)
        self.waiters.notify(record.queue_id)
        return {}

    @operation("GetQueueUrl")
    def get_queue_url(self, ctx: RequestContext, *, queue_name: str | None = None,
                      queue_owner_aws_account_id: str | None = None,
                      **_: Any) -> dict[str, Any]:
        record = self.store.queue(required("QueueName", queue_name))
        if record is None or (queue_owner_aws_account_id
                              and queue_owner_aws_account_id != record.account_id):
            raise QueueDoesNotExist()
        return {"QueueUrl": self.queue_url(record)}

    @operation("ListQueues")
    def list_queues(self, ctx: RequestContext, *, queue_name_prefix: str | None = None,
                    next_token: str | None = None, max_results: int | None = None,
                    **_: Any) -> dict[str, Any]:
        records = [record for record in self.store.queues()
                   if record.name.startswith(queue_name_prefix or "")]
        return self._page([self.queue_url(r) for r in records], next_token, max_results,
                          "QueueUrls")

    def _page(self, urls: list[str], next_token: str | None, max_results: int | None,
              member: str) -> dict[str, Any]:
        if max_results is not None and not 1 <= max_results <= LIST_LIMIT:
            raise InvalidParameterValue(
                f"Value {max_results} for parameter MaxResults is invalid. Reason: MaxResults "
                "must be an integer between 1 and 1000.")
        start = 0
        if next_token:
            try:
                after = base64.b64decode(next_token, validate=True).decode()
            except (ValueError, binascii.Error):
                raise InvalidParameterValue("Invalid NextToken value.") from None
            start = next((i for i, url in enumerate(urls) if url > after), len(urls))
        limit = max_results or LIST_LIMIT
        page = urls[start:start + limit]
        result: dict[str, Any] = {}
        if page:
            result[member] = page
        if max_results is not None and start + limit < len(urls):
            result["NextToken"] = base64.b64encode(page[-1].encode()).decode()
        return result

    @operation("GetQueueAttributes")
    def get_queue_attributes(self, ctx: RequestContext, *, queue_url: str | None = None,
                             attribute_names: list[str] | None = None,
                             **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        names = list(attribute_names or [])
        for name in names:
            if name != "All" and name not in READABLE_ATTRIBUTES:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
        values = self.attribute_values(record)
        if "All" in names:
            chosen = values
        else:
            chosen = {name: values[name] for name in names if name in values}
        return {"Attributes": chosen} if chosen else {}

    def attribute_values(self, record: QueueRecord) -> dict[str, str]:
        counts = self.store.counts(record, self.ctx.clock.now())
        values = {
            "QueueArn": record.arn,
            "ApproximateNumberOfMessages": str(counts.visible),
            "ApproximateNumberOfMessagesNotVisible": str(counts.in_flight),
            "ApproximateNumberOfMessagesDelayed": str(counts.delayed),
            "CreatedTimestamp": str(int(record.created_at)),
            "LastModifiedTimestamp": str(int(record.modified_at)),
        }
        values.update(record.attributes)
        return values

    @operation("SetQueueAttributes")
    def set_queue_attributes(self, ctx: RequestContext, *, queue_url: str | None = None,
                             attributes: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        changes = normalize(required("Attributes", attributes), fifo=record.fifo,
                            creating=False)
        settings = {**record.attributes, **changes}
        self._check_redrive(settings, record.arn, record.fifo)
        record.attributes = settings
        record.modified_at = self.ctx.clock.now()
        self.store.save_queue(record)
        if "VisibilityTimeout" in changes or "RedrivePolicy" in changes:
            self.waiters.notify(record.queue_id)
        return {}

    @operation("TagQueue")
    def tag_queue(self, ctx: RequestContext, *, queue_url: str | None = None,
                  tags: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        if not tags:
            raise MissingParameter("Tags")
        record.tags = self._checked_tags(record.name, record.tags, tags)
        self.store.save_queue(record)
        return {}

    @operation("UntagQueue")
    def untag_queue(self, ctx: RequestContext, *, queue_url: str | None = None,
                    tag_keys: list[str] | None = None, **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        if not tag_keys:
            raise MissingParameter("TagKeys")
        record.tags = {k: v for k, v in record.tags.items() if k not in tag_keys}
        self.store.save_queue(record)
        return {}

    @operation("ListQueueTags")
    def list_queue_tags(self, ctx: RequestContext, *, queue_url: str | None = None,
                        **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        return {"Tags": dict(record.tags)} if record.tags else {}

    @operation("PurgeQueue")
    def purge_queue(self, ctx: RequestContext, *, queue_url: str | None = None,
                    **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        now = self.ctx.clock.now()
        if record.purged_at is not None and now - record.purged_at < PURGE_INTERVAL_S:
            raise PurgeQueueInProgress(f"Only one PurgeQueue operation on {record.name} is "
                                       f"allowed every {PURGE_INTERVAL_S} seconds.")
        self.store.purge(record, now)
        return {}

    @operation("ListDeadLetterSourceQueues")
    def list_dead_letter_source_queues(self, ctx: RequestContext, *, queue_url: str | None = None,
                                       next_token: str | None = None,
                                       max_results: int | None = None,
                                       **_: Any) -> dict[str, Any]:
        target = self.queue_from_url(queue_url)
        urls = [self.queue_url(record) for record in self.dead_letter_sources(target)]
        return self._page(urls, next_token, max_results, "queueUrls") or {"queueUrls": []}

    def dead_letter_sources(self, target: QueueRecord) -> list[QueueRecord]:
        sources = []
        for record in self.store.queues():
            policy = record.redrive_policy
            if policy is not None and policy.dead_letter_target_arn == target.arn:
                sources.append(record)
        return sources


def _same(current: str | None, wanted: str | None) -> bool:
    """Attribute values compare as AWS does: JSON documents by content."""
    if current == wanted:
        return True
    try:
        return bool(json.loads(current or "null") == json.loads(wanted or "null"))
    except ValueError:
        return False

"""Publish and PublishBatch: validate, pick the subscriptions whose filter policy matches,
write their outbox rows in one transaction, then hand them to the deliverer."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.core.errors import ServiceError
from fogbank.services.base import RequestContext, operation
from fogbank.services.sns.common import SnsBase
from fogbank.services.sns.delivery import DELIVERED_PROTOCOLS, INLINE_PROTOCOLS
from fogbank.services.sns.errors import (
    BatchEntryIdsNotDistinctException,
    BatchRequestTooLongException,
    EmptyBatchRequestException,
    InvalidBatchEntryIdException,
    TooManyEntriesInBatchRequestException,
    invalid,
    required,
)
from fogbank.services.sns.messages import (
    MAX_MESSAGE_BYTES,
    check_phone_number,
    check_size,
    check_subject,
    for_protocol,
    message_size,
    normalize_attributes,
    structured_messages,
)
from fogbank.services.sns.store import Subscription, Topic, sequence_number

log = logging.getLogger("fogbank.sns")

DEDUP_WINDOW_S = 300.0
DEDUP_PURGE_EVERY = 1000  # messages per FIFO topic between sweeps of expired dedup ids
MAX_BATCH_ENTRIES = 10
BATCH_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}\Z")


@dataclass
class Outgoing:
    """One validated message, before it is written."""

    messages: dict[str, str]
    subject: str | None
    attributes: dict[str, dict[str, str]]
    group_id: str | None
    dedup_id: str | None


class PublishOperations(SnsBase):
    @operation("Publish")
    async def publish(self, ctx: RequestContext, *, message: str | None = None,
                topic_arn: str | None = None,
                target_arn: str | None = None, phone_number: str | None = None,
                subject: str | None = None, message_structure: str | None = None,
                message_attributes: dict[str, Any] | None = None,
                message_deduplication_id: str | None = None,
                message_group_id: str | None = None, **_: Any) -> dict[str, Any]:
        required(message=message)
        assert message is not None
        if topic_arn and target_arn:
            raise invalid("Only one of TopicArn or TargetArn may be set")
        arn = topic_arn or target_arn
        if not arn:
            if phone_number:
                outgoing = self._prepare(message, subject, message_structure,
                                         message_attributes)
                text = for_protocol(outgoing.messages, "sms")
                check_phone_number(phone_number, text)
                log.info("SNS SMS to %s (not sent): %s", phone_number, text)
                return {"MessageId": self.ids.uuid()}
            raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
        parsed = parse_arn(arn)
        if parsed is None or parsed.service != "sns":
            raise invalid("TopicArn" if topic_arn else "TargetArn")
        topic = self.require_topic(arn, "TopicArn" if topic_arn else "TargetArn")
        outgoing = self._prepare(message, subject, message_structure, message_attributes)
        outgoing.group_id, outgoing.dedup_id = self._fifo_ids(
            topic, message, message_group_id, message_deduplication_id)
        message_id, sequence = await self._send(topic, outgoing)
        result = {"MessageId": message_id}
        if sequence:
            result["SequenceNumber"] = sequence
        return result

    def _prepare(self, message: str | None, subject: str | None, structure: str | None,
                 attributes: dict[str, Any] | None) -> Outgoing:
        if message is None or message == "":
            raise invalid("Empty message")
        check_subject(subject)
        messages = structured_messages(message, structure)
        stored = normalize_attributes(attributes)
        check_size(messages, stored)
        return Outgoing(messages, subject, stored, None, None)

    def _fifo_ids(self, topic: Topic, message: str, group_id: str | None,
                  dedup_id: str | None) -> tuple[str | None, str | None]:
        if not topic.fifo:
            if dedup_id:
                raise invalid("MessageDeduplicationId Reason: The request includes"
                              " MessageDeduplicationId parameter that is not valid for this"
                              " topic type")
            return group_id, None
        if not group_id:
            raise invalid("The MessageGroupId parameter is required for FIFO topics")
        if not dedup_id:
            if topic.attributes.get("ContentBasedDeduplication", "false") != "true":
                raise invalid("The topic should either have ContentBasedDeduplication enabled"
                              " or MessageDeduplicationId provided explicitly")
            dedup_id = hashlib.sha256(message.encode()).hexdigest()
        return group_id, dedup_id

    async def _send(self, topic: Topic, outgoing: Outgoing) -> tuple[str, str | None]:
        now = self.clock.now()
        if topic.fifo and outgoing.dedup_id:
            duplicate = self.store.duplicate_of(topic.arn, outgoing.dedup_id, now)
            if duplicate is not None:
                return duplicate
        message_id = self.ids.uuid()
        sequence: str | None = None
        if topic.fifo:
            topic.sequence += 1
            sequence = sequence_number(topic.sequence)
            if topic.sequence % DEDUP_PURGE_EVERY == 0:
                self.store.purge_dedup(now)
        items: list[tuple[str, dict[str, Any]]] = []
        inline: list[tuple[Subscription, dict[str, Any]]] = []
        attempt_now = not topic.fifo and self.deliverer.running
        payloads: dict[str, dict[str, Any]] = {}  # one per distinct text, shared by subscribers
        for subscription in self.store.by_topic.get(topic.arn, {}).values():
            if subscription.pending:
                continue
            if subscription.protocol not in DELIVERED_PROTOCOLS:
                log.info("SNS %s to %s (not sent): %s", subscription.protocol,
                         subscription.endpoint,
                         for_protocol(outgoing.messages, subscription.protocol)[:500])
                continue
            text = for_protocol(outgoing.messages, subscription.protocol)
            if subscription.filter is not None and not subscription.filter.matches(
                    outgoing.attributes, text):
                continue
            payload = payloads.get(text)
            if payload is None:
                payload = payloads[text] = {
                    "kind": "Notification", "message_id": message_id, "topic_arn": topic.arn,
                    "subject": outgoing.subject, "messages": {"default": text},
                    "attributes": outgoing.attributes, "timestamp_s": now}
                if topic.fifo:
                    payload.update(group_id=outgoing.group_id, dedup_id=outgoing.dedup_id,
                                   sequence_number=sequence)
            if attempt_now and subscription.protocol in INLINE_PROTOCOLS:
                inline.append((subscription, payload))
            else:
                items.append((subscription.arn, payload))
        if inline:
            owed = await self.deliverer.attempt_inline(inline)
            if owed:
                self.deliverer.submit(self.store.enqueue_owed(owed))
        if items or topic.fifo:
            fifo = (outgoing.dedup_id or "", message_id, now + DEDUP_WINDOW_S) \
                if topic.fifo else None
            deliveries = self.store.enqueue(items, now, fifo, topic if topic.fifo else None)
            if deliveries:
                await self.deliverer.deliver_now(deliveries)
        return message_id, sequence

    @operation("PublishBatch")
    async def publish_batch(self, ctx: RequestContext, *, topic_arn: str | None = None,
                      publish_batch_request_entries: list[dict[str, Any]] | None = None,
                      **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn,
                 publish_batch_request_entries=publish_batch_request_entries)
        topic = self.require_topic(topic_arn)
        entries = publish_batch_request_entries or []
        if not entries:
            raise EmptyBatchRequestException("The batch request doesn't contain any entries.")
        if len(entries) > MAX_BATCH_ENTRIES:
            raise TooManyEntriesInBatchRequestException(
                "The batch request contains more entries than permissible.")
        ids = [str(entry.get("Id", "")) for entry in entries]
        if len(set(ids)) != len(ids):
            raise BatchEntryIdsNotDistinctException(
                "Two or more batch entries in the request have the same Id.")
        if any(not BATCH_ENTRY_ID.match(entry_id) for entry_id in ids):
            raise InvalidBatchEntryIdException(
                "The Id of a batch entry in a batch request doesn't abide by the"
                " specification.")
        total = sum(message_size(str(entry.get("Message") or ""), {}) for entry in entries)
        if total > MAX_MESSAGE_BYTES:
            raise BatchRequestTooLongException(
                "The length of all the messages put together is more than the limit.")
        if topic.fifo and any(not entry.get("MessageGroupId") for entry in entries):
            raise invalid("The MessageGroupId parameter is required for FIFO topics")
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for entry in entries:
            try:
                outgoing = self._prepare(entry.get("Message"), entry.get("Subject"),
                                         entry.get("MessageStructure"),
                                         entry.get("MessageAttributes"))
                outgoing.group_id, outgoing.dedup_id = self._fifo_ids(
                    topic, str(entry.get("Message")), entry.get("MessageGroupId"),
                    entry.get("MessageDeduplicationId"))
                message_id, sequence = await self._send(topic, outgoing)
            except ServiceError as error:
                failed.append({"Id": entry["Id"], "Code": error.error_code,
                               "Message": error.message, "SenderFault": True})
                continue
            done: dict[str, Any] = {"Id": entry["Id"], "MessageId": message_id}
            if sequence:
                done["SequenceNumber"] = sequence
            successful.append(done)
        return {"Successful": successful, "Failed": failed}

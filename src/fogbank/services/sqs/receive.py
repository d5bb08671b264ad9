"""ReceiveMessage (with long polling), DeleteMessage and ChangeMessageVisibility.

A long poll waits on the queue's asyncio event (set by sends, visibility changes and
dead-letter moves) and, for delayed or in-flight messages, on the clock until the next one
becomes visible; it returns as soon as a receive finds something or ``WaitTimeSeconds`` of
real time has passed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import RequestContext, operation
from fogbank.services.sqs.batches import check_batch, failure
from fogbank.services.sqs.core import SqsCore, required
from fogbank.services.sqs.errors import (
    InvalidParameterValue,
    MessageNotInflight,
    QueueDoesNotExist,
)
from fogbank.services.sqs.messages import md5_of_attributes, select_attributes
from fogbank.services.sqs.queue_attributes import MAX_VISIBILITY_TIMEOUT_S, MAX_WAIT_TIME_S
from fogbank.services.sqs.records import QueueRecord, StoredMessage

STOPPING_PAUSE_S = 0.1
SYSTEM_ATTRIBUTE_NAMES = ("SenderId", "SentTimestamp", "ApproximateReceiveCount",
                          "ApproximateFirstReceiveTimestamp", "MessageGroupId",
                          "MessageDeduplicationId", "SequenceNumber", "AWSTraceHeader",
                          "DeadLetterQueueSourceArn")


class ReceiveOperations(SqsCore):

    @operation("ReceiveMessage")
    async def receive_message(self, ctx: RequestContext, *, queue_url: str | None = None,
                              attribute_names: list[str] | None = None,
                              message_system_attribute_names: list[str] | None = None,
                              message_attribute_names: list[str] | None = None,
                              max_number_of_messages: int | None = None,
                              visibility_timeout: int | None = None,
                              wait_time_seconds: int | None = None,
                              **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        limit = 1 if max_number_of_messages is None else max_number_of_messages
        if not 1 <= limit <= 10:
            raise InvalidParameterValue(
                f"Value {limit} for parameter MaxNumberOfMessages is invalid. Reason: Must be "
                "between 1 and 10, if provided.")
        if wait_time_seconds is not None and not 0 <= wait_time_seconds <= MAX_WAIT_TIME_S:
            raise InvalidParameterValue(
                f"Value {wait_time_seconds} for parameter WaitTimeSeconds is invalid. Reason: "
                "Must be >= 0 and <= 20, if provided.")
        if visibility_timeout is not None and not (
                0 <= visibility_timeout <= MAX_VISIBILITY_TIMEOUT_S):
            raise InvalidParameterValue(
                f"Value {visibility_timeout} for parameter VisibilityTimeout is invalid. "
                f"Reason: Must be >= 0 and <= {MAX_VISIBILITY_TIMEOUT_S}, if provided.")
        wait_s = (record.int_attribute("ReceiveMessageWaitTimeSeconds")
                  if wait_time_seconds is None else wait_time_seconds)
        messages = await self._receive_waiting(record, limit, visibility_timeout, wait_s)
        system_names = set(attribute_names or []) | set(message_system_attribute_names or [])
        shaped = [self._shape(record, message, system_names, message_attribute_names)
                  for message in messages]
        return {"Messages": shaped} if shaped else {}

    async def _receive_waiting(self, record: QueueRecord, limit: int,
                               visibility_s: int | None, wait_s: int) -> list[StoredMessage]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while True:
            if self.stopping:
                # Shutting down: answer empty, but never instantly, so a poller that calls
                # again at once cannot spin the event loop while the cloud stops.
                await asyncio.sleep(min(STOPPING_PAUSE_S, max(0.0, deadline - loop.time())))
                return []
            if self.store.queue(record.name) is not record:
                raise QueueDoesNotExist()
            event = self.waiters.event(record.queue_id)
            found = self.receive_now(record, limit, visibility_s)
            remaining = deadline - loop.time()
            if found or remaining <= 0:
                return found
            next_visible = self.store.next_visible_at(record, self.ctx.clock.now())
            await self._wait(event, next_visible, remaining)

    async def _wait(self, event: asyncio.Event, next_visible: float | None,
                    timeout_s: float) -> None:
        waits = [asyncio.ensure_future(event.wait())]
        if next_visible is not None:
            waits.append(asyncio.ensure_future(self.ctx.clock.sleep_until(next_visible)))
        try:
            await asyncio.wait(waits, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Cancelled, not awaited: awaiting them here would swallow a cancellation of
            # the caller that arrived meanwhile (a poller being stopped).
            for waiter in waits:
                waiter.cancel()

    def receive_now(self, record: QueueRecord, limit: int,
                    visibility_s: int | None) -> list[StoredMessage]:
        """One receive attempt without waiting (dead-letter moves happen here)."""
        policy = record.redrive_policy
        dead_letter = (self.queue_from_arn(policy.dead_letter_target_arn)
                       if policy is not None else None)
        timeout = (record.int_attribute("VisibilityTimeout") if visibility_s is None
                   else visibility_s)
        outcome = self.store.receive(record, self.ctx.clock.now(), limit, timeout,
                                     self.ctx.ids.uuid, dead_letter)
        for queue_id in outcome.moved_to:
            self.waiters.notify(queue_id)
        return outcome.messages

    def _shape(self, record: QueueRecord, message: StoredMessage, system_names: set[str],
               attribute_names: list[str] | None) -> dict[str, Any]:
        shaped: dict[str, Any] = {
            "MessageId": message.message_id,
            "ReceiptHandle": self.receipt_handle(record, message),
            "MD5OfBody": message.md5_of_body,
            "Body": message.body,
        }
        if system_names:
            everything = "All" in system_names
            values = _system_attributes(message)
            chosen = {name: value for name, value in values.items()
                      if everything or name in system_names}
            if chosen:
                shaped["Attributes"] = chosen
        attributes = select_attributes(message.message_attributes, attribute_names)
        if attributes:
            shaped["MD5OfMessageAttributes"] = md5_of_attributes(attributes)
            shaped["MessageAttributes"] = attributes
        return shaped

    @operation("DeleteMessage")
    def delete_message(self, ctx: RequestContext, *, queue_url: str | None = None,
                       receipt_handle: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        handle = required("ReceiptHandle", receipt_handle)
        self.store.delete_messages(record, [self.parse_receipt_handle(record, handle)])
        return {}

    @operation("DeleteMessageBatch")
    def delete_message_batch(self, ctx: RequestContext, *, queue_url: str | None = None,
                             entries: list[dict[str, Any]] | None = None,
                             **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        entries = check_batch(entries, "DeleteMessageBatch")
        seqs: list[int] = []
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for entry in entries:
            try:
                seqs.append(self.parse_receipt_handle(record,
                                                      str(entry.get("ReceiptHandle") or "")))
            except ServiceError as error:
                failed.append(failure(str(entry["Id"]), error))
                continue
            successful.append({"Id": str(entry["Id"])})
        self.store.delete_messages(record, seqs)
        return {"Successful": successful, "Failed": failed}

    @operation("ChangeMessageVisibility")
    def change_message_visibility(self, ctx: RequestContext, *, queue_url: str | None = None,
                                  receipt_handle: str | None = None,
                                  visibility_timeout: int | None = None,
                                  **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        update = self._visibility_update(record, required("ReceiptHandle", receipt_handle),
                                         required("VisibilityTimeout", visibility_timeout))
        self.store.set_visible_at([update])
        if visibility_timeout == 0:
            self.waiters.notify(record.queue_id)
        return {}

    @operation("ChangeMessageVisibilityBatch")
    def change_message_visibility_batch(self, ctx: RequestContext, *, queue_url: str | None = None,
                                        entries: list[dict[str, Any]] | None = None,
                                        **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        entries = check_batch(entries, "ChangeMessageVisibilityBatch")
        updates: list[tuple[int, float]] = []
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for entry in entries:
            try:
                updates.append(self._visibility_update(
                    record, str(entry.get("ReceiptHandle") or ""),
                    int(entry.get("VisibilityTimeout") or 0)))
            except ServiceError as error:
                failed.append(failure(str(entry["Id"]), error))
                continue
            successful.append({"Id": str(entry["Id"])})
        self.store.set_visible_at(updates)
        if updates:
            self.waiters.notify(record.queue_id)
        return {"Successful": successful, "Failed": failed}

    def _visibility_update(self, record: QueueRecord, receipt_handle: str,
                           visibility_timeout: int) -> tuple[int, float]:
        seq = self.parse_receipt_handle(record, receipt_handle)
        if not 0 <= visibility_timeout <= MAX_VISIBILITY_TIMEOUT_S:
            raise InvalidParameterValue(
                f"Value {visibility_timeout} for parameter VisibilityTimeout is invalid. "
                f"Reason: Must be >= 0 and <= {MAX_VISIBILITY_TIMEOUT_S}, if provided.")
        message = self.store.message(record, seq)
        if message is None:
            raise InvalidParameterValue(
                f"Value {receipt_handle} for parameter ReceiptHandle is invalid. Reason: "
                "Message does not exist or is not available for visibility timeout change.")
        now = self.ctx.clock.now()
        if message.receive_count == 0 or message.visible_at <= now:
            raise MessageNotInflight()
        first_receive = message.first_receive_at or now
        if now + visibility_timeout - first_receive > MAX_VISIBILITY_TIMEOUT_S:
            raise InvalidParameterValue(
                f"Value {visibility_timeout} for parameter VisibilityTimeout is invalid. Reason: "
                f"Total VisibilityTimeout for the message is beyond the limit "
                f"[{MAX_VISIBILITY_TIMEOUT_S} seconds]")
        return seq, now + visibility_timeout


def _system_attributes(message: StoredMessage) -> dict[str, str]:
    values = {
        "SenderId": str(message.extra.get("sender") or ""),
        "SentTimestamp": str(int(message.sent_at * 1000)),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": str(int((message.first_receive_at or 0) * 1000)),
    }
    if message.group_id is not None:
        values["MessageGroupId"] = message.group_id
    if message.dedup_id is not None:
        values["MessageDeduplicationId"] = message.dedup_id
        values["SequenceNumber"] = message.sequence_number
    trace = message.system_attributes.get("AWSTraceHeader")
    if trace is not None:
        values["AWSTraceHeader"] = str(trace.get("StringValue"))
    source = message.extra.get("dead_letter_source")
    if source:
        values["DeadLetterQueueSourceArn"] = str(source)
    return values

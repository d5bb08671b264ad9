"""SendMessage and SendMessageBatch: validate, digest, deduplicate (FIFO), store, wake
long polls."""

from __future__ import annotations

from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import RequestContext, operation
from fogbank.services.sqs.batches import check_batch, failure
from fogbank.services.sqs.core import SqsCore
from fogbank.services.sqs.errors import (
    BatchRequestTooLong,
    InvalidParameterValue,
    MissingParameter,
)
from fogbank.services.sqs.messages import (
    attributes_size,
    check_body,
    check_message_attributes,
    check_system_attributes,
    content_dedup_id,
    md5_hex,
    md5_of_attributes,
)
from fogbank.services.sqs.queue_attributes import MAX_DELAY_S, MAX_MESSAGE_BYTES, is_true
from fogbank.services.sqs.records import NewMessage, QueueRecord, sequence_number

TOKEN_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                       "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class SendOperations(SqsCore):

    @operation("SendMessage")
    def send_message(self, ctx: RequestContext, *, queue_url: str | None = None,
                     message_body: str | None = None, **params: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        message, dedup_key = self._prepare(ctx, record, {"MessageBody": message_body,
                                                         **_aws_names(params)})
        return self._store(record, [message], [dedup_key])[0]

    @operation("SendMessageBatch")
    def send_message_batch(self, ctx: RequestContext, *, queue_url: str | None = None,
                           entries: list[dict[str, Any]] | None = None,
                           **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        entries = check_batch(entries, "SendMessageBatch")
        total = 0
        for entry in entries:
            total += len(str(entry.get("MessageBody") or "").encode("utf-8"))
            try:
                total += attributes_size(check_message_attributes(entry.get(
                    "MessageAttributes")))
            except ServiceError:
                pass
        if total > MAX_MESSAGE_BYTES:
            raise BatchRequestTooLong(MAX_MESSAGE_BYTES, total)
        prepared: list[tuple[str, NewMessage, str | None]] = []
        failed: list[dict[str, Any]] = []
        for entry in entries:
            try:
                message, key = self._prepare(ctx, record, entry)
            except ServiceError as error:
                failed.append(failure(str(entry["Id"]), error))
                continue
            prepared.append((str(entry["Id"]), message, key))
        results = self._store(record, [m for _, m, _ in prepared], [k for _, _, k in prepared])
        successful = [{"Id": entry_id, **result}
                      for (entry_id, _, _), result in zip(prepared, results, strict=True)]
        return {"Successful": successful, "Failed": failed}

    def _prepare(self, ctx: RequestContext, record: QueueRecord,
                 entry: dict[str, Any]) -> tuple[NewMessage, str | None]:
        """Validate one message; returns it with its FIFO deduplication key."""
        body = check_body(entry.get("MessageBody"))
        attributes = check_message_attributes(entry.get("MessageAttributes"))
        system = check_system_attributes(entry.get("MessageSystemAttributes"))
        size = len(body.encode("utf-8")) + attributes_size(attributes)
        limit = record.int_attribute("MaximumMessageSize")
        if size > limit:
            raise InvalidParameterValue("One or more parameters are invalid. Reason: Message "
                                        f"must be shorter than {limit} bytes.")
        delay = entry.get("DelaySeconds")
        group_id = entry.get("MessageGroupId")
        dedup_id = entry.get("MessageDeduplicationId")
        dedup_key: str | None = None
        if delay is not None and not 0 <= int(delay) <= MAX_DELAY_S:
            raise InvalidParameterValue(f"Value {delay} for parameter DelaySeconds is invalid. "
                                        f"Reason: DelaySeconds must be >= 0 and <= "
                                        f"{MAX_DELAY_S}.")
        if record.fifo:
            if delay is not None and int(delay) != 0:
                raise InvalidParameterValue(
                    f"Value {delay} for parameter DelaySeconds is invalid. Reason: The request "
                    "include parameter that is not valid for this queue type.")
            if not group_id:
                raise MissingParameter("MessageGroupId")
            _check_token("MessageGroupId", group_id)
            if not dedup_id:
                if not is_true(record.attributes.get("ContentBasedDeduplication")):
                    raise InvalidParameterValue(
                        "The queue should either have ContentBasedDeduplication enabled or "
                        "MessageDeduplicationId provided explicitly")
                dedup_id = content_dedup_id(body)
            else:
                _check_token("MessageDeduplicationId", dedup_id)
            scope = record.attributes.get("DeduplicationScope", "queue")
            dedup_key = f"{group_id}\n{dedup_id}" if scope == "messageGroup" else dedup_id
        else:
            if dedup_id:
                raise InvalidParameterValue(
                    f"Value {dedup_id} for parameter MessageDeduplicationId is invalid. "
                    "Reason: The request includes a parameter that is not valid for this "
                    "queue type.")
            if group_id:
                _check_token("MessageGroupId", group_id)
        delay_s = int(delay) if delay is not None else record.int_attribute("DelaySeconds")
        message = NewMessage(
            message_id=self.ctx.ids.uuid(), body=body,
            md5_of_body=md5_hex(body.encode("utf-8")), message_attributes=attributes,
            md5_of_message_attributes=md5_of_attributes(attributes) if attributes else None,
            system_attributes=system,
            md5_of_system_attributes=md5_of_attributes(system) if system else None,
            sender_id=_sender_id(ctx),
            delay_s=delay_s, group_id=group_id, dedup_id=dedup_id)
        return message, dedup_key

    def _store(self, record: QueueRecord, messages: list[NewMessage],
               dedup_keys: list[str | None]) -> list[dict[str, Any]]:
        """Store the messages (a FIFO duplicate within five minutes is acknowledged with the
        original's id, not stored) and shape the results in entry order."""
        if not messages:
            return []
        now = self.ctx.clock.now()
        results: list[dict[str, Any]] = [{} for _ in messages]
        fresh: list[int] = []
        duplicate_of: dict[int, int] = {}
        first_with_key: dict[str, int] = {}
        for index, key in enumerate(dedup_keys):
            if key is not None:
                hit = self.store.dedup_hit(record, key, now)
                if hit is not None:
                    messages[index].message_id = hit[0]
                    results[index] = _send_result(messages[index], hit[1])
                    continue
                if key in first_with_key:
                    duplicate_of[index] = first_with_key[key]
                    continue
                first_with_key[key] = index
            fresh.append(index)
        seqs = self.store.insert(record, [messages[i] for i in fresh], now,
                                 [dedup_keys[i] for i in fresh] if record.fifo else None)
        for index, seq in zip(fresh, seqs, strict=True):
            results[index] = _send_result(messages[index],
                                          sequence_number(seq) if record.fifo else None)
        for index, original in duplicate_of.items():
            messages[index].message_id = messages[original].message_id
            results[index] = _send_result(messages[index],
                                          results[original].get("SequenceNumber"))
        if any(messages[i].delay_s == 0 for i in fresh):
            self.waiters.notify(record.queue_id)
        return results


def _send_result(message: NewMessage, sequence_number: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"MessageId": message.message_id,
                              "MD5OfMessageBody": message.md5_of_body}
    if message.md5_of_message_attributes:
        result["MD5OfMessageAttributes"] = message.md5_of_message_attributes
    if message.md5_of_system_attributes:
        result["MD5OfMessageSystemAttributes"] = message.md5_of_system_attributes
    if sequence_number:
        result["SequenceNumber"] = sequence_number
    return result


def _check_token(parameter: str, value: str) -> None:
    if len(value) > 128 or not set(value) <= TOKEN_CHARACTERS:
        raise InvalidParameterValue(
            f"Value {value} for parameter {parameter} is invalid. Reason: {parameter} can "
            "only include alphanumeric and punctuation characters. 1 to 128 in length.")


def _sender_id(ctx: RequestContext) -> str:
    return "AIDAIT2UOQQY3AUEKVGXU" if ctx.internal else ctx.account_id


def _aws_names(params: dict[str, Any]) -> dict[str, Any]:
    names = {"message_attributes": "MessageAttributes", "delay_seconds": "DelaySeconds",
             "message_system_attributes": "MessageSystemAttributes",
             "message_deduplication_id": "MessageDeduplicationId",
             "message_group_id": "MessageGroupId"}
    return {names[key]: value for key, value in params.items() if key in names}

"""Event notifications: the ``?notification`` subresource and ``notify_object_event``.

On PUT, S3 validates the configuration and proves each SQS/SNS destination by sending it an
``s3:TestEvent`` (Lambda destinations must exist). On an object change, every matching
configuration gets a ``{"Records": [record]}`` message and, with EventBridge enabled, the
default bus gets an ``aws.s3`` event; both go through the durable outbox, whose rows are
written in the same SQLite transaction as the object change (``object_event`` →
``PendingEvent.write``) and sent once it commits (``send_object_event``)."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.config import events
from fogbank.services.s3.config.delivery import Outbox, send
from fogbank.services.s3.config.errors import InvalidArgument
from fogbank.services.s3.config.notification_rules import check_notification, targets_of
from fogbank.services.s3.config.store import enqueue_in, next_sequencer_in
from fogbank.services.s3.config.subresources import SubresourceOperations

log = logging.getLogger("fogbank.s3.notifications")

_MISSING = {"queue": "The destination queue does not exist",
            "topic": "The destination topic does not exist",
            "lambda": "The destination Lambda does not exist"}


class NotificationOperations(SubresourceOperations):
    """Mixin of ``S3Provider``: notification configuration and delivery."""

    @property
    def config_outbox(self) -> Outbox:
        outbox = self.__dict__.get("_config_outbox")
        if outbox is None:
            outbox = self.__dict__["_config_outbox"] = Outbox(self.config_store,
                                                              self.ctx.client)
        return outbox

    @operation("PutBucketNotificationConfiguration")
    async def put_bucket_notification_configuration(
            self, ctx: RequestContext, *, bucket: str, notification_configuration: Any = None,
            skip_destination_validation: bool = False, **_: Any) -> dict[str, Any]:
        located = self.require_bucket(bucket)
        document = check_notification(notification_configuration or {},
                                       lambda: self.ctx.ids.short(20))
        region = str(getattr(located, "region", None) or self.ctx.region)
        for target in targets_of(document):
            if target.arn.split(":")[3] != region:
                raise InvalidArgument("The notification destination service region is not "
                                      "valid for the bucket location constraint",
                                      fields={"ArgumentName": target.arn,
                                              "ArgumentValue": target.arn})
        if not skip_destination_validation:
            await self._validate_destinations(ctx, bucket, document)
        if document:
            self.config_store.put(bucket, "notification", document)
        else:
            self.config_store.delete(bucket, "notification")
        return {}

    @operation("GetBucketNotificationConfiguration")
    def get_bucket_notification_configuration(self, ctx: RequestContext, *, bucket: str,
                                              **_: Any) -> dict[str, Any]:
        return dict(self._read(bucket, "notification") or {})

    async def _validate_destinations(self, ctx: RequestContext, bucket: str,
                                     document: dict[str, Any]) -> None:
        failures: dict[str, str] = {}
        message = events.test_event(bucket, self.ctx.clock.now(), ctx.request_id)
        for target in targets_of(document):
            if target.arn in failures:
                continue
            if target.kind == "lambda":
                refusal = await self._lambda_refusal(target.arn)
                if refusal:
                    failures[target.arn] = refusal
                continue
            try:
                await send(self.ctx.client, target.kind, target.arn, message)
            except ServiceError as exc:
                log.info("S3 notification destination %s failed validation: %s",
                         target.arn, exc)
                failures[target.arn] = _MISSING[target.kind]
        if failures:
            fields: dict[str, Any] = {}
            for index, (arn, reason) in enumerate(failures.items(), start=1):
                fields[f"ArgumentName{index}"] = arn
                fields[f"ArgumentValue{index}"] = reason
            raise InvalidArgument("Unable to validate the following destination "
                                  "configurations", fields=fields)

    async def _lambda_refusal(self, arn: str) -> str | None:
        """Why S3 could not invoke the function (it must exist and its resource policy must
        allow ``s3.amazonaws.com`` to invoke it), or None."""
        region = arn.split(":")[3]
        try:
            await self.ctx.client.call("lambda", "GetFunction", {"FunctionName": arn},
                                       region=region)
        except ServiceError:
            return _MISSING["lambda"]
        try:
            found = await self.ctx.client.call("lambda", "GetPolicy", {"FunctionName": arn},
                                               region=region)
            statements = json.loads(str(found.get("Policy") or "{}")).get("Statement") or []
        except (ServiceError, ValueError):
            statements = []
        if any(_allows_s3(statement) for statement in statements):
            return None
        return f"Not authorized to invoke function [{arn}]"

    def object_event(self, ctx: Any, bucket: str, event_name: str, *, key: str,
                     size: int | None = None, etag: str | None = None,
                     version_id: str | None = None) -> PendingEvent | None:
        """The deliveries an object change owes, to write in the change's own transaction
        (``PendingEvent.write``); None when the bucket's configuration wants none."""
        document = self.config_store.get(bucket, "notification")
        if not document:
            return None
        matching = [target for target in targets_of(document)
                    if target.matches(event_name, key)]
        eventbridge = "EventBridgeConfiguration" in document
        if not matching and not eventbridge:
            return None
        now_s = self.ctx.clock.now()
        region = str(getattr(ctx, "region", None) or self.ctx.region)
        account_id = str(getattr(ctx, "account_id", None) or self.ctx.account_id)
        request_id = str(getattr(ctx, "request_id", "") or self.ctx.ids.upper(16))

        def deliveries(sequence: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
            event = events.ObjectEvent(
                bucket=bucket, event_name=event_name, key=key, size=size, etag=etag,
                version_id=version_id, sequencer=events.sequencer_text(sequence),
                event_time_s=now_s, region=region, account_id=account_id,
                request_id=request_id, source_ip=_source_ip(ctx))
            owed: list[tuple[dict[str, Any], dict[str, Any]]] = [
                ({"kind": target.kind, "arn": target.arn},
                 {"Records": [events.notification_record(event, target.configuration_id)]})
                for target in matching]
            entry = events.eventbridge_entry(event) if eventbridge else None
            if entry is not None:
                owed.append(({"kind": "eventbridge",
                              "arn": f"arn:aws:events:{region}:{account_id}:"
                                     "event-bus/default"}, entry))
            return owed

        return PendingEvent(bucket, int(now_s) << 32, deliveries)

    async def send_object_event(self, pending: PendingEvent | None) -> None:
        """Send what ``pending`` wrote to the outbox (after its transaction committed)."""
        if pending is not None and pending.seqs:
            await self.config_outbox.deliver(pending.seqs)


class PendingEvent:
    """An object event's outbox rows, written by ``write(conn)`` inside the transaction
    that commits the object change, so a crash cannot keep the change and lose its event."""

    def __init__(self, bucket: str, floor: int,
                 deliveries: Callable[[int], list[tuple[dict[str, Any], dict[str, Any]]]]
                 ) -> None:
        self.bucket = bucket
        self._floor = floor
        self._deliveries = deliveries
        self.seqs: list[int] = []

    def write(self, conn: sqlite3.Connection) -> None:
        sequence = next_sequencer_in(conn, self.bucket, self._floor)
        self.seqs = enqueue_in(conn, self._deliveries(sequence))


def _source_ip(ctx: Any) -> str:
    headers = getattr(ctx, "headers", None) or {}
    forwarded = str(headers.get("x-forwarded-for", "")).split(",")[0].strip()
    return forwarded or "127.0.0.1"


def _allows_s3(statement: Any) -> bool:
    if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    services = principal.get("Service") if isinstance(principal, dict) else principal
    services = services if isinstance(services, list) else [services]
    actions = statement.get("Action")
    actions = actions if isinstance(actions, list) else [actions]
    return (any(name in ("s3.amazonaws.com", "*") for name in services)
            and any(action in ("lambda:InvokeFunction", "lambda:*", "*") for action in actions))

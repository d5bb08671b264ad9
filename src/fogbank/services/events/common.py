"""What every EventBridge operation module shares: the provider's state, names and ARNs,
validation helpers and pagination."""

from __future__ import annotations

import json
import re
from typing import Any

from fogbank.core.clock import Clock
from fogbank.core.errors import ServiceError
from fogbank.services.base import Provider, RequestContext, ServiceContext
from fogbank.services.events import targets as target_delivery
from fogbank.services.events.errors import ValidationException, bus_not_found
from fogbank.services.events.outbox import Delivery, Outbox
from fogbank.services.events.store import EventsStore

DEFAULT_BUS = "default"
RULE_NAME = re.compile(r"[\.\-_A-Za-z0-9]+\Z")
BUS_NAME = re.compile(r"[/\.\-_A-Za-z0-9]+\Z")


class EventsBase(Provider):
    service = "events"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.clock: Clock = ctx.clock
        self.store = EventsStore(ctx.state_dir)
        self.pattern_cache: dict[str, Any] = {}  # event pattern text → compiled Pattern
        self.outbox = Outbox(self.store.db, ctx.clock, self._deliver, self._dead_letter,
                             name="events-outbox")

    # -- names ------------------------------------------------------------------------

    def bus_arn(self, ctx: RequestContext, name: str) -> str:
        return f"arn:aws:events:{ctx.region}:{ctx.account_id}:event-bus/{name}"

    def rule_arn(self, ctx: RequestContext, bus: str, name: str) -> str:
        path = name if bus == DEFAULT_BUS else f"{bus}/{name}"
        return f"arn:aws:events:{ctx.region}:{ctx.account_id}:rule/{path}"

    def existing_bus(self, ctx: RequestContext, name_or_arn: str | None) -> str:
        """The bus name for a name or ARN, creating the default bus on first use."""
        name = bus_name(name_or_arn)
        if name == DEFAULT_BUS:
            self.ensure_default_bus(ctx)
        elif self.store.get_bus(ctx.region, name) is None:
            raise bus_not_found(name)
        return name

    def ensure_default_bus(self, ctx: RequestContext) -> None:
        if self.store.get_bus(ctx.region, DEFAULT_BUS) is None:
            now = self.clock.now()
            self.store.put_bus(ctx.region, {
                "Name": DEFAULT_BUS, "Arn": self.bus_arn(ctx, DEFAULT_BUS),
                "CreationTime": now, "LastModifiedTime": now})

    # -- delivery (the outbox calls these) ------------------------------------------------

    async def _deliver(self, delivery: Delivery) -> None:
        bus_entry = None
        if target_delivery.target_service(str(delivery.target["Arn"])) == "events":
            bus_entry = forwarded_entry(delivery.payload)
        await target_delivery.send(self.ctx.client, delivery.target, delivery.payload,
                                   event_id=delivery.event_id, bus_entry=bus_entry,
                                   now_ms=int(self.clock.now() * 1000))

    async def _dead_letter(self, delivery: Delivery, error: ServiceError,
                           condition: str) -> None:
        queue_arn = target_delivery.sqs_dead_letter_arn(delivery.target)
        if queue_arn is None:
            return
        attributes = target_delivery.dead_letter_attributes(
            delivery.source_arn, str(delivery.target["Arn"]), error, condition)
        await target_delivery.send_sqs(self.ctx.client, queue_arn, delivery.payload,
                                       dedup_id=delivery.event_id,
                                       message_attributes=attributes)


def forwarded_entry(payload: str) -> dict[str, Any]:
    """The PutEvents entry that forwards an event (as delivered) to another bus."""


    try:
        event = json.loads(payload)
    except ValueError:
        event = None
    if not isinstance(event, dict) or "detail-type" not in event:
        raise target_delivery.TargetError("Only events can be sent to an event bus target.")
    entry: dict[str, Any] = {
        "Source": event.get("source"), "DetailType": event.get("detail-type"),
        "Detail": json.dumps(event.get("detail", {})), "Resources": event.get("resources", []),
    }
    return entry


def bus_name(name_or_arn: str | None) -> str:
    if not name_or_arn:
        return DEFAULT_BUS
    if name_or_arn.startswith("arn:") and ":event-bus/" in name_or_arn:
        return name_or_arn.split(":event-bus/", 1)[1]
    return name_or_arn


def check_name(value: str, member: str, pattern: re.Pattern[str], max_length: int = 64) -> None:
    if not 1 <= len(value) <= max_length:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must have length less than or equal to {max_length}")
    if not pattern.match(value):
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must satisfy regular expression pattern:"
            f" {pattern.pattern.removesuffix(chr(92) + 'Z')}")


def page(items: list[Any], next_token: str | None, limit: int | None,
         default_limit: int = 100) -> tuple[list[Any], str | None]:
    """Offset pagination with an opaque-enough token."""
    size = limit or default_limit
    if size < 1 or size > 100:
        raise ValidationException(
            f"1 validation error detected: Value '{size}' at 'limit' failed to satisfy"
            " constraint: Member must have value between 1 and 100")
    start = 0
    if next_token:
        try:
            start = int(next_token.removeprefix("page-"))
        except ValueError as exc:
            raise ValidationException("The nextToken provided is invalid.") from exc
    chunk = items[start:start + size]
    more = start + size < len(items)
    return chunk, (f"page-{start + size}" if more else None)


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tags_from_list(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tags or []:
        found[str(tag.get("Key", ""))] = str(tag.get("Value", ""))
    return found

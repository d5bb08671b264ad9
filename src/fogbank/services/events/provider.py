"""EventBridge provider: event buses and tags here; rules, targets, events in the mixins."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, ServiceContext, operation
from fogbank.services.events.common import (
    BUS_NAME,
    DEFAULT_BUS,
    bus_name,
    check_name,
    page,
    tag_list,
    tags_from_list,
)
from fogbank.services.events.errors import (
    LimitExceededException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ValidationException,
    bus_not_found,
)
from fogbank.services.events.permissions import PermissionOperations
from fogbank.services.events.scheduled import ScheduledRules

BUS_MEMBERS = ("Name", "Arn", "Description", "KmsKeyIdentifier", "DeadLetterConfig", "Policy",
               "CreationTime", "LastModifiedTime")


class EventsProvider(PermissionOperations):
    """Amazon EventBridge: event buses, rules with event patterns or schedules, targets,
    PutEvents with durable at-least-once delivery, TestEventPattern and tags.

    Records and the delivery outbox live in ``events.db``; deliveries survive restarts.
    Targets: Lambda (asynchronous Invoke), SQS (FIFO with SqsParameters), SNS, Step Functions,
    CloudWatch Logs and other event buses, each called through the internal client.

    Deviations from AWS:
    - Retry backoff is exponential (1 s doubling to 5 minutes) on the injected clock; client
      errors from a target (missing function or queue) are not retried, they go to the
      dead-letter queue at once, as AWS does for non-retryable errors.
    - Scheduled rules: a ``rate`` counts whole intervals from the rule's creation (first fire
      one interval later); fires missed while fogbank was stopped are caught up once, not
      one by one. All cron fields are evaluated in UTC, as AWS does for rules.
    - Archives, replays, API destinations, connections, endpoints and partner event sources
      are not emulated (those operations are not registered). Kinesis, ECS, Batch, SSM and
      HTTP targets are accepted but their deliveries fail into the dead-letter path.
    - Event pattern errors carry EventBridge's reason text without the JSON parser's
      line/column suffix. ``anything-but`` against an array field matches when any element
      is not excluded (the general "any element" rule for arrays).
    - Permissions are not checked: bus policies (PutPermission) are stored and shown only, a
      Lambda target needs no ``AWS::Lambda::Permission``, ``RoleArn`` is stored only. A
      bus's own ``DeadLetterConfig`` is stored, not used (target dead-letter queues are).
      Deliveries run concurrently, in no guaranteed order; bus-to-bus forwarding does not
      detect loops.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self.scheduled = ScheduledRules(self)

    async def start(self) -> None:
        await self.outbox.start()
        await self.scheduled.timer.start()

    async def stop(self) -> None:
        await self.scheduled.timer.stop()
        await self.outbox.stop()  # an interrupted delivery stays queued: sent after restart
        self.store.close()

    def rules_changed(self, rule: dict[str, Any]) -> None:
        if rule.get("ScheduleExpression") or self.store.next_fire(rule["Arn"]) is not None:
            self.scheduled.changed(rule)

    # -- event buses ----------------------------------------------------------------------

    @operation("CreateEventBus")
    def create_event_bus(self, ctx: RequestContext, *, name: str,
                         event_source_name: str | None = None, description: str | None = None,
                         kms_key_identifier: str | None = None,
                         dead_letter_config: dict[str, Any] | None = None,
                         tags: list[dict[str, Any]] | None = None,
                         **_: Any) -> dict[str, Any]:
        check_name(name, "name", BUS_NAME, 256)
        if name == DEFAULT_BUS:
            raise ResourceAlreadyExistsException(f"Event bus {name} already exists.")
        if name.startswith("aws.") and not event_source_name:
            raise ValidationException("Event source aws.partner/... is required for partner"
                                      " event buses.")
        if "/" in name and not name.startswith("aws.partner/"):
            raise ValidationException(
                f"Event bus name {name} is not valid: '/' is allowed only in partner event"
                " bus names.")
        if self.store.get_bus(ctx.region, name) is not None:
            raise ResourceAlreadyExistsException(f"Event bus {name} already exists.")
        now = self.clock.now()
        bus: dict[str, Any] = {"Name": name, "Arn": self.bus_arn(ctx, name),
                               "CreationTime": now, "LastModifiedTime": now}
        for member, value in (("Description", description),
                              ("KmsKeyIdentifier", kms_key_identifier),
                              ("DeadLetterConfig", dead_letter_config)):
            if value is not None:
                bus[member] = value
        self.store.put_bus(ctx.region, bus)
        self.store.set_tags(bus["Arn"], tags_from_list(tags))
        out: dict[str, Any] = {"EventBusArn": bus["Arn"]}
        for member in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
            if member in bus:
                out[member] = bus[member]
        return out

    @operation("DescribeEventBus")
    def describe_event_bus(self, ctx: RequestContext, *, name: str | None = None,
                           **_: Any) -> dict[str, Any]:
        bus = self.store.get_bus(ctx.region, self.existing_bus(ctx, name))
        assert bus is not None
        return {member: bus[member] for member in BUS_MEMBERS if member in bus}

    @operation("DeleteEventBus")
    def delete_event_bus(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        name = bus_name(name)
        if name == DEFAULT_BUS:
            raise ValidationException("Cannot delete event bus default.")
        for rule in self.store.list_rules(ctx.region, name):
            self.rules_changed(rule)
        self.store.delete_bus(ctx.region, name)
        return {}

    @operation("UpdateEventBus")
    def update_event_bus(self, ctx: RequestContext, *, name: str | None = None,
                         description: str | None = None, kms_key_identifier: str | None = None,
                         dead_letter_config: dict[str, Any] | None = None,
                         **_: Any) -> dict[str, Any]:
        bus = self.store.get_bus(ctx.region, self.existing_bus(ctx, name))
        assert bus is not None
        for member, value in (("Description", description),
                              ("KmsKeyIdentifier", kms_key_identifier),
                              ("DeadLetterConfig", dead_letter_config)):
            if value is not None:
                bus[member] = value
        bus["LastModifiedTime"] = self.clock.now()
        self.store.put_bus(ctx.region, bus)
        return {member: bus[member] for member in ("Arn", "Name", "Description",
                                                   "KmsKeyIdentifier", "DeadLetterConfig")
                if member in bus}

    @operation("ListEventBuses")
    def list_event_buses(self, ctx: RequestContext, *, name_prefix: str | None = None,
                         next_token: str | None = None, limit: int | None = None,
                         **_: Any) -> dict[str, Any]:
        self.ensure_default_bus(ctx)
        buses = [bus for bus in self.store.list_buses(ctx.region)
                 if bus["Name"].startswith(name_prefix or "")]
        chunk, token = page(buses, next_token, limit)
        out: dict[str, Any] = {"EventBuses": [
            {member: bus[member] for member in BUS_MEMBERS if member in bus} for bus in chunk]}
        if token:
            out["NextToken"] = token
        return out

    # -- tags -----------------------------------------------------------------------------

    def _taggable(self, ctx: RequestContext, arn: str) -> str:
        resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
        if resource.startswith("event-bus/"):
            name = resource.removeprefix("event-bus/")
            if (self.store.get_bus(ctx.region, name) is None) and name != DEFAULT_BUS:
                raise bus_not_found(name)
            self.ensure_default_bus(ctx)
            return arn
        if resource.startswith("rule/"):
            path = resource.removeprefix("rule/")
            bus, _, name = path.rpartition("/")
            if self.store.get_rule(ctx.region, bus or DEFAULT_BUS, name) is None:
                raise ResourceNotFoundException(
                    f"Rule {name} does not exist on EventBus {bus or DEFAULT_BUS}.")
            return arn
        raise ValidationException(f"Parameter {arn} is not valid. Reason: Provided Arn is not"
                                  " in correct format.")

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        arn = self._taggable(ctx, resource_arn)
        merged = self.store.tags(arn)
        merged.update(tags_from_list(tags))
        if len(merged) > 50:
            raise LimitExceededException("The number of tags exceeds the limit of 50.")
        self.store.set_tags(arn, merged)
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        arn = self._taggable(ctx, resource_arn)
        remaining = {k: v for k, v in self.store.tags(arn).items() if k not in set(tag_keys)}
        self.store.set_tags(arn, remaining)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        arn = self._taggable(ctx, resource_arn)
        return {"Tags": tag_list(self.store.tags(arn))}

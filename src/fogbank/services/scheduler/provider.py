"""EventBridge Scheduler provider: schedules, schedule groups and their tags."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fogbank.core.arns import parse_arn
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.events.schedule_expressions import ScheduleExpressionError, parse_schedule
from fogbank.services.scheduler.errors import (
    ConflictException,
    ResourceNotFoundException,
    ValidationException,
    group_not_found,
    schedule_not_found,
)
from fogbank.services.scheduler.runner import ScheduleRunner, epoch
from fogbank.services.scheduler.store import SchedulerStore

NAME = re.compile(r"[0-9a-zA-Z\-_.]+\Z")
DEFAULT_GROUP = "default"
START_DATE_GRACE_S = 300
SCHEDULE_MEMBERS = ("Arn", "Name", "GroupName", "Description", "ScheduleExpression",
                    "ScheduleExpressionTimezone", "StartDate", "EndDate", "State",
                    "FlexibleTimeWindow", "Target", "ActionAfterCompletion", "KmsKeyArn",
                    "CreationDate", "LastModificationDate")
GROUP_MEMBERS = ("Arn", "Name", "State", "CreationDate", "LastModificationDate")


def _check_name(value: str, member: str) -> None:
    if not (1 <= len(value) <= 64 and NAME.match(value)):
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            r" constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$")


def _page(items: list[Any], next_token: str | None, max_results: int | None
          ) -> tuple[list[Any], str | None]:
    size = max_results or 100
    if not 1 <= size <= 100:
        raise ValidationException("MaxResults must be between 1 and 100.")
    try:
        start = int(next_token) if next_token else 0
    except ValueError as exc:
        raise ValidationException("Invalid NextToken.") from exc
    return items[start:start + size], (str(start + size) if start + size < len(items) else None)


class SchedulerProvider(Provider):
    """Amazon EventBridge Scheduler: one-time (``at``), ``rate`` and ``cron`` schedules in a
    time zone, fired on the injected clock and delivered at least once through a durable
    outbox to Lambda, SQS, SNS, Step Functions, event buses and universal ``aws-sdk``
    targets (any fogbank operation). A rate runs first at its StartDate, or at once; cron
    wall times skipped by a daylight-saving jump do not run, repeated ones run once.

    Deviations from AWS:
    - ``FlexibleTimeWindow`` ``FLEXIBLE`` is accepted and stored but schedules fire at the
      exact time, as with ``OFF``.
    - Fires missed while fogbank was stopped are caught up once, not one by one.
    - ``<aws.scheduler.attempt-number>`` is always 1 (the Input is rendered when the fire
      is queued). RoleArn is stored, not assumed; KMS keys are stored only.
    - Schedules are not taggable (as in AWS); schedule groups are. Deleting a group deletes
      its schedules at once rather than asynchronously.
    """

    service = "scheduler"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self.store = SchedulerStore(ctx.state_dir)
        self.runner = ScheduleRunner(self.store, ctx.clock, ctx.ids, ctx.client)

    async def start(self) -> None:
        await self.runner.start()

    async def stop(self) -> None:
        await self.runner.stop()
        self.store.db.close()

    # -- groups ---------------------------------------------------------------------------

    def _group_arn(self, ctx: RequestContext, name: str) -> str:
        return f"arn:aws:scheduler:{ctx.region}:{ctx.account_id}:schedule-group/{name}"

    def _group(self, ctx: RequestContext, name: str | None) -> dict[str, Any]:
        name = name or DEFAULT_GROUP
        if name == DEFAULT_GROUP and self.store.get_group(ctx.region, name) is None:
            now = self.clock.now()
            self.store.put_group(ctx.region, {
                "Name": name, "Arn": self._group_arn(ctx, name), "State": "ACTIVE",
                "CreationDate": now, "LastModificationDate": now})
        group = self.store.get_group(ctx.region, name)
        if group is None:
            raise group_not_found(name)
        return group

    @operation("CreateScheduleGroup")
    def create_schedule_group(self, ctx: RequestContext, *, name: str,
                              tags: list[dict[str, str]] | None = None,
                              **_: Any) -> dict[str, Any]:
        _check_name(name, "name")
        self._group(ctx, DEFAULT_GROUP)
        if self.store.get_group(ctx.region, name) is not None:
            raise ConflictException(f"Schedule group {name} already exists.")
        now = self.clock.now()
        group = {"Name": name, "Arn": self._group_arn(ctx, name), "State": "ACTIVE",
                 "CreationDate": now, "LastModificationDate": now}
        self.store.put_group(ctx.region, group)
        self.store.set_tags(group["Arn"], {t["Key"]: t["Value"] for t in tags or []})
        return {"ScheduleGroupArn": group["Arn"]}

    @operation("GetScheduleGroup")
    def get_schedule_group(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        group = self._group(ctx, name)
        return {member: group[member] for member in GROUP_MEMBERS}

    @operation("DeleteScheduleGroup")
    def delete_schedule_group(self, ctx: RequestContext, *, name: str,
                              **_: Any) -> dict[str, Any]:
        if name == DEFAULT_GROUP:
            raise ValidationException("The default schedule group cannot be deleted.")
        self._group(ctx, name)
        for schedule in self.store.list_schedules(ctx.region, name):
            self.runner.changed(schedule["Arn"])
        self.store.delete_group(ctx.region, name)
        return {}

    @operation("ListScheduleGroups")
    def list_schedule_groups(self, ctx: RequestContext, *, name_prefix: str | None = None,
                             max_results: int | None = None, next_token: str | None = None,
                             **_: Any) -> dict[str, Any]:
        self._group(ctx, DEFAULT_GROUP)
        groups = [g for g in self.store.list_groups(ctx.region)
                  if g["Name"].startswith(name_prefix or "")]
        chunk, token = _page(groups, next_token, max_results)
        out: dict[str, Any] = {"ScheduleGroups": [
            {member: group[member] for member in GROUP_MEMBERS} for group in chunk]}
        if token:
            out["NextToken"] = token
        return out

    # -- schedules ------------------------------------------------------------------------

    def _validated(self, ctx: RequestContext, name: str, group_name: str | None,
                   schedule_expression: str, flexible_time_window: dict[str, Any],
                   target: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        _check_name(name, "name")
        group = self._group(ctx, group_name)
        try:
            parse_schedule(schedule_expression, allow_at=True)
        except ScheduleExpressionError as exc:
            raise ValidationException(
                f"Invalid Schedule Expression {schedule_expression}.") from exc
        zone = fields.get("ScheduleExpressionTimezone") or "UTC"
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationException(f"Invalid ScheduleExpressionTimezone: {zone}.") from exc
        mode = flexible_time_window.get("Mode")
        if mode not in ("OFF", "FLEXIBLE"):
            raise ValidationException("FlexibleTimeWindow Mode must be OFF or FLEXIBLE.")
        if mode == "FLEXIBLE" and not flexible_time_window.get("MaximumWindowInMinutes"):
            raise ValidationException(
                "MaximumWindowInMinutes is required when Mode is FLEXIBLE.")
        _check_target(target)
        start_s, end_s = epoch(fields.get("StartDate")), epoch(fields.get("EndDate"))
        if start_s is not None and start_s < self.clock.now() - START_DATE_GRACE_S:
            raise ValidationException(
                "The StartDate you specify cannot be earlier than 5 minutes ago.")
        if start_s is not None and end_s is not None and end_s <= start_s:
            raise ValidationException("The EndDate must be after the StartDate.")
        for member, allowed in (("State", ("ENABLED", "DISABLED")),
                                ("ActionAfterCompletion", ("NONE", "DELETE"))):
            if fields.get(member) is not None and fields[member] not in allowed:
                raise ValidationException(
                    f"1 validation error detected: Value '{fields[member]}' at '{member}'"
                    f" failed to satisfy constraint: Member must satisfy enum value set:"
                    f" [{', '.join(allowed)}]")
        now = self.clock.now()
        schedule: dict[str, Any] = {
            "Arn": f"arn:aws:scheduler:{ctx.region}:{ctx.account_id}:schedule/"
                   f"{group['Name']}/{name}",
            "Name": name, "GroupName": group["Name"],
            "ScheduleExpression": schedule_expression, "ScheduleExpressionTimezone": zone,
            "FlexibleTimeWindow": flexible_time_window, "Target": target,
            "State": fields.get("State") or "ENABLED",
            "ActionAfterCompletion": fields.get("ActionAfterCompletion") or "NONE",
            "CreationDate": now, "LastModificationDate": now,
        }
        if start_s is not None:
            schedule["StartDate"] = start_s
        if end_s is not None:
            schedule["EndDate"] = end_s
        for member in ("Description", "KmsKeyArn"):
            if fields.get(member) is not None:
                schedule[member] = fields[member]
        return schedule

    @operation("CreateSchedule")
    def create_schedule(self, ctx: RequestContext, *, name: str, schedule_expression: str,
                        flexible_time_window: dict[str, Any], target: dict[str, Any],
                        group_name: str | None = None, **fields: Any) -> dict[str, Any]:
        schedule = self._validated(ctx, name, group_name, schedule_expression,
                                   flexible_time_window, target, _aws_fields(fields))
        if self.store.get_schedule(ctx.region, schedule["GroupName"], name) is not None:
            raise ConflictException(f"Schedule {name} already exists.")
        self.store.put_schedule(ctx.region, schedule)
        self.runner.changed(schedule["Arn"], schedule)
        return {"ScheduleArn": schedule["Arn"]}

    @operation("UpdateSchedule")
    def update_schedule(self, ctx: RequestContext, *, name: str, schedule_expression: str,
                        flexible_time_window: dict[str, Any], target: dict[str, Any],
                        group_name: str | None = None, **fields: Any) -> dict[str, Any]:
        schedule = self._validated(ctx, name, group_name, schedule_expression,
                                   flexible_time_window, target, _aws_fields(fields))
        existing = self.store.get_schedule(ctx.region, schedule["GroupName"], name)
        if existing is None:
            raise schedule_not_found(name)
        schedule["CreationDate"] = existing["CreationDate"]
        self.store.put_schedule(ctx.region, schedule)
        self.runner.changed(schedule["Arn"], schedule)
        return {"ScheduleArn": schedule["Arn"]}

    @operation("GetSchedule")
    def get_schedule(self, ctx: RequestContext, *, name: str, group_name: str | None = None,
                     **_: Any) -> dict[str, Any]:
        group = self._group(ctx, group_name)
        schedule = self.store.get_schedule(ctx.region, group["Name"], name)
        if schedule is None:
            raise schedule_not_found(name)
        return {member: schedule[member] for member in SCHEDULE_MEMBERS if member in schedule}

    @operation("DeleteSchedule")
    def delete_schedule(self, ctx: RequestContext, *, name: str, group_name: str | None = None,
                        **_: Any) -> dict[str, Any]:
        group = self._group(ctx, group_name)
        schedule = self.store.get_schedule(ctx.region, group["Name"], name)
        if schedule is None:
            raise schedule_not_found(name)
        self.store.delete_schedule(ctx.region, group["Name"], name)
        self.runner.changed(schedule["Arn"])
        return {}

    @operation("ListSchedules")
    def list_schedules(self, ctx: RequestContext, *, group_name: str | None = None,
                       name_prefix: str | None = None, state: str | None = None,
                       max_results: int | None = None, next_token: str | None = None,
                       **_: Any) -> dict[str, Any]:
        if group_name is not None:
            self._group(ctx, group_name)
        schedules = [s for s in self.store.list_schedules(ctx.region, group_name)
                     if s["Name"].startswith(name_prefix or "")
                     and (state is None or s["State"] == state)]
        chunk, token = _page(schedules, next_token, max_results)
        out: dict[str, Any] = {"Schedules": [{
            "Arn": s["Arn"], "Name": s["Name"], "GroupName": s["GroupName"],
            "State": s["State"], "CreationDate": s["CreationDate"],
            "LastModificationDate": s["LastModificationDate"],
            "Target": {"Arn": s["Target"]["Arn"]}} for s in chunk]}
        if token:
            out["NextToken"] = token
        return out

    # -- tags (schedule groups) -------------------------------------------------------------

    def _tagged_group(self, ctx: RequestContext, arn: str) -> str:
        parsed = parse_arn(arn)
        if parsed is None or not parsed.resource.startswith("schedule-group/"):
            raise ValidationException(f"Invalid ResourceArn {arn}.")
        name = parsed.resource.removeprefix("schedule-group/")
        if self.store.get_group(ctx.region, name) is None and name != DEFAULT_GROUP:
            raise ResourceNotFoundException(f"Schedule group {name} does not exist.")
        return arn

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        arn = self._tagged_group(ctx, resource_arn)
        merged = self.store.tags(arn)
        merged.update({tag["Key"]: tag["Value"] for tag in tags})
        self.store.set_tags(arn, merged)
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        arn = self._tagged_group(ctx, resource_arn)
        self.store.set_tags(arn, {k: v for k, v in self.store.tags(arn).items()
                                  if k not in set(tag_keys)})
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        arn = self._tagged_group(ctx, resource_arn)
        return {"Tags": [{"Key": k, "Value": v} for k, v in self.store.tags(arn).items()]}


def _aws_fields(fields: dict[str, Any]) -> dict[str, Any]:
    names = {"schedule_expression_timezone": "ScheduleExpressionTimezone",
             "start_date": "StartDate", "end_date": "EndDate", "state": "State",
             "description": "Description", "action_after_completion": "ActionAfterCompletion",
             "kms_key_arn": "KmsKeyArn"}
    return {aws: fields[py] for py, aws in names.items() if fields.get(py) is not None}


def _check_target(target: dict[str, Any]) -> None:
    arn = str(target.get("Arn") or "")
    if arn.startswith("arn:aws:scheduler:::aws-sdk:"):
        return
    parsed = parse_arn(arn)
    if parsed is None:
        raise ValidationException(f"Invalid Target Arn {arn}.")
    if parsed.service == "events" and not target.get("EventBridgeParameters"):
        raise ValidationException(
            "EventBridgeParameters must be provided for event bus targets.")
    if parsed.service == "sqs" and parsed.resource.endswith(".fifo") and not (
            target.get("SqsParameters") or {}).get("MessageGroupId"):
        raise ValidationException("SqsParameters MessageGroupId is required for FIFO queues.")
    for name in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        value = (target.get("RetryPolicy") or {}).get(name)
        low, high = (0, 185) if name == "MaximumRetryAttempts" else (60, 86400)
        if value is not None and not low <= int(value) <= high:
            raise ValidationException(f"{name} must be between {low} and {high}.")



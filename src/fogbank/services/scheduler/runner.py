"""Firing schedules on the injected clock and delivering to their targets.

Each enabled schedule's next fire time is kept in SQLite. A ``Timer`` wakes at the earliest
one, queues the target invocation in the outbox (the schedule's ``Input`` as is, with the
``<aws.scheduler.*>`` context attributes filled in) and computes the following fire time
from the expression, its time zone and the Start/End dates. A schedule with no fire left is
complete: with ``ActionAfterCompletion: DELETE`` it is deleted. Fires missed while fogbank
was stopped are caught up once, not one by one.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fogbank.core.arns import parse_arn
from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.events import targets as target_delivery
from fogbank.services.events.outbox import Delivery, Outbox
from fogbank.services.events.schedule_expressions import (
    AtSchedule,
    Schedule,
    ScheduleExpressionError,
    next_fire,
    parse_schedule,
)
from fogbank.services.events.timer import Timer
from fogbank.services.scheduler.store import SchedulerStore

log = logging.getLogger("fogbank.scheduler")

UNIVERSAL_PREFIX = "arn:aws:scheduler:::aws-sdk:"
# SDK service names in universal target ARNs that differ from botocore's.
SDK_SERVICES = {"sfn": "stepfunctions", "eventbridge": "events", "cloudwatchlogs": "logs"}
DONE = math.inf  # stored as the next fire time of a schedule with no fire left


def epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def scheduled_time(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fill_context(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"<aws.scheduler.{name}>", value)
    return text


def following_fire(schedule: dict[str, Any], parsed: Schedule, after_s: float) -> float | None:
    """The next fire strictly after ``after_s`` within the schedule's Start/End dates (which
    one-time schedules ignore, as AWS does)."""
    zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
    if isinstance(parsed, AtSchedule):
        return next_fire(parsed, after_s, zone=zone)
    start_s = epoch(schedule.get("StartDate"))
    end_s = epoch(schedule.get("EndDate"))
    after = after_s if start_s is None else max(after_s, start_s - 1e-6)
    anchor = start_s if start_s is not None else float(schedule["CreationDate"])
    found = next_fire(parsed, after, zone=zone, anchor_s=anchor)
    if found is not None and end_s is not None and found > end_s:
        return None
    return found


class ScheduleRunner:
    def __init__(self, store: SchedulerStore, clock: Any, ids: Any,
                 client: InternalClient) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.client = client
        self.outbox = Outbox(store.db, clock, self.deliver, self.dead_letter,
                             name="scheduler-outbox")
        self.timer = Timer(clock, self.tick, "scheduler-schedules")

    async def start(self) -> None:
        await self.outbox.start()
        await self.timer.start()

    async def stop(self) -> None:
        await self.timer.stop()
        await self.outbox.stop()

    def changed(self, arn: str, schedule: dict[str, Any] | None = None) -> None:
        """A schedule was created, updated or (``schedule`` None) deleted: its first fire
        counts from now, even if the timer runs a little later."""
        due = None
        if schedule is not None and schedule.get("State") == "ENABLED":
            try:
                parsed = parse_schedule(schedule["ScheduleExpression"], allow_at=True)
            except ScheduleExpressionError:
                parsed = None
            if parsed is not None:
                # A rate's first occurrence is its StartDate, or now: it runs at once.
                due = following_fire(schedule, parsed, self.clock.now() - 1e-3)
        self.store.set_next_fire(arn, due)
        self.timer.poke()

    async def tick(self) -> float | None:
        now = self.clock.now()
        earliest: float | None = None
        for region, schedule in self.store.all_schedules():
            if schedule.get("State") != "ENABLED":
                continue
            try:
                parsed = parse_schedule(schedule["ScheduleExpression"], allow_at=True)
            except ScheduleExpressionError:
                continue
            due = self.store.next_fire(schedule["Arn"])
            if due == DONE:
                continue
            if due is not None and due <= now:
                self._fire(schedule, due)
            if due is None or due <= now:
                try:
                    due = following_fire(schedule, parsed, now)
                except (ZoneInfoNotFoundError, ValueError):
                    log.exception("schedule %s cannot be timed", schedule["Arn"])
                    continue
            if due is None:
                self._complete(region, schedule)
                continue
            self.store.set_next_fire(schedule["Arn"], due)
            earliest = due if earliest is None else min(earliest, due)
        return earliest

    def _complete(self, region: str, schedule: dict[str, Any]) -> None:
        if schedule.get("ActionAfterCompletion") == "DELETE":
            self.store.delete_schedule(region, schedule["GroupName"], schedule["Name"])
        else:
            self.store.set_next_fire(schedule["Arn"], DONE)

    def _fire(self, schedule: dict[str, Any], due_s: float) -> None:
        execution_id = self.ids.uuid()
        target = dict(schedule["Target"])
        payload = fill_context(str(target.get("Input") or "{}"), {
            "schedule-arn": schedule["Arn"], "scheduled-time": scheduled_time(due_s),
            "execution-id": execution_id, "attempt-number": "1"})
        with self.store.db.transaction() as conn:
            self.outbox.enqueue(conn, target, payload, schedule["Arn"], execution_id)
        self.outbox.poke()

    # -- delivery (called by the outbox) ------------------------------------------------

    async def deliver(self, delivery: Delivery) -> None:
        arn = str(delivery.target["Arn"])
        if arn.startswith(UNIVERSAL_PREFIX):
            await self._universal(arn, delivery.payload)
            return
        bus_entry = None
        if target_delivery.target_service(arn) == "events":
            parameters = delivery.target.get("EventBridgeParameters") or {}
            bus_entry = {"Source": parameters.get("Source"),
                         "DetailType": parameters.get("DetailType"),
                         "Detail": delivery.payload}
        await target_delivery.send(self.client, delivery.target, delivery.payload,
                                   event_id=delivery.event_id, bus_entry=bus_entry,
                                   now_ms=int(self.clock.now() * 1000))

    async def _universal(self, arn: str, payload: str) -> None:
        service, _, action = arn.removeprefix(UNIVERSAL_PREFIX).partition(":")
        try:
            params = json.loads(payload) if payload.strip() else {}
        except ValueError as exc:
            raise target_delivery.TargetError(f"Input of {arn} is not JSON.") from exc
        operation = action[:1].upper() + action[1:]
        await self.client.call(SDK_SERVICES.get(service, service), operation, params)

    async def dead_letter(self, delivery: Delivery, error: ServiceError, condition: str) -> None:
        queue_arn = target_delivery.sqs_dead_letter_arn(delivery.target)
        if queue_arn is None or parse_arn(queue_arn) is None:
            return
        attributes = {
            "SCHEDULE_ARN": delivery.source_arn, "TARGET_ARN": str(delivery.target["Arn"]),
            "ERROR_CODE": error.error_code, "ERROR_MESSAGE": error.message or error.error_code,
            "EXHAUSTED_RETRY_CONDITION": condition,
            "RETRY_ATTEMPTS": str(delivery.attempts),
        }
        await target_delivery.send_sqs(self.client, queue_arn, delivery.payload,
                                       dedup_id=delivery.event_id, message_attributes={
                                           name: {"DataType": "String", "StringValue": value}
                                           for name, value in attributes.items() if value})

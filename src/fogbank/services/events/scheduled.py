"""Scheduled rules: fire each enabled rule with a ScheduleExpression on the injected clock.

The next fire time of every scheduled rule is kept in SQLite. A ``Timer`` wakes at the
earliest one, queues the "Scheduled Event" for the rule's targets (through the outbox, so
it survives a restart) and computes the following fire time. Fires missed while fogbank was
not running are not replayed one by one: a rule whose stored fire time has passed fires once
on start (one catch-up), then continues on its schedule.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fogbank.core.arns import parse_arn
from fogbank.services.events.put_events import event_time
from fogbank.services.events.schedule_expressions import (
    ScheduleExpressionError,
    next_fire,
    parse_schedule,
)
from fogbank.services.events.timer import Timer

if TYPE_CHECKING:
    from fogbank.services.events.put_events import EventOperations

log = logging.getLogger("fogbank.events.scheduled")


def scheduled_event(event_id: str, rule: dict[str, Any], time_text: str) -> dict[str, Any]:
    parsed = parse_arn(rule["Arn"])
    assert parsed is not None
    return {
        "version": "0", "id": event_id, "detail-type": "Scheduled Event",
        "source": "aws.events", "account": parsed.account_id, "time": time_text,
        "region": parsed.region, "resources": [rule["Arn"]], "detail": {},
    }


class ScheduledRules:
    def __init__(self, provider: EventOperations) -> None:
        self.provider = provider
        self.timer = Timer(provider.clock, self.tick, "events-scheduled-rules")

    def changed(self, rule: dict[str, Any]) -> None:
        """A rule was created, updated, enabled, disabled or deleted."""
        due = None
        current = self.provider.store.get_rule(
            rule["Arn"].split(":")[3], rule["EventBusName"], rule["Name"])
        if current and current.get("ScheduleExpression") and str(
                current.get("State", "")).startswith("ENABLED"):
            try:
                due = next_fire(parse_schedule(current["ScheduleExpression"]),
                                self.provider.clock.now(),
                                anchor_s=float(current.get("CreatedAt", 0)))
            except ScheduleExpressionError:
                due = None
        self.provider.store.set_next_fire(rule["Arn"], due)
        self.timer.poke()

    async def tick(self) -> float | None:
        store = self.provider.store
        now = self.provider.clock.now()
        earliest: float | None = None
        for rule in store.all_rules():
            expression = rule.get("ScheduleExpression")
            if not expression or not str(rule.get("State", "")).startswith("ENABLED"):
                continue
            try:
                schedule = parse_schedule(expression)
            except ScheduleExpressionError:
                continue
            anchor_s = float(rule.get("CreatedAt", now))
            due = store.next_fire(rule["Arn"])
            if due is None:
                due = next_fire(schedule, now, anchor_s=anchor_s)
            elif due <= now:
                self._fire(rule, event_time(due), now)
                due = next_fire(schedule, now, anchor_s=anchor_s)
            store.set_next_fire(rule["Arn"], due)
            if due is not None and (earliest is None or due < earliest):
                earliest = due
        return earliest

    def _fire(self, rule: dict[str, Any], time_text: str, now: float) -> None:
        parsed = parse_arn(rule["Arn"])
        assert parsed is not None
        event = scheduled_event(self.provider.ctx.ids.uuid(), rule, time_text)
        with self.provider.store.db.transaction() as conn:
            self.provider.queue_for_rule(parsed.region, conn, rule, event, ingestion_s=now)
        self.provider.outbox.poke()

"""PutEvents and TestEventPattern: validate entries, build the EventBridge event envelope,
match it against every enabled rule of the bus and queue one delivery per target in the
same transaction that acknowledges the event (``outbox.py`` sends them)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.events.common import bus_name
from fogbank.services.events.errors import ValidationException, invalid_pattern
from fogbank.services.events.patterns import Pattern, PatternError, compile_pattern
from fogbank.services.events.target_ops import TargetOperations
from fogbank.services.events.transform import render_input

MAX_ENTRIES = 10
MAX_CACHED_PATTERNS = 4096
MAX_REQUEST_BYTES = 256 * 1024
TEST_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")


def event_time(epoch_s: float) -> str:
    """``2026-11-27T20:40:31Z``: EventBridge event times carry whole seconds."""
    return datetime.fromtimestamp(epoch_s, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_size(entry: dict[str, Any]) -> int:
    """AWS's PutEvents entry size: 14 bytes for Time plus the UTF-8 text of the rest."""
    size = 14 if entry.get("Time") is not None else 0
    for member in ("Source", "DetailType", "Detail"):
        if entry.get(member):
            size += len(str(entry[member]).encode())
    size += sum(len(str(resource).encode()) for resource in entry.get("Resources") or [])
    return size


def _entry_time(value: Any, default_s: float) -> float:
    """``Time`` as botocore parses it (datetime), or epoch seconds / ISO text from internal
    callers; the current time when absent or unreadable."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return default_s
    return default_s


def _entry_error(code: str, message: str) -> dict[str, str]:
    return {"ErrorCode": code, "ErrorMessage": message}


class EventOperations(TargetOperations):
    def pattern(self, text: str) -> Pattern:
        """The compiled pattern of a rule (compiled once per distinct pattern text)."""
        found = self.pattern_cache.get(text)
        if found is None:
            if len(self.pattern_cache) >= MAX_CACHED_PATTERNS:
                self.pattern_cache.clear()
            found = self.pattern_cache[text] = compile_pattern(text)
        return found

    @operation("PutEvents")
    def put_events(self, ctx: RequestContext, *, entries: list[dict[str, Any]],
                   endpoint_id: str | None = None, **_: Any) -> dict[str, Any]:
        if not 1 <= len(entries) <= MAX_ENTRIES:
            raise ValidationException(
                "1 validation error detected: Value at 'entries' failed to satisfy constraint:"
                f" Member must have length less than or equal to {MAX_ENTRIES}")
        if sum(entry_size(entry) for entry in entries) > MAX_REQUEST_BYTES:
            raise ValidationException(
                "Total size of the entries in the request is over the limit.")
        results: list[dict[str, Any]] = []
        rules_by_bus: dict[str, list[dict[str, Any]]] = {}  # read once per request
        with self.store.db.transaction() as conn:
            for entry in entries:
                results.append(self._accept(ctx, conn, entry, rules_by_bus))
        self.outbox.poke()
        failed = sum(1 for result in results if "ErrorCode" in result)
        return {"FailedEntryCount": failed, "Entries": results}

    def _accept(self, ctx: RequestContext, conn: sqlite3.Connection, entry: dict[str, Any],
                rules_by_bus: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        for member, label in (("Source", "Source"), ("DetailType", "DetailType"),
                              ("Detail", "Detail")):
            if not entry.get(member):
                return _entry_error("InvalidArgument", f"Parameter {label} is not valid."
                                    f" Reason: {label} is a required argument.")
        try:
            detail = json.loads(entry["Detail"])
        except ValueError:
            detail = None
        if not isinstance(detail, dict):
            return _entry_error("MalformedDetail", "Detail is malformed.")
        source = str(entry["Source"])
        if source.startswith("aws.") and not ctx.internal:
            return _entry_error("NotAuthorizedForSourceException",
                                "Not authorized for the source.")
        name = bus_name(entry.get("EventBusName"))
        if name != "default" and self.store.get_bus(ctx.region, name) is None:
            return _entry_error("ResourceNotFoundException", f"Event bus {name} does not exist.")
        now = self.clock.now()
        when = _entry_time(entry.get("Time"), now)
        event = {
            "version": "0", "id": self.ctx.ids.uuid(), "detail-type": str(entry["DetailType"]),
            "source": source, "account": ctx.account_id, "time": event_time(when),
            "region": ctx.region, "resources": list(entry.get("Resources") or []),
            "detail": detail,
        }
        if name not in rules_by_bus:
            rules_by_bus[name] = self.store.list_rules(ctx.region, name)
        self.route(ctx.region, conn, rules_by_bus[name], event, ingestion_s=now)
        return {"EventId": event["id"]}

    def route(self, region: str, conn: sqlite3.Connection, rules: list[dict[str, Any]],
              event: dict[str, Any], *, ingestion_s: float) -> int:
        """Queue deliveries of ``event`` to the targets of every matching enabled rule of
        its bus (``rules``)."""
        queued = 0
        for rule in rules:
            if not rule.get("EventPattern") or not rule["State"].startswith("ENABLED"):
                continue
            try:
                if not self.pattern(rule["EventPattern"]).matches(event):
                    continue
            except PatternError:
                continue
            queued += self.queue_for_rule(region, conn, rule, event, ingestion_s=ingestion_s)
        return queued

    def queue_for_rule(self, region: str, conn: sqlite3.Connection, rule: dict[str, Any],
                       event: dict[str, Any], *, ingestion_s: float) -> int:
        context = {"rule-arn": rule["Arn"], "rule-name": rule["Name"],
                   "event.ingestion-time": event_time(ingestion_s)}
        targets = self.store.list_targets(region, rule["EventBusName"], rule["Name"])
        for target in targets:
            payload = render_input(target, event, context)
            self.outbox.enqueue(conn, target, payload, rule["Arn"], str(event["id"]))
        return len(targets)

    @operation("TestEventPattern")
    def test_event_pattern(self, ctx: RequestContext, *, event_pattern: str, event: str,
                           **_: Any) -> dict[str, Any]:
        try:
            pattern = compile_pattern(event_pattern)
        except PatternError as exc:
            raise invalid_pattern(str(exc)) from exc
        try:
            parsed = json.loads(event)
        except ValueError as exc:
            raise ValidationException("Parameter Event is not valid.") from exc
        if not isinstance(parsed, dict):
            raise ValidationException("Parameter Event is not valid.")
        missing = [name for name in TEST_EVENT_FIELDS if name not in parsed]
        if missing:
            raise ValidationException(
                f"Parameter Event is not valid. Reason: Provided Event is missing required"
                f" field(s): {', '.join(missing)}.")
        return {"Result": pattern.matches(parsed)}

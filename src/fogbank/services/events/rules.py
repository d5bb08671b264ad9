"""Rules: PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.events.common import (
    DEFAULT_BUS,
    RULE_NAME,
    EventsBase,
    check_name,
    page,
    tags_from_list,
)
from fogbank.services.events.errors import (
    ManagedRuleException,
    ValidationException,
    invalid_pattern,
    rule_not_found,
)
from fogbank.services.events.patterns import PatternError, compile_pattern
from fogbank.services.events.schedule_expressions import ScheduleExpressionError, parse_schedule

RULE_STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
RULE_MEMBERS = ("Name", "Arn", "EventPattern", "State", "Description", "ScheduleExpression",
                "RoleArn", "ManagedBy", "EventBusName")


def check_pattern(event_pattern: str) -> None:
    try:
        compile_pattern(event_pattern)
    except PatternError as exc:
        raise invalid_pattern(str(exc)) from exc


def check_schedule(expression: str) -> None:
    try:
        parse_schedule(expression)
    except ScheduleExpressionError as exc:
        raise ValidationException("Parameter ScheduleExpression is not valid.") from exc


class RuleOperations(EventsBase):
    def rule(self, ctx: RequestContext, name: str, event_bus_name: str | None
             ) -> dict[str, Any]:
        bus = self.existing_bus(ctx, event_bus_name)
        rule = self.store.get_rule(ctx.region, bus, name)
        if rule is None:
            raise rule_not_found(name, bus)
        return rule

    @operation("PutRule")
    def put_rule(self, ctx: RequestContext, *, name: str, schedule_expression: str | None = None,
                 event_pattern: str | None = None, state: str | None = None,
                 description: str | None = None, role_arn: str | None = None,
                 tags: list[dict[str, Any]] | None = None, event_bus_name: str | None = None,
                 **_: Any) -> dict[str, Any]:
        check_name(name, "name", RULE_NAME)
        for member, value, limit in (("eventPattern", event_pattern, 4096),
                                     ("scheduleExpression", schedule_expression, 256),
                                     ("description", description, 512)):
            if value is not None and len(value) > limit:
                raise ValidationException(
                    f"1 validation error detected: Value at '{member}' failed to satisfy"
                    f" constraint: Member must have length less than or equal to {limit}")
        if not event_pattern and not schedule_expression:
            raise ValidationException(
                "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        if state is not None and state not in RULE_STATES:
            raise ValidationException(
                f"1 validation error detected: Value '{state}' at 'state' failed to satisfy"
                f" constraint: Member must satisfy enum value set: [{', '.join(RULE_STATES)}]")
        bus = self.existing_bus(ctx, event_bus_name)
        if schedule_expression:
            if bus != DEFAULT_BUS:
                raise ValidationException(
                    "ScheduleExpression is supported only on the default event bus.")
            check_schedule(schedule_expression)
        if event_pattern:
            check_pattern(event_pattern)
        existing = self.store.get_rule(ctx.region, bus, name)
        if existing and existing.get("ManagedBy") and not ctx.internal:
            raise ManagedRuleException(
                f"Rule {name} is managed by {existing['ManagedBy']} and cannot be modified.")
        now = self.clock.now()
        rule: dict[str, Any] = {
            "Name": name, "Arn": self.rule_arn(ctx, bus, name), "EventBusName": bus,
            "State": state or "ENABLED", "CreatedBy": ctx.account_id,
            "CreatedAt": existing["CreatedAt"] if existing else now,
        }
        for member, value in (("EventPattern", event_pattern), ("Description", description),
                              ("ScheduleExpression", schedule_expression),
                              ("RoleArn", role_arn)):
            if value is not None:
                rule[member] = value
        if existing and existing.get("ScheduleExpression") != schedule_expression:
            rule["CreatedAt"] = now  # a new schedule counts its rate from now
        self.store.put_rule(ctx.region, rule)
        if tags and not existing:
            self.store.set_tags(rule["Arn"], tags_from_list(tags))
        self.rules_changed(rule)
        return {"RuleArn": rule["Arn"]}

    def rules_changed(self, rule: dict[str, Any]) -> None:
        """Hook for the schedule runner (overridden by the provider)."""

    @operation("DescribeRule")
    def describe_rule(self, ctx: RequestContext, *, name: str,
                      event_bus_name: str | None = None, **_: Any) -> dict[str, Any]:
        rule = self.rule(ctx, name, event_bus_name)
        out = _rule_out(rule)
        out["CreatedBy"] = rule.get("CreatedBy", ctx.account_id)
        return out

    @operation("ListRules")
    def list_rules(self, ctx: RequestContext, *, name_prefix: str | None = None,
                   event_bus_name: str | None = None, next_token: str | None = None,
                   limit: int | None = None, **_: Any) -> dict[str, Any]:
        bus = self.existing_bus(ctx, event_bus_name)
        rules = [rule for rule in self.store.list_rules(ctx.region, bus)
                 if rule["Name"].startswith(name_prefix or "")]
        chunk, token = page(rules, next_token, limit)
        out: dict[str, Any] = {"Rules": [_rule_out(rule) for rule in chunk]}
        if token:
            out["NextToken"] = token
        return out

    @operation("DeleteRule")
    def delete_rule(self, ctx: RequestContext, *, name: str, event_bus_name: str | None = None,
                    force: bool | None = None, **_: Any) -> dict[str, Any]:
        bus = self.existing_bus(ctx, event_bus_name)
        rule = self.store.get_rule(ctx.region, bus, name)
        if rule is None:
            return {}  # AWS answers success for a rule that is already gone
        if rule.get("ManagedBy") and not force:
            raise ManagedRuleException(
                f"Rule {name} is managed by {rule['ManagedBy']}; use Force to delete it.")
        if self.store.list_targets(ctx.region, bus, name):
            raise ValidationException("Rule can't be deleted since it has targets.")
        self.store.delete_rule(ctx.region, bus, name)
        self.rules_changed(rule)
        return {}

    @operation("EnableRule")
    def enable_rule(self, ctx: RequestContext, *, name: str,
                    event_bus_name: str | None = None, **_: Any) -> dict[str, Any]:
        return self._set_state(ctx, name, event_bus_name, "ENABLED")

    @operation("DisableRule")
    def disable_rule(self, ctx: RequestContext, *, name: str,
                     event_bus_name: str | None = None, **_: Any) -> dict[str, Any]:
        return self._set_state(ctx, name, event_bus_name, "DISABLED")

    def _set_state(self, ctx: RequestContext, name: str, event_bus_name: str | None,
                   state: str) -> dict[str, Any]:
        rule = self.rule(ctx, name, event_bus_name)
        if rule["State"] != state:
            rule["State"] = state
            self.store.put_rule(ctx.region, rule)
            self.rules_changed(rule)
        return {}


def _rule_out(rule: dict[str, Any]) -> dict[str, Any]:
    return {member: rule[member] for member in RULE_MEMBERS if member in rule}


def pattern_text(value: Any) -> str:
    """CloudFormation gives EventPattern as an object or a JSON string."""
    return value if isinstance(value, str) else json.dumps(value)

"""Targets: PutTargets, RemoveTargets, ListTargetsByRule, ListRuleNamesByTarget."""

from __future__ import annotations

import re
from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.services.base import RequestContext, operation
from fogbank.services.events.common import page
from fogbank.services.events.errors import LimitExceededException, ValidationException
from fogbank.services.events.rules import RuleOperations
from fogbank.services.events.transform import TransformError, check_path, check_transformer

TARGET_ID = re.compile(r"[\.\-_A-Za-z0-9]+\Z")
MAX_TARGETS_PER_RULE = 5
MAX_TARGETS_PER_CALL = 10
MAX_INPUT_CHARS = 8192
TARGET_MEMBERS = ("Id", "Arn", "RoleArn", "Input", "InputPath", "InputTransformer",
                  "KinesisParameters", "RunCommandParameters", "EcsParameters",
                  "BatchParameters", "SqsParameters", "HttpParameters",
                  "RedshiftDataParameters", "SageMakerPipelineParameters", "DeadLetterConfig",
                  "RetryPolicy", "AppSyncParameters")


def check_target(target: dict[str, Any]) -> None:
    """Raise ``ValidationException`` for what AWS rejects for the whole call."""
    target_id = str(target.get("Id", ""))
    if not (1 <= len(target_id) <= 64 and TARGET_ID.match(target_id)):
        raise ValidationException(
            f"1 validation error detected: Value '{target_id}' at 'targets.1.member.id' failed"
            " to satisfy constraint: Member must satisfy regular expression pattern:"
            r" [\.\-_A-Za-z0-9]+")
    arn = str(target.get("Arn", ""))
    parsed = parse_arn(arn)
    if parsed is None:
        raise ValidationException(
            f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.")
    given = [member for member in ("Input", "InputPath", "InputTransformer")
             if target.get(member) is not None]
    if len(given) > 1:
        raise ValidationException(
            f"Parameter(s) {', '.join(given)} are mutually exclusive for target:"
            f" {target_id}.")
    try:
        if target.get("InputPath") is not None:
            check_path(str(target["InputPath"]))
        if target.get("InputTransformer") is not None:
            check_transformer(dict(target["InputTransformer"]))
    except TransformError as exc:
        raise ValidationException(str(exc)) from exc
    if parsed.service == "sqs" and parsed.resource.endswith(".fifo") and not (
            target.get("SqsParameters") or {}).get("MessageGroupId"):
        raise ValidationException(
            f"Parameter(s) SqsParameters must be specified for target: {target_id}.")
    if len(str(target.get("Input") or "")) > MAX_INPUT_CHARS:
        raise ValidationException(
            "1 validation error detected: Value at 'targets.1.member.input' failed to satisfy"
            f" constraint: Member must have length less than or equal to {MAX_INPUT_CHARS}")
    dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
    if dead_letter is not None:
        parsed_dlq = parse_arn(str(dead_letter))
        if parsed_dlq is None or parsed_dlq.service != "sqs":
            raise ValidationException(
                f"Parameter DeadLetterConfig.Arn is not valid for target: {target_id}."
                " Reason: Only SQS queues are supported as dead-letter queues.")
    policy = target.get("RetryPolicy") or {}
    retries = policy.get("MaximumRetryAttempts")
    age = policy.get("MaximumEventAgeInSeconds")
    if retries is not None and not 0 <= int(retries) <= 185:
        raise ValidationException(
            "1 validation error detected: Value at 'maximumRetryAttempts' failed to satisfy"
            " constraint: Member must have value between 0 and 185")
    if age is not None and not 60 <= int(age) <= 86400:
        raise ValidationException(
            "1 validation error detected: Value at 'maximumEventAgeInSeconds' failed to"
            " satisfy constraint: Member must have value between 60 and 86400")


class TargetOperations(RuleOperations):
    @operation("PutTargets")
    def put_targets(self, ctx: RequestContext, *, rule: str, targets: list[dict[str, Any]],
                    event_bus_name: str | None = None, **_: Any) -> dict[str, Any]:
        if not 1 <= len(targets) <= MAX_TARGETS_PER_CALL:
            raise ValidationException(
                "1 validation error detected: Value at 'targets' failed to satisfy constraint:"
                " Member must have length less than or equal to 10")
        for target in targets:
            check_target(target)
        found = self.rule(ctx, rule, event_bus_name)
        bus = found["EventBusName"]
        existing = {t["Id"] for t in self.store.list_targets(ctx.region, bus, rule)}
        new_ids = {str(t["Id"]) for t in targets} - existing
        if len(existing) + len(new_ids) > MAX_TARGETS_PER_RULE:
            raise LimitExceededException(
                f"The requested resource exceeds the maximum number allowed."
                f" Rule {rule} can have at most {MAX_TARGETS_PER_RULE} targets.")
        for target in targets:
            stored = {member: target[member] for member in TARGET_MEMBERS if member in target}
            self.store.put_target(ctx.region, bus, rule, stored)
        return {"FailedEntryCount": 0, "FailedEntries": []}

    @operation("RemoveTargets")
    def remove_targets(self, ctx: RequestContext, *, rule: str, ids: list[str],
                       event_bus_name: str | None = None, force: bool | None = None,
                       **_: Any) -> dict[str, Any]:
        found = self.rule(ctx, rule, event_bus_name)
        for target_id in ids:
            self.store.delete_target(ctx.region, found["EventBusName"], rule, target_id)
        return {"FailedEntryCount": 0, "FailedEntries": []}

    @operation("ListTargetsByRule")
    def list_targets_by_rule(self, ctx: RequestContext, *, rule: str,
                             event_bus_name: str | None = None, next_token: str | None = None,
                             limit: int | None = None, **_: Any) -> dict[str, Any]:
        found = self.rule(ctx, rule, event_bus_name)
        targets = self.store.list_targets(ctx.region, found["EventBusName"], rule)
        chunk, token = page(targets, next_token, limit)
        out: dict[str, Any] = {"Targets": chunk}
        if token:
            out["NextToken"] = token
        return out

    @operation("ListRuleNamesByTarget")
    def list_rule_names_by_target(self, ctx: RequestContext, *, target_arn: str,
                                  event_bus_name: str | None = None,
                                  next_token: str | None = None, limit: int | None = None,
                                  **_: Any) -> dict[str, Any]:
        bus = self.existing_bus(ctx, event_bus_name)
        names = [rule["Name"] for rule in self.store.list_rules(ctx.region, bus)
                 if any(t["Arn"] == target_arn
                        for t in self.store.list_targets(ctx.region, bus, rule["Name"]))]
        chunk, token = page(names, next_token, limit)
        out: dict[str, Any] = {"RuleNames": chunk}
        if token:
            out["NextToken"] = token
        return out

"""Notification configurations: validation, and which configurations an object event
matches (event names with ``*`` wildcards, ``prefix``/``suffix`` key filter rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fogbank.services.s3.config.errors import InvalidArgument, MalformedXML

EVENT_NAMES = frozenset({
    "s3:ReducedRedundancyLostObject",
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:Replication:*", "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put",
    "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
})

# API member → (target kind, ARN member, ARN service)
CONFIGURATION_LISTS: dict[str, tuple[str, str, str]] = {
    "TopicConfigurations": ("topic", "TopicArn", "sns"),
    "QueueConfigurations": ("queue", "QueueArn", "sqs"),
    "LambdaFunctionConfigurations": ("lambda", "LambdaFunctionArn", "lambda"),
}


@dataclass(frozen=True)
class Target:
    """One configuration flattened: where to send which events for which keys."""

    kind: str  # "topic" | "queue" | "lambda"
    configuration_id: str
    arn: str
    events: tuple[str, ...]
    prefix: str
    suffix: str

    def matches(self, event_name: str, key: str) -> bool:
        """``event_name`` without ``s3:`` (``ObjectCreated:Put``)."""
        return (any(event_matches(pattern, event_name) for pattern in self.events)
                and key.startswith(self.prefix) and key.endswith(self.suffix))


def event_matches(pattern: str, event_name: str) -> bool:
    pattern = pattern.removeprefix("s3:")
    if pattern.endswith(":*"):
        return event_name.startswith(pattern[:-1])
    return pattern == event_name


def _filter_rules(configuration: dict[str, Any]) -> tuple[str, str]:
    filter_ = configuration.get("Filter")
    if filter_ is None:
        return "", ""
    rules = ((filter_ or {}).get("Key") or {}).get("FilterRules") or []
    if not isinstance(rules, list):
        raise MalformedXML()
    found: dict[str, str] = {}
    for rule in rules:
        name = str((rule or {}).get("Name", "")).lower()
        if name not in ("prefix", "suffix"):
            raise InvalidArgument("filter rule name must be either prefix or suffix",
                                  fields={"ArgumentName": "FilterRule.Name",
                                          "ArgumentValue": str((rule or {}).get("Name"))})
        if name in found:
            raise InvalidArgument(f"Cannot specify more than one {name} rule in a filter.",
                                  fields={"ArgumentName": "FilterRule.Name",
                                          "ArgumentValue": name})
        found[name] = str(rule.get("Value", ""))
    return found.get("prefix", ""), found.get("suffix", "")


def targets_of(document: dict[str, Any]) -> list[Target]:
    """The targets of a stored notification configuration, in document order."""
    targets: list[Target] = []
    for member, (kind, arn_member, _service) in CONFIGURATION_LISTS.items():
        for configuration in document.get(member) or []:
            prefix, suffix = _filter_rules(configuration)
            targets.append(Target(kind, str(configuration.get("Id", "")),
                                  str(configuration.get(arn_member, "")),
                                  tuple(configuration.get("Events") or ()), prefix, suffix))
    return targets


def check_notification(document: Any, new_id: Any) -> dict[str, Any]:
    """Validate a NotificationConfiguration; the document to store (every configuration
    gets an ``Id``, made by ``new_id()`` when absent, as S3 does)."""
    if not isinstance(document, dict):
        raise MalformedXML()
    stored: dict[str, Any] = {}
    for member, (_kind, arn_member, service) in CONFIGURATION_LISTS.items():
        configurations = document.get(member)
        if configurations is None:
            continue
        if not isinstance(configurations, list):
            raise MalformedXML()
        cleaned = []
        for configuration in configurations:
            if not isinstance(configuration, dict) or not configuration.get(arn_member) \
                    or not configuration.get("Events"):
                raise MalformedXML()
            arn = str(configuration[arn_member])
            if not _arn_well_formed(arn, service):
                raise InvalidArgument("The ARN is not well formed",
                                      fields={"ArgumentName": arn_member,
                                              "ArgumentValue": arn})
            for event in configuration["Events"]:
                if event not in EVENT_NAMES:
                    raise InvalidArgument("The event is not supported for notifications",
                                          fields={"ArgumentName": "Event",
                                                  "ArgumentValue": str(event)})
            entry = dict(configuration)
            entry["Id"] = str(configuration.get("Id") or new_id())
            _filter_rules(configuration)
            if configuration.get("Filter"):
                # S3 gives the rule names back capitalised, whatever the request said.
                rules = configuration["Filter"].get("Key", {}).get("FilterRules") or []
                entry["Filter"] = {"Key": {"FilterRules": [
                    {"Name": str(rule["Name"]).capitalize(), "Value": str(rule.get("Value",
                                                                                   ""))}
                    for rule in rules]}}
            cleaned.append(entry)
        if cleaned:
            stored[member] = cleaned
    if "EventBridgeConfiguration" in document and document["EventBridgeConfiguration"] \
            is not None:
        stored["EventBridgeConfiguration"] = {}
    _check_overlap(targets_of(stored))
    return stored


def _arn_well_formed(arn: str, service: str) -> bool:
    parts = arn.split(":")
    return (len(parts) >= 6 and parts[0] == "arn" and parts[2] == service
            and bool(parts[3]) and bool(parts[4]) and bool(parts[-1]))


def _check_overlap(targets: list[Target]) -> None:
    for index, first in enumerate(targets):
        for second in targets[index + 1:]:
            if _events_overlap(first.events, second.events) \
                    and _affixes_overlap(first.prefix, second.prefix, str.startswith) \
                    and _affixes_overlap(first.suffix, second.suffix, str.endswith):
                raise InvalidArgument(
                    "Configurations overlap. Configurations on the same bucket cannot share "
                    "a common event type.",
                    fields={"ArgumentName": "Event", "ArgumentValue": "Event"})


def _events_overlap(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    for a in first:
        for b in second:
            if a == b or (a.endswith(":*") and b.startswith(a[:-1])) \
                    or (b.endswith(":*") and a.startswith(b[:-1])):
                return True
    return False


def _affixes_overlap(first: str, second: str, test: Any) -> bool:
    return bool(test(first, second) or test(second, first))

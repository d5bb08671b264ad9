"""FilterCriteria of event source mappings: EventBridge patterns over each record.

A record passes when any of the mapping's filters matches it. For SQS the ``body`` is
matched as parsed JSON when it is a JSON object, else as a plain string; a stream record is
matched as delivered (``eventName``, ``dynamodb.NewImage`` ...). The pattern language and
its matcher are EventBridge's (``fogbank.services.events.patterns``), as in AWS.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.events.patterns import Pattern, PatternError, compile_pattern
from fogbank.services.lambda_.errors import InvalidParameterValueException

MAX_FILTERS = 5


def parse_filter_criteria(value: Any) -> list[Pattern]:
    """The compiled patterns of a ``FilterCriteria`` value; raises AWS's error for bad
    ones."""
    if value in (None, {}):
        return []
    if not isinstance(value, dict) or not isinstance(value.get("Filters", []), list):
        raise InvalidParameterValueException("Invalid filter pattern definition.")
    filters = value.get("Filters") or []
    if len(filters) > MAX_FILTERS:
        raise InvalidParameterValueException(
            f"The number of filters exceeds the limit of {MAX_FILTERS}.")
    patterns: list[Pattern] = []
    for entry in filters:
        text = entry.get("Pattern") if isinstance(entry, dict) else None
        if not isinstance(text, str):
            raise InvalidParameterValueException("Invalid filter pattern definition.")
        try:
            patterns.append(compile_pattern(text))
        except PatternError as exc:
            raise InvalidParameterValueException(
                f"Invalid filter pattern definition. {exc}".strip()) from exc
    return patterns


class RecordFilter:
    """Decides, per record, whether a mapping delivers it."""

    def __init__(self, filter_criteria: dict[str, Any] | None) -> None:
        self.patterns = parse_filter_criteria(filter_criteria) if filter_criteria else []

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def passes_sqs(self, record: dict[str, Any]) -> bool:
        if not self.patterns:
            return True
        subject = dict(record)
        body = record.get("body")
        if isinstance(body, str):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                subject["body"] = parsed
        return self._any(subject)

    def passes(self, record: dict[str, Any]) -> bool:
        return not self.patterns or self._any(record)

    def _any(self, subject: dict[str, Any]) -> bool:
        for pattern in self.patterns:
            try:
                if pattern.matches(subject):
                    return True
            except (TypeError, ValueError):
                continue
        return False

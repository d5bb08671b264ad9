"""Lambda's log shipping respects PutLogEvents' limits and survives a deleted log group."""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.lambda_.logs import (
    MAX_BATCH_BYTES,
    MAX_EVENT_BYTES,
    LogShipper,
    put_batches,
)


def test_batches_are_time_ordered_and_within_limits():
    events = [(3, "c"), (1, "a"), (2, "b")] + [(10 + i, "x" * 1000) for i in range(12_000)]
    batches = put_batches(events)
    assert batches[0][:3] == [(1, "a"), (2, "b"), (3, "c")]
    assert sum(len(batch) for batch in batches) == len(events)
    for batch in batches:
        assert len(batch) <= 10_000
        assert sum(len(m.encode()) + 26 for _, m in batch) <= MAX_BATCH_BYTES
        assert [t for t, _ in batch] == sorted(t for t, _ in batch)


def test_oversized_event_is_truncated_and_day_span_splits():
    huge = put_batches([(1, "é" * MAX_EVENT_BYTES)])
    message = huge[0][0][1]
    assert len(message.encode()) + 26 <= MAX_EVENT_BYTES
    assert message.endswith("[truncated]")
    day_ms = 24 * 3600 * 1000
    assert len(put_batches([(0, "a"), (day_ms + 1, "b")])) == 2


class NotFound(ServiceError):
    code = "ResourceNotFoundException"


class FakeLogs:
    """A logs service whose group the user deleted after the first delivery."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.group_exists = False

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None,
                   *, region: str | None = None) -> dict[str, Any]:
        self.calls.append((operation, params or {}))
        if operation == "CreateLogGroup":
            self.group_exists = True
        if operation == "PutLogEvents" and not self.group_exists:
            raise NotFound("The specified log group does not exist.")
        return {}


def test_deleted_log_group_is_recreated():
    async def scenario() -> FakeLogs:
        fake = FakeLogs()
        shipper = LogShipper(fake)
        shipper.submit("/aws/lambda/f", "s", [(1, "first")])
        await shipper.flush()
        fake.group_exists = False  # the user deleted the group
        shipper.submit("/aws/lambda/f", "s", [(2, "second")])
        await shipper.flush()
        await shipper.stop()
        return fake

    fake = asyncio.run(scenario())
    puts = [params["logEvents"][0]["message"] for op, params in fake.calls
            if op == "PutLogEvents" and fake]
    assert puts[-1] == "second"
    assert [op for op, _ in fake.calls].count("CreateLogGroup") == 2

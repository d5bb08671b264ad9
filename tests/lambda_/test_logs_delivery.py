"""Log delivery never fails an invoke, even without a CloudWatch Logs service."""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.core.errors import NotImplementedOperation
from fogbank.services.lambda_.logs import LogShipper


class NoLogsService:
    def __init__(self) -> None:
        self.calls = 0

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None, *,
                   region: str | None = None) -> dict[str, Any]:
        self.calls += 1
        raise NotImplementedOperation(service, operation)


def test_missing_logs_service_is_tolerated() -> None:
    client = NoLogsService()

    async def scenario() -> None:
        shipper = LogShipper(client)
        shipper.submit("/aws/lambda/f", "2026/01/01/[$LATEST]abc", [(1, "START RequestId: x")])
        shipper.submit("/aws/lambda/f", "2026/01/01/[$LATEST]abc", [(2, "END RequestId: x")])
        await shipper.flush()
        await shipper.stop()

    asyncio.run(scenario())
    assert client.calls >= 1


class Recorder:
    def __init__(self) -> None:
        self.puts: list[dict[str, Any]] = []

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None, *,
                   region: str | None = None) -> dict[str, Any]:
        if operation == "PutLogEvents":
            self.puts.append(dict(params or {}))
        return {}


def test_batches_for_one_stream_are_coalesced_in_order() -> None:
    client = Recorder()

    async def scenario() -> None:
        shipper = LogShipper(client)
        for index in range(5):
            shipper.submit("/aws/lambda/f", "s", [(index, f"line {index}")])
        await shipper.stop()

    asyncio.run(scenario())
    messages = [e["message"] for put in client.puts for e in put["logEvents"]]
    assert messages == [f"line {index}" for index in range(5)]
    assert len(client.puts) < 5

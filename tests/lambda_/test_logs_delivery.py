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


def test_flush_does_not_wait_out_the_batching_delay() -> None:
    client = Recorder()

    async def scenario() -> None:
        shipper = LogShipper(client, flush_interval_s=60.0, prompt_s=60.0)
        shipper.submit("/aws/lambda/f", "s", [(1, "one")])
        await asyncio.wait_for(shipper.flush(), 5.0)
        assert [e["message"] for put in client.puts for e in put["logEvents"]] == ["one"]
        shipper.submit("/aws/lambda/f", "s", [(2, "two")])
        await asyncio.wait_for(shipper.flush(), 5.0)
        await shipper.stop()

    asyncio.run(scenario())
    assert [e["message"] for put in client.puts for e in put["logEvents"]] == ["one", "two"]


def test_lines_submitted_while_shipping_follow_in_order_per_stream() -> None:
    client = Recorder()

    async def scenario() -> None:
        shipper = LogShipper(client, flush_interval_s=0.001, prompt_s=0.001)
        for index in range(40):
            shipper.submit("/aws/lambda/f", f"s{index % 3}", [(index, f"line {index}")])
            if index % 7 == 0:
                await asyncio.sleep(0.002)
        await shipper.stop()

    asyncio.run(scenario())
    for stream in ("s0", "s1", "s2"):
        shipped = [int(e["message"].split()[1]) for put in client.puts
                   if put["logStreamName"] == stream for e in put["logEvents"]]
        assert shipped == [i for i in range(40) if f"s{i % 3}" == stream]

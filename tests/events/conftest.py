"""An EventBridge provider on a ManualClock with a recording fake of the other services."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import CommonServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.events.provider import EventsProvider

REGION = "eu-west-1"
ACCOUNT = "000000000000"


class FakeClient:
    """Records calls to other services; ``failures`` makes the next N calls of an operation
    fail with the given error code."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.failures: dict[str, list[str]] = {}
        self.events: EventsProvider | None = None

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None,
                   *, region: str | None = None) -> dict[str, Any]:
        params = dict(params or {})
        if service == "events" and self.events is not None:
            ctx = RequestContext(service, operation, region or REGION, ACCOUNT, "r",
                                 internal=True)
            from fogbank.services.dispatch import Dispatcher
            dispatcher = Dispatcher([self.events], region=REGION, account_id=ACCOUNT,
                                    ids=Ids(seed=1))
            return await dispatcher.dispatch(ctx, params)
        self.calls.append((service, operation, params))
        pending = self.failures.get(operation)
        if pending:
            code = pending.pop(0)
            status = 500 if code == "ServiceException" else 400
            raise CommonServiceError(code, f"{code} from fake", status=status,
                                     sender_fault=status < 500)
        if operation == "GetQueueUrl":
            return {"QueueUrl": f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/"
                                f"{params['QueueName']}"}
        return {}

    def of(self, operation: str) -> list[dict[str, Any]]:
        return [params for _, op, params in self.calls if op == operation]


class Harness:
    def __init__(self, tmp_path: Any, clock: ManualClock | None = None,
                 client: FakeClient | None = None) -> None:
        self.tmp_path = tmp_path
        self.clock = clock or ManualClock()
        self.client = client or FakeClient()
        config = CloudConfig(state_dir=tmp_path, region=REGION)
        self.provider = EventsProvider(ServiceContext(
            config, self.clock, Ids(seed=3), self.client, config.service_dir("events")))
        self.client.events = self.provider

    def ctx(self, operation: str = "x") -> RequestContext:
        return RequestContext("events", operation, REGION, ACCOUNT, "req")

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.provider, name)

        def call(**kwargs: Any) -> Any:
            return method(self.ctx(), **kwargs)

        return call

    async def settle(self, rounds: int = 20) -> None:
        """Let background tasks run (no wall-clock waiting on AWS-visible time)."""
        for _ in range(rounds):
            await asyncio.sleep(0)

    def restart(self, clock: ManualClock | None = None) -> Harness:
        return Harness(self.tmp_path, clock or self.clock, FakeClient())


@pytest.fixture
def harness(tmp_path: Any) -> Harness:
    return Harness(tmp_path)

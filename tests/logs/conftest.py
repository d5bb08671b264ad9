"""Fixtures for CloudWatch Logs tests: a provider on a temp state dir, called through the
dispatcher by AWS operation name with AWS parameters, results checked against botocore."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.dispatch import Dispatcher
from fogbank.services.logs import LogsProvider
from tests.logs.botocore_shapes import assert_matches_shape, service_model


class Cloud:
    """One provider on a state dir, called like the wire would call it."""

    def __init__(self, state_dir: Path, clock: ManualClock, region: str = "us-east-1") -> None:
        self.clock = clock
        self.config = CloudConfig(state_dir=state_dir, region=region)
        self.ids = Ids(seed=7)
        self.dispatcher = Dispatcher([], region=region, account_id=self.config.account_id,
                                     ids=self.ids)
        ctx = ServiceContext(self.config, clock, self.ids, self.dispatcher,
                             self.config.service_dir("logs"))
        self.logs = LogsProvider(ctx)
        self.dispatcher.add(self.logs)

    def call(self, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        model = service_model("logs").operation_model(operation)
        ctx = RequestContext(service="logs", operation=operation,
                             region=region or self.config.region,
                             account_id=self.config.account_id, request_id=self.ids.uuid())
        result = asyncio.run(self.dispatcher.dispatch(ctx, params))
        if model.output_shape is not None:
            assert_matches_shape(result, model.output_shape, operation)
        else:
            assert result == {}
        return result

    def error(self, operation: str, **params: Any) -> ServiceError:
        with pytest.raises(ServiceError) as caught:
            self.call(operation, **params)
        return caught.value


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_800_000_000.0)


@pytest.fixture
def make_cloud(tmp_path: Path, clock: ManualClock) -> Callable[[], Cloud]:
    """A new provider on the same state dir each call (a restart)."""
    return lambda: Cloud(tmp_path, clock)


@pytest.fixture
def cloud(make_cloud: Callable[[], Cloud]) -> Cloud:
    return make_cloud()


@pytest.fixture
def now_ms(clock: ManualClock) -> Callable[[], int]:
    return lambda: int(clock.now() * 1000)

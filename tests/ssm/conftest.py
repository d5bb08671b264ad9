"""An SSM provider on a temp state dir behind a real botocore client (in-process wire)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import ServiceContext
from fogbank.services.dispatch import Dispatcher
from fogbank.services.ssm import SsmProvider
from tests.iam.wire import wire_client


class Cloud:
    def __init__(self, state_dir: Path, clock: ManualClock) -> None:
        self.clock = clock
        self.config = CloudConfig(state_dir=state_dir, region="us-east-1")
        self.dispatcher = Dispatcher([], region="us-east-1", account_id="000000000000",
                                     ids=Ids(seed=3))
        ctx = ServiceContext(self.config, clock, self.dispatcher.ids, self.dispatcher,
                             self.config.service_dir("ssm"))
        self.provider = SsmProvider(ctx)
        self.dispatcher.add(self.provider)
        self.ssm = wire_client("ssm", self.dispatcher)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_800_000_000.0)


@pytest.fixture
def make_cloud(tmp_path: Path, clock: ManualClock) -> Callable[[], Cloud]:
    return lambda: Cloud(tmp_path, clock)


@pytest.fixture
def ssm(make_cloud: Callable[[], Cloud]) -> Any:
    return make_cloud().ssm

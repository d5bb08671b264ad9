"""An SSM provider on a temp state dir behind a real botocore client (in-process wire)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.services.ssm import SsmProvider
from tests.single_service import SingleServiceCloud


class Cloud(SingleServiceCloud):
    def __init__(self, state_dir: Path, clock: ManualClock) -> None:
        super().__init__(state_dir, clock, SsmProvider, seed=3)
        self.ssm = self.client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_800_000_000.0)


@pytest.fixture
def make_cloud(tmp_path: Path, clock: ManualClock) -> Callable[[], Cloud]:
    return lambda: Cloud(tmp_path, clock)


@pytest.fixture
def ssm(make_cloud: Callable[[], Cloud]) -> Any:
    return make_cloud().ssm

"""A Secrets Manager provider on a temp state dir behind a real botocore client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.services.secretsmanager import SecretsManagerProvider
from tests.single_service import SingleServiceCloud


class Cloud(SingleServiceCloud):
    def __init__(self, state_dir: Path, clock: ManualClock) -> None:
        super().__init__(state_dir, clock, SecretsManagerProvider, seed=5)
        self.sm = self.client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_800_000_000.0)


@pytest.fixture
def make_cloud(tmp_path: Path, clock: ManualClock) -> Callable[[], Cloud]:
    return lambda: Cloud(tmp_path, clock)


@pytest.fixture
def sm(make_cloud: Callable[[], Cloud]) -> Any:
    return make_cloud().sm

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.core.clock import ManualClock
from tests.iam.harness import IdentityCloud


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_800_000_000.0)


@pytest.fixture
def cloud(tmp_path: Path, clock: ManualClock) -> IdentityCloud:
    return IdentityCloud(tmp_path, clock)

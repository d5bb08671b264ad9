"""The energy-billing app on a ManualClock, shared by this directory's tests.

The shared ``billing`` package (the app's layer) is put on ``sys.path`` so the tests use the
same sample generator and line items as the functions; so is this directory, for
``energy_billing_support`` (the helpers).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(APP_DIR / "layers" / "billing" / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # energy_billing_support

from fogbank.core.clock import ManualClock  # noqa: E402
from fogbank.testing import RunningApp, run_app  # noqa: E402


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(float(int(time.time())))


@pytest.fixture(scope="module")
def billing_app(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
                ) -> Iterator[RunningApp]:
    with run_app(APP_DIR, state_dir=tmp_path_factory.mktemp("energy-billing"),
                 clock=clock) as app:
        yield app


"""The product-data app on a ManualClock, shared by this directory's tests.

The app's layer (``product_data``) and root (``refresh``) are put on ``sys.path`` so the
tests use the same catalogue, receivers config and refresh as the app.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(APP_DIR / "layers" / "common" / "python"))
sys.path.insert(0, str(APP_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # product_data_support

from fogbank.core.clock import ManualClock  # noqa: E402
from fogbank.testing import RunningApp, run_app  # noqa: E402


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(float(int(time.time())))


@pytest.fixture(scope="module")
def product_app(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
                ) -> Iterator[RunningApp]:
    with run_app(APP_DIR, state_dir=tmp_path_factory.mktemp("product-data"),
                 clock=clock) as app:
        yield app

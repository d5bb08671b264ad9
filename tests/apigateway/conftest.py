"""Fixtures of the API Gateway tests (the harness lives in ``harness.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apigateway.harness import Cloud


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Cloud]:
    made = Cloud(tmp_path / ".fogbank")
    yield made
    made.close()

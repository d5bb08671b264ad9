"""Fixtures for the protocol tests: one shared layer (models load once per session)."""

from __future__ import annotations

import pytest

from fogbank.protocol import ProtocolLayer


@pytest.fixture(scope="session")
def layer() -> ProtocolLayer:
    return ProtocolLayer()

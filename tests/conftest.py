"""Shared test helpers: the repository's paths and copies of example apps."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# CI must not depend on luck: property tests replay the same examples there.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SPECS = REPO.parent / "shared" / "specs"
APPS = Path(__file__).resolve().parent / "e2e" / "apps"


def copy_app(source: Path, destination: Path) -> Path:
    """Copy an application without its local state, so tests never share a .fogbank/."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    return destination


@pytest.fixture
def app_copy(tmp_path: Path):
    def make(source: Path) -> Path:
        return copy_app(source, tmp_path / source.name)

    return make

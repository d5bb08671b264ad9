"""pytest plugin: the ``fogbank_app`` and ``fogbank_run`` fixtures.

``fogbank_app`` deploys the template named by a ``fogbank_template`` fixture (override it in
your conftest or module) once per module, in a state directory of its own.
``fogbank_run(path)`` deploys any template inside a test and tears it down afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from fogbank.testing.runner import RunningApp, run_app


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    """Path of the template ``fogbank_app`` deploys; override this fixture."""
    raise pytest.UsageError(
        "define a fogbank_template fixture returning your template's path to use fogbank_app"
    )


@pytest.fixture(scope="module")
def fogbank_app(fogbank_template: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[RunningApp]:
    state_dir = tmp_path_factory.mktemp("fogbank-state")
    with run_app(Path(fogbank_template), state_dir=state_dir) as app:
        yield app


@pytest.fixture
def fogbank_run(tmp_path: Path) -> Iterator[Callable[..., RunningApp]]:
    with ExitStack() as stack:
        counter = iter(range(1_000_000))

        def start(path: str | Path, **kwargs: Any) -> RunningApp:
            kwargs.setdefault("state_dir", tmp_path / f"fogbank-state-{next(counter)}")
            return stack.enter_context(run_app(path, **kwargs))

        yield start

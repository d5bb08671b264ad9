"""Fixtures shared by every StockFlux test module (App Directory, market data, front end).

- ``stockflux_template``: the example's directory (what ``fogbank up`` takes).
- ``stockflux_app``: the template deployed ONCE per test session with default parameters, on
  the real clock; tests treat it as shared - read freely, and clean up (or use ids of their
  own) whatever they write.
- ``fogbank_app``: the same template, deployed once per module (the fogbank pytest plugin's
  fixture, pointed at StockFlux here) - for a module that needs a stack of its own.
- ``stockflux_run(parameters=None, clock=None)``: deploys a fresh copy inside one test (other
  parameters such as ``{"AppDirectoryAuth": "jwt"}``, or a ``ManualClock``) and tears it down
  when the test ends.
- ``load_handler(function_dir, module="app")``: imports ``src/<function_dir>/<module>.py`` for
  pure unit tests, with that directory first on ``sys.path`` (as Lambda puts the CodeUri).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from fogbank.testing import RunningApp, run_app

EXAMPLE = Path(__file__).resolve().parent.parent
SRC = EXAMPLE / "src"


@pytest.fixture(scope="session")
def stockflux_template() -> Path:
    return EXAMPLE


@pytest.fixture(scope="module")
def fogbank_template(stockflux_template: Path) -> str:
    return str(stockflux_template)


@pytest.fixture(scope="session")
def stockflux_app(stockflux_template: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[RunningApp]:
    state_dir = tmp_path_factory.mktemp("stockflux-state")
    with run_app(stockflux_template, state_dir=state_dir) as app:
        yield app


@pytest.fixture
def stockflux_run(stockflux_template: Path, tmp_path: Path
                  ) -> Iterator[Callable[..., RunningApp]]:
    with ExitStack() as stack:
        counter = iter(range(1_000_000))

        def start(parameters: dict[str, str] | None = None, **kwargs: Any) -> RunningApp:
            kwargs.setdefault("state_dir", tmp_path / f"stockflux-state-{next(counter)}")
            return stack.enter_context(run_app(stockflux_template, parameters=parameters,
                                               **kwargs))

        yield start


def _load(function_dir: str, module: str = "app") -> ModuleType:
    directory = SRC / function_dir
    name = f"stockflux_{function_dir}_{module}"
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(directory))
    try:
        spec = importlib.util.spec_from_file_location(name, directory / f"{module}.py")
        assert spec and spec.loader
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded
        spec.loader.exec_module(loaded)
    finally:
        # Stays importable, last on the path, for the modules a handler imports on first use
        # (Lambda keeps the CodeUri on sys.path for the environment's life).
        sys.path.remove(str(directory))
        sys.path.append(str(directory))
    return loaded


@pytest.fixture(scope="session")
def load_handler() -> Callable[..., ModuleType]:
    return _load

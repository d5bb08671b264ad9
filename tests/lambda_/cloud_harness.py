"""A whole local cloud (every provider, one dispatcher) driven from a test's event-loop
runner: for event source mappings and asynchronous invocation, which need Lambda plus the
services it polls and delivers to."""

from __future__ import annotations

import asyncio
import json
import textwrap
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from fogbank.cloud import Cloud
from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig

T = TypeVar("T")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"


class CloudHarness:
    def __init__(self, runner: asyncio.Runner, root: Path, clock: Clock | None = None) -> None:
        self.runner = runner
        self.root = root
        self.clock = clock or Clock()
        self.cloud = Cloud(CloudConfig(state_dir=root / "state", region="us-east-1"),
                           clock=self.clock)
        self._counter = 0
        self.run(self.cloud.start())

    @property
    def lam(self) -> Any:
        return self.cloud.provider("lambda")

    def run(self, awaitable: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await awaitable

        return self.runner.run(wrapped())

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        return self.run(self.cloud.dispatcher.call(service, operation, params))

    def unique(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter}"

    def function(self, source: str, **params: Any) -> str:
        """A hot-reload Python function from ``app.py`` source; returns its name."""
        name = self.unique("fn")
        directory = self.root / "code" / name
        directory.mkdir(parents=True)
        (directory / "app.py").write_text(textwrap.dedent(source))
        self.call("lambda", "CreateFunction", FunctionName=name, Runtime="python3.11",
                  Role=ROLE, Handler="app.handler",
                  Code={"S3Bucket": "hot-reload", "S3Key": str(directory)}, **params)
        return name

    def wait_for(self, check: Callable[[], T], timeout_s: float = 20.0,
                 step_s: float = 0.02) -> T:
        """Let the cloud's loop run until ``check()`` is truthy; returns its value."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout_s} s")
            self.run(asyncio.sleep(step_s))

    def stop(self) -> None:
        self.run(self.cloud.stop())


def read_lines(path: Path) -> list[Any]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

"""Fixtures for Lambda tests: one provider (and so one zygote) shared by the whole session,
called through the dispatcher with AWS parameter names; an internal-client stand-in records
the CloudWatch Logs calls."""

from __future__ import annotations

import asyncio
import io
import textwrap
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import NotImplementedOperation, ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import ServiceContext
from fogbank.services.dispatch import Dispatcher
from fogbank.services.lambda_.provider import LambdaProvider

T = TypeVar("T")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"


class ResourceAlreadyExistsException(ServiceError):
    pass


class RecordingClient:
    """Stands in for the internal client: records every call; ``logs`` succeeds (raising
    ResourceAlreadyExists for repeats, as the real service does); other services are absent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self._created: set[tuple[str, ...]] = set()

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None, *,
                   region: str | None = None) -> dict[str, Any]:
        params = dict(params or {})
        self.calls.append((service, operation, params))
        if service != "logs":
            raise NotImplementedOperation(service, operation)
        if operation in ("CreateLogGroup", "CreateLogStream"):
            key = (operation, *(str(v) for v in params.values()))
            if key in self._created:
                raise ResourceAlreadyExistsException("The specified log group already exists")
            self._created.add(key)
        return {}

    def log_messages(self, stream: str | None = None) -> list[str]:
        return [event["message"] for service, op, params in self.calls
                if op == "PutLogEvents" and (stream is None or params["logStreamName"] == stream)
                for event in params["logEvents"]]


class LambdaHarness:
    """A provider plus helpers to write handler code and call operations."""

    def __init__(self, runner: asyncio.Runner, state_dir: Path, code_root: Path,
                 cache_dir: Path) -> None:
        self.runner = runner
        self.state_dir = state_dir
        self.code_root = code_root
        self.cache_dir = cache_dir
        self.client = RecordingClient()
        self.ids = Ids()
        self.provider = self.new_provider()
        self.dispatcher = Dispatcher([self.provider], region="us-east-1",
                                     account_id="000000000000", ids=self.ids)
        self._counter = 0

    def new_provider(self) -> LambdaProvider:
        config = CloudConfig(state_dir=self.state_dir.parent, region="us-east-1")
        ctx = ServiceContext(config=config, clock=Clock(), ids=self.ids, client=self.client,
                             state_dir=self.state_dir)
        return LambdaProvider(ctx, cache_dir=self.cache_dir, async_retry_delays_s=(0.05, 0.05))

    def run(self, awaitable: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await awaitable

        return self.runner.run(wrapped())

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.run(self.dispatcher.call("lambda", operation, params))

    def unique(self, prefix: str = "fn") -> str:
        self._counter += 1
        return f"{prefix}-{self._counter}"

    def code_dir(self, files: dict[str, str]) -> Path:
        directory = self.code_root / self.unique("code")
        directory.mkdir(parents=True)
        for name, text in files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return directory

    def create(self, handler_source: str, *, name: str | None = None, handler: str = "app.handler",
               files: dict[str, str] | None = None, **params: Any) -> str:
        """Create a hot-reload function from ``app.py`` source; returns its name."""
        name = name or self.unique()
        directory = self.code_dir({"app.py": handler_source, **(files or {})})
        self.call("CreateFunction", FunctionName=name, Runtime="python3.11", Role=ROLE,
                  Handler=handler, Code={"S3Bucket": "hot-reload", "S3Key": str(directory)},
                  **params)
        return name

    def invoke(self, name: str, payload: bytes = b"{}", **params: Any) -> dict[str, Any]:
        return self.call("Invoke", FunctionName=name, Payload=payload, **params)


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


@pytest.fixture(scope="session")
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as session_runner:
        yield session_runner


@pytest.fixture(scope="session")
def lam(runner: asyncio.Runner,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[LambdaHarness]:
    root = tmp_path_factory.mktemp("lambda")
    harness = LambdaHarness(runner, root / "state" / "lambda", root / "code", root / "cache")
    harness.run(harness.provider.start())
    yield harness
    harness.run(harness.provider.stop())


@pytest.fixture
def expect_error(lam: LambdaHarness) -> Callable[..., ServiceError]:
    def check(code: str, operation: str, **params: Any) -> ServiceError:
        with pytest.raises(ServiceError) as caught:
            lam.call(operation, **params)
        assert caught.value.error_code == code, caught.value
        return caught.value

    return check

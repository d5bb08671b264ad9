"""A local cloud for tests, served by an event loop in a background thread."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from fogbank.app import DeployedStack, LocalApp
from fogbank.core.clock import Clock
from fogbank.server.loop import new_event_loop

T = TypeVar("T")


@dataclass
class InvokeResult:
    """One synchronous invocation as Lambda's Invoke API reports it."""

    status_code: int
    payload: Any  # the decoded JSON payload (raw text if it is not JSON)
    function_error: str | None
    log_tail: str

    @property
    def ok(self) -> bool:
        return self.function_error is None


class RunningApp:
    """A deployed template; synchronous methods safe to call from test code."""

    def __init__(self, app: LocalApp, loop: asyncio.AbstractEventLoop,
                 stack: DeployedStack) -> None:
        self._app = app
        self._loop = loop
        self.stack = stack

    @property
    def api_url(self) -> str:
        return self._app.api_url

    @property
    def edge_url(self) -> str:
        return self._app.edge_url

    @property
    def region(self) -> str:
        return self._app.server.config.region

    @property
    def cloud(self) -> Any:
        return self._app.cloud

    def run(self, coroutine: Coroutine[Any, Any, T], timeout_s: float = 300) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout_s)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` wired to this cloud's edge."""
        import boto3

        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                        region_name=self.region)
        return session.client(service, endpoint_url=self.edge_url, **kwargs)

    def function_name(self, function: str) -> str:
        """Physical name of a function given its logical id (or its name)."""
        return self.stack.functions().get(function, function)

    def invoke(self, function: str, event: Any = None) -> InvokeResult:
        payload = json.dumps(event if event is not None else {}).encode()
        result = self.run(self._app.call("lambda", "Invoke", {
            "FunctionName": self.function_name(function), "Payload": payload, "LogType": "Tail",
        }))
        raw = result.get("Payload") or b""
        try:
            decoded: Any = json.loads(raw)
        except ValueError:
            decoded = raw.decode("utf-8", "replace")
        tail = base64.b64decode(result.get("LogResult") or b"").decode("utf-8", "replace")
        return InvokeResult(int(result.get("StatusCode", 200)), decoded,
                            result.get("FunctionError"), tail)

    def logs(self, function: str, *, wait_s: float = 2.0) -> list[str]:
        """Every log message of the function so far (waits briefly for the newest)."""
        group = f"/aws/lambda/{self.function_name(function)}"
        deadline = time.monotonic() + wait_s
        while True:
            messages = self.run(self._messages(group))
            if messages or time.monotonic() > deadline:
                return messages
            time.sleep(0.05)

    def failure_reasons(self) -> list[str]:
        """Why the last deployment failed: ``logical id: reason`` of each FAILED event."""
        return self.run(self._app.failure_reasons())

    def stop(self) -> None:
        """Stop the cloud (state stays on disk); the context manager's exit is then a no-op."""
        self.run(self._app.stop())

    async def _messages(self, group: str) -> list[str]:
        from fogbank.core.errors import ServiceError

        await self._app.cloud.provider("lambda").flush_logs()
        params: dict[str, Any] = {"logGroupName": group}
        messages: list[str] = []
        while True:
            try:
                result = await self._app.call("logs", "FilterLogEvents", params)
            except ServiceError:
                return messages
            messages.extend(str(e.get("message", "")) for e in result.get("events", []))
            if not result.get("nextToken"):
                return messages
            params["nextToken"] = result["nextToken"]

    def redeploy(self, parameters: dict[str, str] | None = None) -> DeployedStack:
        """Apply the template as it is on disk now (a stack update), optionally with new
        parameter values."""
        if parameters is not None:
            self._app.parameters = dict(parameters)
        self.stack = self.run(self._app.deploy())
        return self.stack


@contextmanager
def run_app(path: str | Path, *, state_dir: Path | None = None,
            parameters: dict[str, str] | None = None,
            clock: Clock | None = None) -> Iterator[RunningApp]:
    """Deploy ``path`` into a local cloud on free ports; tear everything down afterwards.

    Pass a ``ManualClock`` to drive schedules, delays and retries with ``clock.advance``."""
    loop = new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fogbank-cloud", daemon=True)
    thread.start()
    app = LocalApp(Path(path), state_dir=state_dir, parameters=parameters,
                   edge_port=0, api_port=0, clock=clock)
    try:
        stack = asyncio.run_coroutine_threadsafe(app.start(), loop).result(600)
    except BaseException:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        raise
    running = RunningApp(app, loop, stack)
    try:
        yield running
    finally:
        try:
            asyncio.run_coroutine_threadsafe(app.stop(), loop).result(60)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

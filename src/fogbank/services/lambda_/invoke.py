"""From a function record to an invoke: the spec (with hot-reload and requirements), the run
in the execution manager, and the queue of asynchronous (``Event``) invocations."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fogbank.services.lambda_.async_delivery import AsyncDelivery
from fogbank.services.lambda_.code import fingerprint
from fogbank.services.lambda_.code_watch import CodeWatcher
from fogbank.services.lambda_.errors import (
    InvalidRuntimeException,
    ServiceException,
    TooManyRequestsException,
)
from fogbank.services.lambda_.models import FunctionRecord
from fogbank.services.lambda_.requirements import RequirementsError, RequirementsInstaller
from fogbank.services.lambda_.runtime.manager import ExecutionManager
from fogbank.services.lambda_.runtime.reports import fault_payload
from fogbank.services.lambda_.runtime.spec import (
    PYTHON_TAG,
    FunctionSpec,
    InvokeOutcome,
    InvokeRequest,
    Throttled,
)
from fogbank.services.lambda_.runtime.zygote import ZygoteError
from fogbank.services.lambda_.store import LambdaStore

log = logging.getLogger("fogbank.lambda")

ASYNC_RETRY_DELAYS_S = (60.0, 120.0)  # AWS: two retries, one then two minutes apart


@dataclass(frozen=True)
class QueuedEvent:
    """An accepted ``Event`` invocation; its document is durable until delivery ends."""

    function_name: str
    request_id: str
    payload: bytes
    invoked_arn: str
    version: str = "$LATEST"
    enqueued_s: float | None = None
    attempts: int = 0
    next_attempt_s: float | None = None  # when a retry is due (kept across restarts)

    @property
    def qualifier(self) -> str:
        """The version or alias the caller invoked (``$LATEST`` when unqualified)."""
        parts = self.invoked_arn.split(":")
        return parts[7] if len(parts) > 7 else "$LATEST"

    def to_doc(self) -> dict[str, Any]:
        return {"function_name": self.function_name, "request_id": self.request_id,
                "payload": base64.b64encode(self.payload).decode(),
                "invoked_arn": self.invoked_arn, "version": self.version,
                "enqueued_s": self.enqueued_s, "attempts": self.attempts,
                "next_attempt_s": self.next_attempt_s}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> QueuedEvent:
        return cls(doc["function_name"], doc["request_id"], base64.b64decode(doc["payload"]),
                   doc["invoked_arn"], doc.get("version", "$LATEST"), doc.get("enqueued_s"),
                   int(doc.get("attempts", 0)), doc.get("next_attempt_s"))


class Invoker:
    def __init__(self, *, store: LambdaStore, manager: ExecutionManager,
                 requirements: RequirementsInstaller, region: str, edge_url: str,
                 retry_delays_s: tuple[float, ...] = ASYNC_RETRY_DELAYS_S) -> None:
        self.store = store
        self.manager = manager
        self.requirements = requirements
        self.region = region
        self.edge_url = edge_url
        self.retry_delays_s = retry_delays_s
        self._started = False
        # Set by the provider: retries, destinations and dead letters of Event invocations.
        self.delivery: AsyncDelivery | None = None
        self._events: set[asyncio.Task[None]] = set()
        self._delivering: set[str] = set()
        self._warned_runtimes: set[str] = set()
        self._fingerprints: dict[str, str] = {}
        self._code_watch = CodeWatcher(fingerprint)
        self._specs: dict[tuple[str, str], tuple[tuple[str, str, str, int | None],
                                                 FunctionSpec]] = {}

    async def start(self) -> None:
        if not self._started:
            self._started = True
            await self.manager.start()

    async def stop(self) -> None:
        for task in list(self._events):
            task.cancel()
        if self._events:
            await asyncio.gather(*self._events, return_exceptions=True)
        self._started = False
        self._code_watch.close()
        await self.manager.stop()

    def prepare_requirements(self, record: FunctionRecord) -> None:
        """Start installing a hot-reload directory's requirements in the background."""
        if record.code.kind != "dir":
            return
        task = asyncio.create_task(self._prefetch(Path(record.code.path)))
        self._events.add(task)
        task.add_done_callback(self._events.discard)

    async def _prefetch(self, code_dir: Path) -> None:
        with contextlib.suppress(RequirementsError):
            await self.requirements.ensure(code_dir)

    async def invoke(self, record: FunctionRecord, request: InvokeRequest) -> InvokeOutcome:
        if not record.runtime.startswith("python"):
            raise InvalidRuntimeException(
                f"fogbank runs Python functions only; runtime {record.runtime} of function"
                f" {record.name} cannot be invoked locally"
            )
        if not self._started:
            await self.start()
        try:
            key, revision, reserved = self._spec_key(record)
            cached = self._specs.get(key[:2])
            if cached is not None and cached[0] == key:
                spec = cached[1]
            else:
                spec = await self._build_spec(record, revision, reserved)
                self._specs[key[:2]] = (key, spec)
        except RequirementsError as exc:
            return InvokeOutcome(fault_payload("Runtime.RequirementsInstallFailed", str(exc)),
                                 "Unhandled", [], "")
        try:
            return await self.manager.invoke(spec, request)
        except Throttled as exc:
            raise TooManyRequestsException(exc.reason) from exc
        except ZygoteError as exc:
            raise ServiceException(str(exc)) from exc

    def _spec_key(self, record: FunctionRecord) -> tuple[
            tuple[str, str, str, int | None], list[str], int | None]:
        """What the spec of ``record`` depends on: the record and the files (the fingerprints
        also cover requirements.txt). While it is unchanged the spec is reused instead of
        re-reading requirements on every invoke."""
        if record.runtime != PYTHON_TAG and record.name not in self._warned_runtimes:
            self._warned_runtimes.add(record.name)
            log.warning("function %s declares %s; it runs on fogbank's interpreter (%s)",
                        record.name, record.runtime, PYTHON_TAG)
        revision = [record.revision_id]
        if record.code.kind == "dir":
            revision.append(self._fingerprint(record.code.path))
        for layer in record.layers:
            if layer.get("kind") == "dir":
                revision.append(self._fingerprint(layer["path"]))
        reserved = self._reserved(record)
        return (record.name, record.version, ":".join(revision), reserved), revision, reserved

    async def _build_spec(self, record: FunctionRecord, revision: list[str],
                          reserved: int | None) -> FunctionSpec:
        code_dir = Path(record.code.path)
        extra: list[Path] = []
        if record.code.kind == "dir":
            installed = await self.requirements.ensure(code_dir)
            if installed is not None:
                extra.append(installed)
        libs: list[Path] = []
        for layer in record.layers:
            root = Path(layer["path"])
            extra.extend([root / "python" / "lib" / PYTHON_TAG / "site-packages",
                          root / "python"])
            libs.append(root / "lib")
        return FunctionSpec(
            function_name=record.name, function_arn=record.arn, version=record.version,
            runtime=record.runtime, handler=record.handler, memory_mb=record.memory_mb,
            timeout_s=record.timeout_s, region=self.region, edge_url=self.edge_url,
            code_dir=code_dir, variables=dict(record.variables), extra_paths=tuple(extra),
            lib_paths=tuple(libs), revision=":".join(revision),
            reserved_concurrency=reserved,
        )

    def _reserved(self, record: FunctionRecord) -> int | None:
        """Reserved concurrency belongs to the function, shared by all its versions."""
        if record.version == "$LATEST":
            return record.reserved_concurrency
        latest = self.store.get_function(record.name)
        return latest.reserved_concurrency if latest is not None else None

    def _fingerprint(self, directory: str) -> str:
        """The hot-reload state of ``directory``; on a change its stale bytecode is dropped."""
        current = str(self._code_watch.state(directory))
        if self._fingerprints.get(directory) != current:
            self._fingerprints[directory] = current
            self.manager.drop_bytecode(Path(directory))
        return current

    # ------------------------------------------------------------------ Event invocations

    def enqueue(self, event: QueuedEvent) -> None:
        self.store.put_event(event.request_id, event.to_doc())
        self._schedule(event)

    def resume(self) -> None:
        """Re-queue the Event invocations a previous run accepted but did not finish."""
        for _, doc in self.store.pending_events():
            self._schedule(QueuedEvent.from_doc(doc))

    def _schedule(self, event: QueuedEvent) -> None:
        if event.request_id in self._delivering:
            return  # accepted during start-up: resume() finds it already on its way
        self._delivering.add(event.request_id)
        task = asyncio.create_task(self._deliver(event))
        self._events.add(task)
        task.add_done_callback(self._events.discard)
        task.add_done_callback(lambda _: self._delivering.discard(event.request_id))

    async def _deliver(self, event: QueuedEvent) -> None:
        if self.delivery is None:
            raise RuntimeError("Invoker.delivery is not set")
        await self.delivery.deliver(event)


def decode_client_context(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(base64.b64decode(text, validate=True))
    except (ValueError, TypeError):
        return None
    return value if isinstance(value, dict) else None

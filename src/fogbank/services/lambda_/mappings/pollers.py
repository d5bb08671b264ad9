"""The running pollers: one task per enabled mapping, started, restarted on a change and
stopped with the provider."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.lambda_.mappings.model import DYNAMODB, SQS, MappingRecord
from fogbank.services.lambda_.mappings.store import MappingStore
from fogbank.services.lambda_.runtime.spec import InvokeOutcome

log = logging.getLogger("fogbank.lambda.mappings")

STOP_RETRY_S = 0.2


@dataclass(frozen=True)
class SourceInvoke:
    """What a synchronous invoke on behalf of a mapping produced."""

    request_id: str
    executed_version: str
    outcome: InvokeOutcome


@dataclass
class PollerDeps:
    """Everything a poller needs, injected by the provider."""

    client: InternalClient
    clock: Any  # fogbank.core.clock.Clock
    ids: Any  # fogbank.core.ids.Ids
    region: str
    account_id: str
    store: MappingStore
    # (function ARN as mapped, event payload) → the invoke; raises ServiceError (throttles,
    # a missing function) like Invoke does.
    invoke: Callable[[str, bytes], Awaitable[SourceInvoke]]
    report: Callable[[str, str], None]  # (mapping UUID, LastProcessingResult)


class Poller(Protocol):
    async def run(self) -> None: ...


class PollerSet:
    def __init__(self, deps: PollerDeps) -> None:
        self.deps = deps
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._initial_iterators: dict[str, dict[str, str]] = {}
        self._running = False

    def start(self) -> None:
        self._running = True
        for record in self.deps.store.all():
            self.sync(record)

    def sync(self, record: MappingRecord) -> None:
        """(Re)start the mapping's poller if it is enabled, stop it otherwise."""
        self.remove(record.uuid)
        if not self._running or not record.enabled:
            return
        poller = self._poller(record)
        if poller is None:
            return
        task = asyncio.create_task(self._guarded(record, poller),
                                   name=f"esm-{record.uuid}")
        self._tasks[record.uuid] = task

    async def prime(self, record: MappingRecord) -> None:
        """Fix a new stream mapping's LATEST position now, so records written right after
        CreateEventSourceMapping returns are delivered (the poller starts a moment later)."""
        if record.kind != DYNAMODB or record.starting_position != "LATEST":
            return
        iterators: dict[str, str] = {}
        try:
            described = await self.deps.client.call(
                "dynamodbstreams", "DescribeStream", {"StreamArn": record.event_source_arn})
            for shard in described["StreamDescription"].get("Shards", []):
                result = await self.deps.client.call("dynamodbstreams", "GetShardIterator", {
                    "StreamArn": record.event_source_arn, "ShardId": shard["ShardId"],
                    "ShardIteratorType": "LATEST"})
                iterators[shard["ShardId"]] = str(result["ShardIterator"])
        except ServiceError:
            return
        self._initial_iterators[record.uuid] = iterators

    def remove(self, uuid: str) -> None:
        task = self._tasks.pop(uuid, None)
        if task is not None:
            task.cancel()

    async def stop(self) -> None:
        self._running = False
        tasks = list(self._tasks.values())
        self._tasks.clear()
        pending = set(tasks)
        while pending:  # cancelled again should a source swallow a cancellation
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=STOP_RETRY_S)
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()

    def _poller(self, record: MappingRecord) -> Poller | None:
        if record.kind == SQS:
            from fogbank.services.lambda_.mappings.sqs_poller import SqsPoller

            return SqsPoller(record, self.deps)
        if record.kind == DYNAMODB:
            from fogbank.services.lambda_.mappings.stream_poller import StreamPoller

            return StreamPoller(record, self.deps,
                                self._initial_iterators.pop(record.uuid, None))
        self.deps.report(record.uuid, f"PROBLEM: {record.kind} event sources are not polled"
                                      " by fogbank")
        return None

    async def _guarded(self, record: MappingRecord, poller: Poller) -> None:
        """A poller that fails unexpectedly restarts after a pause, as Lambda's would."""
        while True:
            try:
                await poller.run()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("poller of mapping %s failed", record.uuid)
                self.deps.report(record.uuid, f"PROBLEM: {exc}")
                await asyncio.sleep(1.0)

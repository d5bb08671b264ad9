"""Ships each invoke's log lines to CloudWatch Logs through the internal client, off the
invoke's critical path: one background task drains a queue in order, creating each log
group and stream once."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient

log = logging.getLogger("fogbank.lambda.logs")

Batch = tuple[str, str, list[tuple[int, str]]]


class LogShipper:
    def __init__(self, client: InternalClient) -> None:
        self._client = client
        self._queue: asyncio.Queue[Batch] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._groups: set[str] = set()
        self._streams: set[tuple[str, str]] = set()
        self._warned = False

    def submit(self, group: str, stream: str, events: list[tuple[int, str]]) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain_forever())
        self._queue.put_nowait((group, stream, events))

    async def flush(self) -> None:
        if self._queue is not None and self._worker is not None and not self._worker.done():
            await self._queue.join()

    async def stop(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), 5.0)
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def _drain_forever(self) -> None:
        assert self._queue is not None
        while True:
            group, stream, events = await self._queue.get()
            taken = 1
            while not self._queue.empty():  # coalesce what piled up for the same stream
                nxt = self._queue._queue[0]  # type: ignore[attr-defined]
                if nxt[0] != group or nxt[1] != stream:
                    break
                events = events + self._queue.get_nowait()[2]
                taken += 1
            try:
                await self._ship(group, stream, events)
            except Exception:
                log.exception("could not ship Lambda logs to %s", group)
            finally:
                for _ in range(taken):
                    self._queue.task_done()

    async def _ship(self, group: str, stream: str, events: list[tuple[int, str]]) -> None:
        try:
            if group not in self._groups:
                await self._create("CreateLogGroup", {"logGroupName": group})
                self._groups.add(group)
            if (group, stream) not in self._streams:
                await self._create("CreateLogStream",
                                   {"logGroupName": group, "logStreamName": stream})
                self._streams.add((group, stream))
            await self._client.call("logs", "PutLogEvents", {
                "logGroupName": group,
                "logStreamName": stream,
                "logEvents": [{"timestamp": ts, "message": text} for ts, text in events],
            })
        except ServiceError as exc:
            if not self._warned:
                self._warned = True
                log.warning("Lambda logs are not delivered to CloudWatch Logs: %s", exc)

    async def _create(self, operation: str, params: dict[str, str]) -> None:
        try:
            await self._client.call("logs", operation, params)
        except ServiceError as exc:
            if exc.error_code != "ResourceAlreadyExistsException":
                raise

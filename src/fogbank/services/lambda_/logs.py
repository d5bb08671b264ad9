"""Ships each invoke's log lines to CloudWatch Logs through the internal client, off the
invoke's critical path: one background task drains a queue in order, creating each log
group and stream once (and again if the user deleted them), and cutting what piled up into
batches PutLogEvents accepts (time order, 10,000 events, 1 MiB, 24 hours, 256 KiB events)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient

log = logging.getLogger("fogbank.lambda.logs")

Batch = tuple[str, str, list[tuple[int, str]]]

# PutLogEvents limits (bytes are UTF-8 message bytes plus 26 per event).
EVENT_OVERHEAD_BYTES = 26
MAX_EVENT_BYTES = 256 * 1024
MAX_BATCH_BYTES = 1_048_576
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
TRUNCATED_MARK = " [truncated]"


def put_batches(events: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split events (sorted by time, oversized messages truncated as Lambda does) into
    batches within PutLogEvents' limits."""
    batches: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    size = 0
    for timestamp, message in sorted(events, key=lambda event: event[0]):
        message = _truncate(message)
        cost = len(message.encode("utf-8")) + EVENT_OVERHEAD_BYTES
        if current and (size + cost > MAX_BATCH_BYTES or len(current) >= MAX_BATCH_EVENTS
                        or timestamp - current[0][0] > MAX_BATCH_SPAN_MS):
            batches.append(current)
            current, size = [], 0
        current.append((timestamp, message))
        size += cost
    if current:
        batches.append(current)
    return batches


def _truncate(message: str) -> str:
    limit = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES
    raw = message.encode("utf-8")
    if len(raw) <= limit:
        return message
    keep = limit - len(TRUNCATED_MARK.encode())
    return raw[:keep].decode("utf-8", "ignore") + TRUNCATED_MARK


class LogShipper:
    def __init__(self, client: InternalClient, *, flush_interval_s: float = 0.1) -> None:
        self._client = client
        self.flush_interval_s = flush_interval_s
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
            pending = [await self._queue.get()]
            # Let a burst collect, then deliver one PutLogEvents per stream: under load this
            # turns thousands of small deliveries a second into a few dozen.
            await asyncio.sleep(self.flush_interval_s)
            while not self._queue.empty():
                pending.append(self._queue.get_nowait())
            by_stream: dict[tuple[str, str], list[tuple[int, str]]] = {}
            for group, stream, events in pending:
                by_stream.setdefault((group, stream), []).extend(events)
            try:
                for (group, stream), events in by_stream.items():
                    try:
                        await self._ship(group, stream, events)
                    except Exception:
                        log.exception("could not ship Lambda logs to %s", group)
            finally:
                for _ in pending:
                    self._queue.task_done()

    async def _ship(self, group: str, stream: str, events: list[tuple[int, str]]) -> None:
        try:
            for batch in put_batches(events):
                await self._put(group, stream, batch)
        except ServiceError as exc:
            if not self._warned:
                self._warned = True
                log.warning("Lambda logs are not delivered to CloudWatch Logs: %s", exc)

    async def _put(self, group: str, stream: str, batch: list[tuple[int, str]]) -> None:
        params = {
            "logGroupName": group,
            "logStreamName": stream,
            "logEvents": [{"timestamp": ts, "message": text} for ts, text in batch],
        }
        for attempt in range(2):
            if group not in self._groups:
                await self._create("CreateLogGroup", {"logGroupName": group})
                self._groups.add(group)
            if (group, stream) not in self._streams:
                await self._create("CreateLogStream",
                                   {"logGroupName": group, "logStreamName": stream})
                self._streams.add((group, stream))
            try:
                await self._client.call("logs", "PutLogEvents", params)
                return
            except ServiceError as exc:
                if exc.error_code != "ResourceNotFoundException" or attempt:
                    raise
                # The group or stream was deleted since we made it: make it again, as
                # Lambda does.
                self._groups.discard(group)
                self._streams.discard((group, stream))

    async def _create(self, operation: str, params: dict[str, str]) -> None:
        try:
            await self._client.call("logs", operation, params)
        except ServiceError as exc:
            if exc.error_code != "ResourceAlreadyExistsException":
                raise

"""Ships each invoke's log lines to CloudWatch Logs through the internal client, off the
invoke's critical path. ``submit`` only appends the lines to their stream's pending list; one
background task wakes shortly after (``prompt_s`` after an idle spell, ``flush_interval_s``
while invokes keep coming, so a busy function costs one PutLogEvents per stream a few times a
second rather than one per invoke), takes everything pending and delivers it stream by stream
in submission order, creating each log group and stream once (and again if the user deleted
them), cut into batches PutLogEvents accepts (time order, 10,000 events, 1 MiB, 24 hours,
256 KiB events)."""

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
# Lines arriving this long after the last delivery are shipped after ``prompt_s``; sooner,
# after ``flush_interval_s`` (a steady trickle is batched like a flood).
IDLE_AFTER_S = 1.0


def put_batches(events: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split events (sorted by time, oversized messages truncated as Lambda does) into
    batches within PutLogEvents' limits."""
    if _one_batch(events):
        return [events]
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


def _one_batch(events: list[tuple[int, str]]) -> bool:
    """Whether ``events`` already form one valid batch as they are: in time order, few and
    small enough even at 4 UTF-8 bytes a character (the common case: what a few invokes of
    one environment printed)."""
    count = len(events)
    if not count or count > MAX_BATCH_EVENTS:
        return False
    longest = max(len(message) for _, message in events)
    if 4 * longest > MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES:
        return False
    if 4 * sum(len(message) for _, message in events) + EVENT_OVERHEAD_BYTES * count \
            > MAX_BATCH_BYTES:
        return False
    stamps = [timestamp for timestamp, _ in events]
    return stamps[-1] - stamps[0] <= MAX_BATCH_SPAN_MS and stamps == sorted(stamps)


def _truncate(message: str) -> str:
    limit = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES
    raw = message.encode("utf-8")
    if len(raw) <= limit:
        return message
    keep = limit - len(TRUNCATED_MARK.encode())
    return raw[:keep].decode("utf-8", "ignore") + TRUNCATED_MARK


class LogShipper:
    def __init__(self, client: InternalClient, *, flush_interval_s: float = 0.25,
                 prompt_s: float = 0.05) -> None:
        self._client = client
        self.flush_interval_s = flush_interval_s
        self.prompt_s = prompt_s
        # (group, stream) → lines not yet shipped, in submission order
        self._pending: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None
        self._submitted = 0  # submissions so far; ``_shipped`` of them are delivered
        self._shipped = 0
        self._flushes: list[tuple[int, asyncio.Future[None]]] = []
        self._napping: asyncio.Future[None] | None = None
        self._groups: set[str] = set()
        self._streams: set[tuple[str, str]] = set()
        self._warned = False

    def submit(self, group: str, stream: str, events: list[tuple[int, str]]) -> None:
        pending = self._pending.get((group, stream))
        if pending is None:
            self._pending[(group, stream)] = list(events)
        else:
            pending.extend(events)
        self._submitted += 1
        if self._worker is None or self._worker.done():
            self._wake = asyncio.Event()
            self._worker = asyncio.create_task(self._drain_forever())
        assert self._wake is not None
        self._wake.set()

    async def flush(self) -> None:
        """Wait until everything submitted so far is delivered (or given up on)."""
        if self._shipped >= self._submitted or self._worker is None or self._worker.done():
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._flushes.append((self._submitted, done))
        if self._napping is not None:  # deliver now rather than at the end of the nap
            _settle(self._napping)
        await done

    async def stop(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), 5.0)
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        for _, done in self._flushes:  # nothing will deliver them now
            if not done.done():
                done.set_result(None)
        self._flushes = []

    async def _drain_forever(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        last_ship = -IDLE_AFTER_S
        while True:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
            # Let a burst collect, then deliver one PutLogEvents per stream: under load this
            # turns thousands of small deliveries a second into a few per stream.
            busy = loop.time() - last_ship < IDLE_AFTER_S
            await self._nap(loop, self.flush_interval_s if busy else self.prompt_s)
            last_ship = loop.time()
            pending, self._pending = self._pending, {}
            upto = self._submitted
            for (group, stream), events in pending.items():
                try:
                    await self._ship(group, stream, events)
                except Exception:
                    log.exception("could not ship Lambda logs to %s", group)
            self._shipped = upto
            self._settle_flushes()

    async def _nap(self, loop: asyncio.AbstractEventLoop, delay_s: float) -> None:
        """Sleep ``delay_s``, or less when ``flush`` is waiting."""
        if self._flushes:
            return
        self._napping = nap = loop.create_future()
        timer = loop.call_later(delay_s, _settle, nap)
        try:
            await nap
        finally:
            timer.cancel()
            self._napping = None

    def _settle_flushes(self) -> None:
        waiting = []
        for upto, done in self._flushes:
            if upto <= self._shipped:
                if not done.done():
                    done.set_result(None)
            else:
                waiting.append((upto, done))
        self._flushes = waiting

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


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

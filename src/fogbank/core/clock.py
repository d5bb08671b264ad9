"""Injected time, so tests can ``clock.advance(31)`` instead of sleeping."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time plus a monotonic clock for durations."""

    def now(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time (schedules, delays, retry backoff)."""
        await asyncio.sleep(max(0.0, seconds))

    async def sleep_until(self, epoch_s: float) -> None:
        """Wait until ``now()`` reaches ``epoch_s``."""
        await self.sleep(epoch_s - self.now())


class ManualClock(Clock):
    """A clock that moves only when told to (for tests): ``sleep`` returns once ``advance``
    has moved the clock past the sleeper's deadline, so a test drives schedules and backoff
    without waiting. ``advance`` may be called from any thread."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._mono = 0.0
        self._sleepers: list[tuple[float, int, asyncio.AbstractEventLoop, asyncio.Future[None]]]
        self._sleepers = []
        self._order = itertools.count()
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            self._mono += seconds
            due = []
            while self._sleepers and self._sleepers[0][0] <= self._mono:
                due.append(heapq.heappop(self._sleepers))
        for _, _, loop, future in due:
            if not loop.is_closed():  # a sleeper of a cloud that has stopped since
                loop.call_soon_threadsafe(_wake, future)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            heapq.heappush(self._sleepers,
                           (self._mono + seconds, next(self._order), loop, future))
        await future


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def iso8601(epoch_s: float) -> str:
    """``2026-11-27T20:40:31.123Z`` — the timestamp form AWS APIs use in strings."""
    moment = datetime.fromtimestamp(epoch_s, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def lambda_timestamp(epoch_s: float) -> str:
    """``2026-11-27T20:40:31.123+0000`` — Lambda's LastModified format."""
    moment = datetime.fromtimestamp(epoch_s, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"

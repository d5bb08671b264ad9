"""A background loop that runs ``tick()`` whenever its next due time passes or it is poked.

``tick`` does the due work and returns the epoch second of the next due item (or ``None``
when nothing is scheduled). Waiting uses the injected clock, so a ``ManualClock`` test moves
schedules and retry backoff with ``clock.advance(s)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("fogbank.events.timer")

ERROR_BACKOFF_S = 1.0


class Timer:
    def __init__(self, clock: object, tick: Callable[[], Awaitable[float | None]],
                 name: str) -> None:
        self.clock = clock
        self._tick = tick
        self._name = name
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def poke(self) -> None:
        """Run ``tick`` soon (new work arrived). Safe to call before ``start``."""
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._wake = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                due = await self._tick()
            except Exception:
                log.exception("%s failed; retrying", self._name)
                due = self.clock.now() + ERROR_BACKOFF_S  # type: ignore[attr-defined]
            await self._wait(due)

    async def _wait(self, due: float | None) -> None:
        assert self._wake is not None
        waits: list[asyncio.Task[object]] = [asyncio.ensure_future(self._wake.wait())]
        if due is not None:
            waits.append(asyncio.ensure_future(
                self.clock.sleep_until(due)))  # type: ignore[attr-defined]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

"""The event loop fogbank runs on: uvloop when it is installed (it comes with
``uvicorn[standard]``), else asyncio's own. uvloop roughly halves the per-request cost of the
socket and pipe work that dominates the edge and the Lambda runtime's IPC."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on the loop above."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(coroutine)

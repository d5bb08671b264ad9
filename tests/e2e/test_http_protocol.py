"""The edge's HTTP protocol writes each answer at once, and big bodies straight away."""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.server.http_protocol import FLUSH_AT_BYTES, CoalescingTransport


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else None


def test_writes_of_one_loop_turn_go_out_together_and_close_flushes():
    async def scenario() -> None:
        raw = _Recorder()
        transport = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(b"body")
        assert raw.writes == []
        assert transport.get_write_buffer_size() == 23
        await asyncio.sleep(0)
        assert raw.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
        transport.write(b"last")
        transport.close()
        assert raw.writes[-1] == b"last" and raw.closed
        assert transport.get_extra_info("peername") == ("127.0.0.1", 1)
        big = b"x" * FLUSH_AT_BYTES
        transport.write(big)  # written at once (after close: dropped, as a transport does)
        await asyncio.sleep(0)
        assert raw.writes[-1] == b"last"

    asyncio.run(scenario())


def test_big_bodies_are_not_held_back():
    async def scenario() -> None:
        raw = _Recorder()
        transport = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"head")
        transport.write(b"x" * FLUSH_AT_BYTES)
        assert len(raw.writes) == 1 and raw.writes[0].startswith(b"head")
        await asyncio.sleep(0)
        assert len(raw.writes) == 1

    asyncio.run(scenario())

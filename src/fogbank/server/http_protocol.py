"""uvicorn's httptools HTTP/1.1 protocol, writing each response in one system call.

uvicorn writes the status line and headers, then the body, as two ``transport.write`` calls;
each goes to the socket at once (two syscalls and, with TCP_NODELAY, two packets per
answer). ``CoalescingTransport`` collects the writes of one event-loop turn and sends them
together at the end of it. Large writes (streamed S3 bodies) are sent straight away, so flow
control (pause/resume writing) works as before and nothing big piles up in memory.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Pending bytes beyond this are written at once rather than at the end of the loop turn.
FLUSH_AT_BYTES = 64 * 1024


class CoalescingTransport:
    """A transport proxy that joins the writes made in one loop turn into one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._chunks: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._chunks:
            self._loop.call_soon(self.flush)
        self._chunks.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_AT_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._chunks:
            return
        chunks, self._chunks, self._size = self._chunks, [], 0
        if not self._transport.is_closing():
            self._transport.write(chunks[0] if len(chunks) == 1 else b"".join(chunks))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        return self._size + self._transport.get_write_buffer_size()

    def __getattr__(self, name: str) -> Any:  # is_closing, pause_reading, get_extra_info, ...
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` whose responses go through a ``CoalescingTransport``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]

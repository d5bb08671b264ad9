"""uvicorn's httptools HTTP/1.1 protocol, with two changes for the edge's hot path.

1. Each answer goes out in one system call. uvicorn writes the status line and headers, then
   the body, as two ``transport.write`` calls; each goes to the socket at once (two syscalls
   and, with TCP_NODELAY, two packets per answer). ``CoalescingTransport`` collects the writes
   of one event-loop turn and sends them together at the end of it. Large writes (streamed S3
   bodies) are sent straight away, so flow control (pause/resume writing) works as before and
   nothing big piles up in memory.

2. API calls of the JSON protocols skip ASGI. A ``POST`` carrying ``X-Amz-Target`` (DynamoDB,
   SQS-JSON, Logs, EventBridge, SSM, Secrets Manager, ...) to an app offering
   ``handle(request: HttpRequest) -> HttpResponse`` (the edge) has its body buffered by the
   parser callbacks, then one task runs ``app.handle`` and writes the whole answer at once:
   no ASGI scope, message dicts, ``RequestResponseCycle`` or ``asyncio.Event`` per request —
   about half of the server's CPU time per DynamoDB GetItem (see ``bench/dynamodb/profile.py``).
   Everything else — other methods, requests without the header, ``Expect: 100-continue``,
   upgrades, bodies declared bigger than ``MAX_BODY_BYTES``, a request arriving while another
   of the connection is still being answered (pipelining) — takes uvicorn's own path
   unchanged, so S3 streaming, 100-continue and the API front behave exactly as before.
   Keep-alive, ``Connection: close``, HTTP/1.0, chunked request bodies (httptools decodes
   them), the keep-alive timeout, graceful shutdown and the ``Date`` header work as uvicorn's.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.server.asgi import MAX_BODY_BYTES, request_from_head, wire_headers

log = logging.getLogger("fogbank.server")

# Pending bytes beyond this are written at once rather than at the end of the loop turn.
FLUSH_AT_BYTES = 64 * 1024
_TARGET = b"x-amz-target"
_CONTENT_LENGTH = b"content-length"
_INTERNAL_ERROR = HttpResponse(500, [("Content-Type", "text/plain; charset=utf-8")],
                               b"Internal Server Error")
_TOO_LARGE = HttpResponse(413, [("Content-Type", "application/x-amz-json-1.1"),
                                ("x-amzn-ErrorType", "RequestEntityTooLarge")],
                          b'{"__type":"RequestEntityTooLarge",'
                          b'"message":"Request body is too large"}')


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

    def write_now(self, data: bytes) -> None:
        """Write ``data`` (a whole answer) at once, after anything still pending."""
        if self._chunks:
            self.flush()
        if not self._transport.is_closing():
            self._transport.write(data)

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


class _BufferedCycle:
    """One request answered without ASGI; stands in for uvicorn's ``RequestResponseCycle``
    (the base protocol reads ``response_complete``, ``keep_alive``, ``disconnected`` and
    ``message_event`` of ``self.cycle``)."""

    __slots__ = ("request", "chunks", "size", "keep_alive", "response_complete",
                 "disconnected", "too_large")

    def __init__(self, request: HttpRequest, keep_alive: bool) -> None:
        self.request = request
        self.chunks: list[bytes] = []
        self.size = 0
        self.keep_alive = keep_alive
        self.response_complete = False
        self.disconnected = False
        self.too_large = False

    @property
    def message_event(self) -> _BufferedCycle:  # connection_lost calls message_event.set()
        return self

    def set(self) -> None:
        pass


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` whose responses go through a ``CoalescingTransport`` and which
    answers JSON-protocol API calls without ASGI when the app offers ``handle``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handle = getattr(self.app, "handle", None)
        self._handle = handle if getattr(self.app, "handles_buffered_requests", False) else None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]

    # -- parser callbacks ------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        cycle = self._buffered_cycle()
        if cycle is None:
            super().on_headers_complete()
        else:
            self.cycle = cycle  # type: ignore[assignment]

    def on_body(self, body: bytes) -> None:
        cycle: Any = self.cycle
        if cycle.__class__ is not _BufferedCycle:
            super().on_body(body)
            return
        buffered: _BufferedCycle = cycle
        buffered.size += len(body)
        if buffered.size > MAX_BODY_BYTES:
            buffered.too_large = True
            buffered.chunks = []
        elif not buffered.too_large:
            buffered.chunks.append(body)

    def on_message_complete(self) -> None:
        cycle: Any = self.cycle
        if cycle.__class__ is not _BufferedCycle:
            super().on_message_complete()
            return
        task = self.loop.create_task(self._answer(cycle))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    # -- the buffered path -----------------------------------------------------------------

    def _buffered_cycle(self) -> _BufferedCycle | None:
        """A cycle for this request when it may skip ASGI (see the module docstring)."""
        if self._handle is None or self.expect_100_continue or self.limit_concurrency:
            return None
        existing = self.cycle
        if existing is not None and not existing.response_complete:
            return None  # pipelined behind a request still being answered: uvicorn queues it
        parser = self.parser
        if parser.get_method() != b"POST" or parser.should_upgrade():
            return None
        raw_headers = self.headers
        target = False
        for name, value in raw_headers:
            if name == _TARGET:
                target = True
            elif name == _CONTENT_LENGTH and (not value.isdigit()
                                              or int(value) > MAX_BODY_BYTES):
                return None  # uvicorn's path refuses it with the edge's 413
        if not target:
            return None
        url = self.url
        if url == b"/":
            path, query = "/", ""
        else:
            parsed = httptools.parse_url(url)
            path = parsed.path.decode("latin-1")
            query = parsed.query.decode("latin-1") if parsed.query else ""
        version = parser.get_http_version()
        request = request_from_head("POST", path, query, raw_headers, scheme=self.scheme or "http",
                                    client=self.client)
        return _BufferedCycle(request, version != "1.0" and parser.should_keep_alive())

    async def _answer(self, cycle: _BufferedCycle) -> None:
        request = cycle.request
        if cycle.too_large:
            response = _TOO_LARGE
            cycle.keep_alive = False  # the rest of the stream is not worth reading
        else:
            chunks = cycle.chunks
            request.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            cycle.chunks = []
            try:
                response = await self._handle(request)  # type: ignore[misc]
            except Exception:
                log.exception("the edge failed on %s %s", request.method, request.path)
                response = _INTERNAL_ERROR
                cycle.keep_alive = False
        if cycle.disconnected:
            return
        transport: CoalescingTransport = self.transport  # type: ignore[assignment]
        head, body = self._encode(response, cycle.keep_alive)
        if response.body_file is None:
            transport.write_now(head + body if len(body) < FLUSH_AT_BYTES else head)
            if len(body) >= FLUSH_AT_BYTES:
                transport.write_now(body)
        else:
            transport.write_now(head)
            for chunk in response.body_file.chunks():
                if self.flow.write_paused:
                    await self.flow.drain()
                if cycle.disconnected:
                    return
                transport.write(chunk)
        cycle.response_complete = True
        if not cycle.keep_alive:
            transport.close()
        self.on_response_complete()

    def _encode(self, response: HttpResponse, keep_alive: bool) -> tuple[bytes, bytes]:
        body = response.body
        length = response.body_file.length if response.body_file is not None else len(body)
        parts = [STATUS_LINE.get(response.status)
                 or f"HTTP/1.1 {response.status} \r\n".encode()]
        for name, value in self.server_state.default_headers:
            parts += [name, b": ", value, b"\r\n"]
        for name, value in wire_headers(response.headers):
            parts += [name, b": ", value, b"\r\n"]
        parts += [b"content-length: ", str(length).encode(), b"\r\n"]
        if not keep_alive:
            parts.append(b"connection: close\r\n")
        parts.append(b"\r\n")
        return b"".join(parts), body if response.body_file is None else b""

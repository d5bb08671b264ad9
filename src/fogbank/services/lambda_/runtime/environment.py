"""One execution environment as fogbank sees it: a control stream and an output pipe.

fogbank → environment: ``FRAME`` (header length, body length) + JSON header + payload.
environment → fogbank: ``REPLY`` (kind, flags, body length, max RSS KiB, init ms) + body.
After each invoke the environment flushes its output; if bytes it wrote are still in the
pipe, it writes the sentinel line after them and says so (``SENTINEL_SENT``), and fogbank
waits for the sentinel to cut the invoke's lines. If the pipe is empty, fogbank has already
read every byte of the invoke, and cuts its lines at once (no sentinel, no extra wake-up: the
common case of a handler that prints little)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fogbank.services.lambda_.runtime.zygote import Spawned

FRAME = struct.Struct("!II")
REPLY = struct.Struct("!BBIQd")  # kind, flags, body length, max RSS KiB, init ms
REPLY_INIT = 1
REPLY_RESULT = 2
FLAG_OK = 1  # result: the handler returned; init: the handler loaded
SENTINEL_SENT = 2  # the invoke's output ends with a sentinel line (wait for it)
MAX_LINE_BYTES = 256 * 1024  # one log event at most (longer lines are truncated)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


class EnvironmentDied(Exception):
    """The environment's process ended (crash, kill) while fogbank waited on it."""


@dataclass
class InitResult:
    init_ms: float
    error: dict[str, Any] | None


@dataclass
class RawResult:
    ok: bool
    payload: bytes
    max_rss_kb: int
    sentinel: bool = True  # the output of the invoke ends at a sentinel line still to come


class _WakingProtocol(asyncio.Protocol):
    """A protocol with one waiting reader, woken by data (``_wake``) or by the end."""

    def __init__(self) -> None:
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False

    def eof_received(self) -> bool | None:
        self.closed = True
        self._wake()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class ControlChannel(_WakingProtocol):
    """fogbank's end of the control socket: writes invoke frames, parses replies (one
    outstanding request at a time) without a stream reader's per-read coroutines."""

    def __init__(self) -> None:
        super().__init__()
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._replies: list[tuple[int, int, int, float, bytes]] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        if buffer:
            buffer += data
        else:
            buffer = bytearray(data)
        offset = 0
        size = len(buffer)
        while size - offset >= REPLY.size:
            kind, flags, body_len, rss_kb, init_ms = REPLY.unpack_from(buffer, offset)
            end = offset + REPLY.size + body_len
            if end > size:
                break
            self._replies.append((kind, flags, rss_kb, init_ms,
                                  bytes(buffer[offset + REPLY.size:end])))
            offset = end
        self._buffer = buffer[offset:] if offset < size else bytearray()
        if self._replies:
            self._wake()


    async def reply(self) -> tuple[int, int, int, float, bytes]:
        while not self._replies:
            if self.closed:
                raise EnvironmentDied()
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._replies.pop(0)

    def send(self, data: bytes) -> None:
        if self.closed or self.transport is None or self.transport.is_closing():
            raise EnvironmentDied()
        self.transport.write(data)


class OutputCollector(_WakingProtocol):
    """Collects the environment's stdout/stderr as timestamped lines, cut into one batch per
    invoke at the sentinel line the environment writes after flushing. A line keeps at most
    ``max_line_bytes`` (Lambda's log event limit); the rest of a longer line is read and
    dropped, so a huge line costs time linear in its size and bounded memory."""

    def __init__(self, sentinel: bytes, now_ms: Callable[[], int], *,
                 max_line_bytes: int = MAX_LINE_BYTES) -> None:
        super().__init__()
        self._sentinel = sentinel
        self._now_ms = now_ms
        self._max_line_bytes = max_line_bytes
        self._partial = bytearray()  # the unfinished line, at most max_line_bytes
        self._overflow = False  # the unfinished line is longer than what _partial keeps
        self._tail = b""  # the last bytes of a dropped overflow (where a sentinel would be)
        self._lines: list[tuple[int, str]] = []
        self._batches: list[list[tuple[int, str]]] = []

    def data_received(self, data: bytes) -> None:
        last = data.rfind(b"\n")
        if last < 0:
            self._keep(data)
            return
        stamp = self._now_ms()
        complete = data[:last].split(b"\n")
        if self._partial or self._overflow:
            self._keep(complete[0])
            complete[0] = self._take()
        for raw in complete:
            self._line(stamp, raw)
        if last + 1 < len(data):
            self._keep(data[last + 1:])

    def _keep(self, chunk: bytes) -> None:
        """Add to the unfinished line, dropping what exceeds the line limit."""
        if not self._overflow:
            room = self._max_line_bytes - len(self._partial)
            if len(chunk) <= room:
                self._partial += chunk
                return
            self._partial += chunk[:room]
            chunk = chunk[room:]
            self._overflow = True
        self._tail = (self._tail + chunk[-len(self._sentinel):])[-len(self._sentinel):]

    def _take(self) -> bytes:
        """The unfinished line as complete (its kept part, plus a dropped part's tail)."""
        raw = bytes(self._partial) + self._tail
        self._partial.clear()
        self._overflow, self._tail = False, b""
        return raw

    def _line(self, stamp: int, raw: bytes) -> None:
        if raw.endswith(self._sentinel):
            if len(raw) > len(self._sentinel):
                self._add(stamp, raw[: -len(self._sentinel)])
            self._batches.append(self._lines)
            self._lines = []
            self._wake()
        else:
            self._add(stamp, raw)

    def _add(self, stamp: int, raw: bytes) -> None:
        if len(raw) > self._max_line_bytes:
            raw = raw[: self._max_line_bytes]
        self._lines.append((stamp, raw.decode("utf-8", "replace")))


    def cut(self) -> list[tuple[int, str]]:
        """The lines of the invoke that just finished when no sentinel follows them: every
        byte it wrote has been read already (an unfinished line counts as a line)."""
        if not self._batches and not self._partial and not self._overflow:
            lines, self._lines = self._lines, []
            return lines
        return self.drain()

    async def next_batch(self, timeout_s: float) -> list[tuple[int, str]]:
        """The lines of the invoke that just finished (waits for its sentinel)."""
        if not self._batches and not self.closed:
            loop = asyncio.get_running_loop()
            self._waiter = waiter = loop.create_future()
            # a timer rather than asyncio.wait_for: no extra task on every invoke
            timer = loop.call_later(timeout_s, _resolve, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
        if self._batches:
            return self._batches.pop(0)
        return self.drain()

    def drain(self) -> list[tuple[int, str]]:
        """Everything collected so far (after a crash, timeout or kill)."""
        lines = [line for batch in self._batches for line in batch] + self._lines
        if self._partial or self._overflow:
            raw = self._take()
            lines.append((self._now_ms(), raw[: self._max_line_bytes].decode("utf-8", "replace")))
        self._batches, self._lines = [], []
        return lines


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class ExecutionEnvironment:
    """A warm worker process of one function revision."""

    def __init__(self, spawned: Spawned, *, revision: str, log_stream_name: str,
                 tmp_dir: str, collector: OutputCollector, control: ControlChannel,
                 pipe: asyncio.BaseTransport) -> None:
        self.pid = spawned.pid
        self.revision = revision
        self.log_stream_name = log_stream_name
        self.tmp_dir = tmp_dir
        self.output = collector
        self._control = control
        self._pipe = pipe
        self.last_used_s = 0.0
        self.killed_for: str | None = None  # "timeout" / "memory" when fogbank killed it
        self.dead = False

    @classmethod
    async def attach(cls, spawned: Spawned, *, revision: str, log_stream_name: str,
                     tmp_dir: str, sentinel: bytes,
                     now_ms: Callable[[], int]) -> ExecutionEnvironment:
        loop = asyncio.get_running_loop()
        _, control = await loop.create_unix_connection(ControlChannel, sock=spawned.ctrl)
        collector = OutputCollector(sentinel, now_ms)
        pipe, _ = await loop.connect_read_pipe(
            lambda: collector, os.fdopen(spawned.output_fd, "rb", buffering=0)
        )
        return cls(spawned, revision=revision, log_stream_name=log_stream_name,
                   tmp_dir=tmp_dir, collector=collector, control=control, pipe=pipe)

    async def wait_init(self) -> InitResult:
        kind, flags, _, init_ms, body = await self._reply()
        error = json.loads(body) if not flags & FLAG_OK else None
        return InitResult(init_ms, error)

    async def invoke(self, header: bytes, payload: bytes) -> RawResult:
        """Run one invoke; ``header`` is the JSON header (see ``invoke_header``)."""
        try:
            self._control.send(FRAME.pack(len(header), len(payload)) + header + payload)
        except EnvironmentDied:
            self.dead = True
            raise
        kind, flags, rss_kb, _, body = await self._reply()
        return RawResult(bool(flags & FLAG_OK), body, rss_kb, bool(flags & SENTINEL_SENT))

    async def _reply(self) -> tuple[int, int, int, float, bytes]:
        try:
            return await self._control.reply()
        except EnvironmentDied:
            self.dead = True
            raise

    def rss_bytes(self) -> int:
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE_BYTES
        except (OSError, IndexError, ValueError):
            return 0

    def freeze(self) -> None:
        """SIGSTOP the process group while idle, as Lambda freezes an idle sandbox: threads
        and child processes started by the handler do not run between invokes."""
        try:
            os.killpg(self.pid, signal.SIGSTOP)
        except OSError:
            pass

    def thaw(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGCONT)
        except OSError:
            pass

    @property
    def alive(self) -> bool:
        """False once the process is known to have ended (its output pipe closed)."""
        return not self.dead and not self.output.closed

    def kill(self, reason: str | None = None) -> None:
        """SIGKILL the environment's process group (frozen or not); its output keeps
        draining until EOF."""
        if reason and self.killed_for is None:
            self.killed_for = reason
        if not self.dead:
            self.dead = True
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass

    def close(self) -> None:
        if self._control.transport is not None:
            self._control.transport.close()
        self._pipe.close()


def invoke_header(request_id: str, deadline_ms: int, invoked_arn: str,
                  client_context: dict[str, Any] | None,
                  identity: dict[str, Any] | None) -> bytes:
    """The JSON header of an invoke frame (written by hand: it is on every invoke)."""
    dumps = json.dumps
    text = (f'{{"request_id":{dumps(request_id)},"deadline_ms":{int(deadline_ms)},'
            f'"invoked_function_arn":{dumps(invoked_arn)}')
    if client_context is not None:
        text += f',"client_context":{dumps(client_context)}'
    if identity is not None:
        text += f',"identity":{dumps(identity)}'
    return (text + "}").encode()

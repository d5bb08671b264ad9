"""One execution environment as fogbank sees it: a control stream and an output pipe."""

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


class OutputCollector(asyncio.Protocol):
    """Collects the environment's stdout/stderr as timestamped lines, cut into one batch per
    invoke at the sentinel line the environment writes after flushing. A line keeps at most
    ``max_line_bytes`` (Lambda's log event limit); the rest of a longer line is read and
    dropped, so a huge line costs time linear in its size and bounded memory."""

    def __init__(self, sentinel: bytes, now_ms: Callable[[], int], *,
                 max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._sentinel = sentinel
        self._now_ms = now_ms
        self._max_line_bytes = max_line_bytes
        self._partial = bytearray()  # the unfinished line, at most max_line_bytes
        self._overflow = False  # the unfinished line is longer than what _partial keeps
        self._tail = b""  # the last bytes of a dropped overflow (where a sentinel would be)
        self._lines: list[tuple[int, str]] = []
        self._batches: list[list[tuple[int, str]]] = []
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False

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
                 tmp_dir: str, collector: OutputCollector, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, pipe: asyncio.BaseTransport) -> None:
        self.pid = spawned.pid
        self.revision = revision
        self.log_stream_name = log_stream_name
        self.tmp_dir = tmp_dir
        self.output = collector
        self._reader = reader
        self._writer = writer
        self._pipe = pipe
        self.last_used_s = 0.0
        self.killed_for: str | None = None  # "timeout" / "memory" when fogbank killed it
        self.dead = False

    @classmethod
    async def attach(cls, spawned: Spawned, *, revision: str, log_stream_name: str,
                     tmp_dir: str, sentinel: bytes,
                     now_ms: Callable[[], int]) -> ExecutionEnvironment:
        loop = asyncio.get_running_loop()
        reader, writer = await asyncio.open_unix_connection(sock=spawned.ctrl, limit=1 << 16)
        collector = OutputCollector(sentinel, now_ms)
        pipe, _ = await loop.connect_read_pipe(
            lambda: collector, os.fdopen(spawned.output_fd, "rb", buffering=0)
        )
        return cls(spawned, revision=revision, log_stream_name=log_stream_name,
                   tmp_dir=tmp_dir, collector=collector, reader=reader, writer=writer,
                   pipe=pipe)

    async def wait_init(self) -> InitResult:
        header, body = await self._read_frame()
        error = json.loads(body) if header.get("error") else None
        return InitResult(float(header.get("init_ms", 0.0)), error)

    async def invoke(self, header: dict[str, Any], payload: bytes) -> RawResult:
        head = json.dumps(header).encode()
        self._writer.write(FRAME.pack(len(head), len(payload)) + head + payload)
        if len(payload) > 1 << 16:
            await self._writer.drain()
        result, body = await self._read_frame()
        return RawResult(bool(result.get("ok")), body, int(result.get("max_rss_kb", 0)))

    async def _read_frame(self) -> tuple[dict[str, Any], bytes]:
        try:
            prefix = await self._reader.readexactly(FRAME.size)
            head_len, body_len = FRAME.unpack(prefix)
            header = json.loads(await self._reader.readexactly(head_len))
            body = await self._reader.readexactly(body_len) if body_len else b""
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            self.dead = True
            raise EnvironmentDied() from exc
        return header, body

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
        self._writer.close()
        self._pipe.close()

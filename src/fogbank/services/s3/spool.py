"""Upload bodies to disk: a request body (bytes, or a stream still on the wire) is written to
a temporary file in the S3 state directory while its MD5 and requested checksums are
computed, decoding ``aws-chunked`` framing on the fly and keeping its trailing headers.
Each piece is written to the kernel as it arrives (``os.write``, no fsync); the store then
renames the file into place, so a body never sits in memory whole.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import threading
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fogbank.services.s3.checksums import Checksum, new_checksum
from fogbank.services.s3.errors import IncompleteBody, InvalidRequest

# Pieces at least this big are digested on the pool (smaller ones cost more to hand over).
OFFLOAD_MIN_BYTES = 64 * 1024
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_MAX_CHUNK_HEADER_BYTES = 4096


@dataclass
class Spooled:
    """A body written to ``path``: its size and digests (checksums base64, as S3 sends)."""

    path: Path
    size: int
    md5_hex: str
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm → base64
    sha256_hex: str | None = None
    trailers: dict[str, str] = field(default_factory=dict)  # lower-cased names

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class ChunkedDecoder:
    """Incremental decoder of ``aws-chunked`` bodies: ``<hex>[;ext]\\r\\n<data>\\r\\n``…,
    a zero-size chunk, then optional ``name:value`` trailer lines and a blank line."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._left = 0  # data bytes of the current chunk still to come
        self._state = "header"  # header → data → crlf → header … → trailers → done
        self.trailers: dict[str, str] = {}

    @property
    def done(self) -> bool:
        return self._state == "done"

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        self._buffer += data
        buffer = self._buffer
        while buffer and self._state != "done":
            if self._state == "data":
                take = min(self._left, len(buffer))
                out.append(bytes(buffer[:take]))
                del buffer[:take]
                self._left -= take
                if self._left == 0:
                    self._state = "crlf"
                continue
            if self._state == "crlf":
                if len(buffer) < 2:
                    break
                if buffer[:2] != b"\r\n":
                    raise InvalidRequest("Malformed aws-chunked body: a chunk does not end "
                                         "with CRLF")
                del buffer[:2]
                self._state = "header"
                continue
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                if len(buffer) > _MAX_CHUNK_HEADER_BYTES:
                    raise InvalidRequest("Malformed aws-chunked body: chunk header too long")
                break
            line = bytes(buffer[:line_end])
            del buffer[:line_end + 2]
            if self._state == "header":
                self._chunk_header(line)
            else:
                self._trailer(line)
        return out

    def _chunk_header(self, line: bytes) -> None:
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise InvalidRequest("Malformed aws-chunked body: bad chunk size") from None
        if size == 0:
            self._state = "trailers"
        else:
            self._left = size
            self._state = "data"

    def _trailer(self, line: bytes) -> None:
        if not line.strip():
            self._state = "done"
            return
        name, _, value = line.decode("latin-1").partition(":")
        self.trailers[name.strip().lower()] = value.strip()

    def finish(self) -> None:
        if self._state == "trailers" and not self._buffer:
            self._state = "done"  # trailers may end without the final blank line
        if self._state != "done":
            raise IncompleteBody()


class BodyWriter:
    """Writes one body to a temporary file, computing digests as the bytes go by.

    Bytes go to the file with unbuffered ``os.write`` as they arrive (a buffered file
    object would allocate — and fault in — a fresh buffer per upload, which cost more than
    the write itself). Digests of big pieces are computed on ``digest_pool`` while the
    event loop receives the next piece (hashlib releases the GIL for large buffers), in
    arrival order; ``finish`` waits for them."""

    def __init__(self, path: Path, algorithms: set[str], *, want_sha256: bool,
                 chunked: bool, digest_pool: Executor | None = None) -> None:
        self.path = path
        self._fd = os.open(path, _OPEN_FLAGS, 0o644)
        self._md5 = hashlib.md5()
        self._checksums: dict[str, Checksum] = {name: new_checksum(name) for name in algorithms}
        self._sha256 = hashlib.sha256() if want_sha256 else None
        self._decoder = ChunkedDecoder() if chunked else None
        self._pool = digest_pool
        self._lock = threading.Lock()
        self._pending: deque[tuple[list[bytes], bytes]] = deque()
        self._job: Future[None] | None = None  # the pool job digesting ``_pending``
        self.size = 0

    def write(self, raw: bytes) -> None:
        pieces = self._decoder.feed(raw) if self._decoder is not None else [raw]
        for piece in pieces:
            _write_all(self._fd, piece)
            self.size += len(piece)
        if self._pool is None:
            self._digest(pieces, raw)
            return
        with self._lock:
            if self._job is None and len(raw) < OFFLOAD_MIN_BYTES:
                inline = True  # nothing queued before it: digest here, in order
            else:
                inline = False
                self._pending.append((pieces, raw))
                if self._job is None:
                    self._job = self._pool.submit(self._digest_pending)
        if inline:
            self._digest(pieces, raw)

    def _digest(self, pieces: list[bytes], raw: bytes) -> None:
        for piece in pieces:
            self._md5.update(piece)
            for checksum in self._checksums.values():
                checksum.update(piece)
        if self._sha256 is not None:  # the signed payload is the body as sent
            self._sha256.update(raw)

    def _digest_pending(self) -> None:
        """Pool job: digest queued pieces in order until none is left."""
        while True:
            with self._lock:
                if not self._pending:
                    self._job = None
                    return
                pieces, raw = self._pending.popleft()
            try:
                self._digest(pieces, raw)
            except BaseException:
                with self._lock:
                    self._pending.clear()
                    self._job = None
                raise

    async def _digested(self) -> None:
        while True:
            with self._lock:
                job = self._job
            if job is None:
                return
            await asyncio.wrap_future(job)

    async def finish(self) -> Spooled:
        if self._decoder is not None:
            self._decoder.finish()
        await self._digested()
        # Written to the kernel (os.write returned), not fsync'd: like SQLite's WAL at
        # synchronous=NORMAL, the body survives kill -9 of fogbank (not a power loss or an
        # OS crash), at a fraction of the cost.
        os.close(self._fd)
        self._fd = -1
        return Spooled(
            path=self.path,
            size=self.size,
            md5_hex=self._md5.hexdigest(),
            checksums={name: base64.b64encode(checksum.digest()).decode()
                       for name, checksum in self._checksums.items()},
            sha256_hex=self._sha256.hexdigest() if self._sha256 is not None else None,
            trailers=self._decoder.trailers if self._decoder is not None else {},
        )

    def abort(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self.path.unlink(missing_ok=True)


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written < len(data):  # a regular file takes it all unless the disk is full
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view):]


async def spool(body: Any, path: Path, algorithms: set[str], *, want_sha256: bool = False,
                chunked: bool = False, digest_pool: Executor | None = None) -> Spooled:
    """Write ``body`` (bytes/str/None, or a ``BodyReader``) to ``path``; big pieces of a
    streamed body are digested on ``digest_pool`` while the next ones arrive."""
    writer = BodyWriter(path, algorithms, want_sha256=want_sha256, chunked=chunked,
                        digest_pool=digest_pool)
    try:
        if body is None or isinstance(body, (bytes, bytearray, memoryview, str)):
            data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
            if data:
                writer.write(data)
        else:
            while True:
                chunk = await body.read()
                if not chunk:
                    break
                writer.write(chunk)
        return await writer.finish()
    except BaseException:
        writer.abort()
        raise

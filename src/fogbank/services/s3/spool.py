"""Upload bodies to disk: a request body (bytes, or a stream still on the wire) is written to
a temporary file in the S3 state directory while its MD5 and requested checksums are
computed, decoding ``aws-chunked`` framing on the fly and keeping its trailing headers.
The file is flushed to the kernel; the store then renames it into place, so a body never sits in memory.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fogbank.services.s3.checksums import Checksum, new_checksum
from fogbank.services.s3.errors import IncompleteBody, InvalidRequest

WRITE_BUFFER_BYTES = 1024 * 1024
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
    """Writes one body to a temporary file, computing digests as the bytes go by."""

    def __init__(self, path: Path, algorithms: set[str], *, want_sha256: bool,
                 chunked: bool) -> None:
        self.path = path
        self._file = open(path, "wb", buffering=WRITE_BUFFER_BYTES)  # noqa: SIM115
        self._md5 = hashlib.md5()
        self._checksums: dict[str, Checksum] = {name: new_checksum(name) for name in algorithms}
        self._sha256 = hashlib.sha256() if want_sha256 else None
        self._decoder = ChunkedDecoder() if chunked else None
        self.size = 0

    def write(self, raw: bytes) -> None:
        pieces = self._decoder.feed(raw) if self._decoder is not None else [raw]
        for piece in pieces:
            self._file.write(piece)
            self._md5.update(piece)
            for checksum in self._checksums.values():
                checksum.update(piece)
            self.size += len(piece)
        if self._sha256 is not None:  # the signed payload is the body as sent
            self._sha256.update(raw)

    async def finish(self) -> Spooled:
        if self._decoder is not None:
            self._decoder.finish()
        # Flushed to the kernel, not fsync'd: like SQLite's WAL at synchronous=NORMAL, the
        # body then survives kill -9 of fogbank (not a power loss), at a fraction of the cost.
        self._file.flush()
        self._file.close()
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
        self._file.close()
        self.path.unlink(missing_ok=True)


async def spool(body: Any, path: Path, algorithms: set[str], *, want_sha256: bool = False,
                chunked: bool = False) -> Spooled:
    """Write ``body`` (bytes/str/None, or a ``BodyReader``) to ``path``."""
    writer = BodyWriter(path, algorithms, want_sha256=want_sha256, chunked=chunked)
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

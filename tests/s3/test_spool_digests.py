"""Spooling digests big pieces on a thread pool while small ones are digested inline: the
digests and the file must be those of the bytes in arrival order, whatever the mix."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fogbank.services.s3.spool import OFFLOAD_MIN_BYTES, spool


class Pieces:
    """A ``BodyReader`` handing out the given pieces one ``read`` at a time."""

    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = list(pieces)

    async def read(self) -> bytes:
        await asyncio.sleep(0)  # as the edge does: other requests run between pieces
        return self._pieces.pop(0) if self._pieces else b""


def pieces_of(sizes: list[int]) -> list[bytes]:
    return [bytes([(index * 7 + n) % 251 for n in range(size)])
            for index, size in enumerate(sizes)]


@pytest.mark.parametrize("sizes", [
    [OFFLOAD_MIN_BYTES * 4, 10, OFFLOAD_MIN_BYTES, 3, 1, OFFLOAD_MIN_BYTES * 2, 5],
    [1, 2, 3, OFFLOAD_MIN_BYTES + 1, 4],
    [OFFLOAD_MIN_BYTES - 1, 17],
    [],
])
def test_digests_follow_arrival_order(tmp_path: Path, sizes: list[int]) -> None:
    pieces = pieces_of(sizes)
    whole = b"".join(pieces)
    with ThreadPoolExecutor(max_workers=2) as pool:
        spooled = asyncio.run(spool(Pieces(pieces), tmp_path / "body", {"CRC32"},
                                    want_sha256=True, digest_pool=pool))
    assert spooled.path.read_bytes() == whole
    assert spooled.size == len(whole)
    assert spooled.md5_hex == hashlib.md5(whole).hexdigest()
    assert spooled.sha256_hex == hashlib.sha256(whole).hexdigest()
    crc = (zlib.crc32(whole) & 0xFFFFFFFF).to_bytes(4, "big")
    assert spooled.checksums == {"CRC32": base64.b64encode(crc).decode()}


def test_concurrent_uploads_keep_their_own_digests(tmp_path: Path) -> None:
    bodies = [pieces_of([OFFLOAD_MIN_BYTES * 2, 9, OFFLOAD_MIN_BYTES])[::direction]
              for direction in (1, -1)]

    async def both(pool: ThreadPoolExecutor) -> list[str]:
        done = await asyncio.gather(*(spool(Pieces(body), tmp_path / f"b{n}", set(),
                                            digest_pool=pool)
                                      for n, body in enumerate(bodies)))
        return [spooled.md5_hex for spooled in done]

    with ThreadPoolExecutor(max_workers=2) as pool:
        md5s = asyncio.run(both(pool))
    assert md5s == [hashlib.md5(b"".join(body)).hexdigest() for body in bodies]


def test_aws_chunked_body_with_pool(tmp_path: Path) -> None:
    data = pieces_of([OFFLOAD_MIN_BYTES * 3])[0]
    framed = (f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n"
              + b"x-amz-checksum-crc32:AAAAAA==\r\n\r\n")
    split = [framed[:100], framed[100:OFFLOAD_MIN_BYTES * 2], framed[OFFLOAD_MIN_BYTES * 2:]]
    with ThreadPoolExecutor(max_workers=1) as pool:
        spooled = asyncio.run(spool(Pieces(split), tmp_path / "chunked", set(), chunked=True,
                                    digest_pool=pool))
    assert spooled.path.read_bytes() == data
    assert spooled.md5_hex == hashlib.md5(data).hexdigest()
    assert spooled.trailers == {"x-amz-checksum-crc32": "AAAAAA=="}

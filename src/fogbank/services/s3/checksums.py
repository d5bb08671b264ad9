"""The flexible checksums of S3 (``x-amz-checksum-<algorithm>``), computed incrementally.

CRC32, SHA-1 and SHA-256 come from zlib and hashlib. CRC32C and CRC64NVME have no provider
without awscrt (which botocore uses when installed), so they are table-driven here: correct
but slow (tens of MB/s), which matters only for large objects uploaded with those algorithms.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from pathlib import Path
from typing import Protocol

ALGORITHMS: tuple[str, ...] = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
# Algorithms whose multipart checksum may be a full-object CRC (the others are composite).
FULL_OBJECT_CAPABLE = frozenset({"CRC32", "CRC32C", "CRC64NVME"})


class Checksum(Protocol):
    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...


def _reflected_table(polynomial: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ polynomial if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC32C_TABLE = _reflected_table(0x82F63B78)
_CRC64NVME_TABLE = _reflected_table(0x9A6C9329AC4BC9B5)


class _TableCrc:
    """A reflected CRC with all-ones initial value and final xor."""

    def __init__(self, table: tuple[int, ...], width_bits: int) -> None:
        self._table = table
        self._mask = (1 << width_bits) - 1
        self._width_bytes = width_bits // 8
        self._crc = self._mask

    def update(self, data: bytes) -> None:
        crc = self._crc
        table = self._table
        for byte in data:
            crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        self._crc = crc

    def digest(self) -> bytes:
        return (self._crc ^ self._mask).to_bytes(self._width_bytes, "big")


class _Crc32:
    def __init__(self) -> None:
        self._crc = 0

    def update(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)

    def digest(self) -> bytes:
        return (self._crc & 0xFFFFFFFF).to_bytes(4, "big")


def new_checksum(algorithm: str) -> Checksum:
    """A fresh checksum of ``algorithm`` (one of ``ALGORITHMS``)."""
    if algorithm == "CRC32":
        return _Crc32()
    if algorithm == "CRC32C":
        return _TableCrc(_CRC32C_TABLE, 32)
    if algorithm == "CRC64NVME":
        return _TableCrc(_CRC64NVME_TABLE, 64)
    if algorithm == "SHA1":
        return hashlib.sha1()
    if algorithm == "SHA256":
        return hashlib.sha256()
    raise ValueError(f"unknown checksum algorithm {algorithm}")


def checksum_b64(algorithm: str, data: bytes) -> str:
    """The base64 checksum of ``data`` as S3 sends it in headers."""
    checksum = new_checksum(algorithm)
    checksum.update(data)
    return base64.b64encode(checksum.digest()).decode()


def composite_b64(algorithm: str, part_checksums_b64: list[str]) -> str:
    """The composite multipart checksum: the checksum of the parts' binary checksums,
    suffixed with the part count."""
    joined = b"".join(base64.b64decode(value) for value in part_checksums_b64)
    return f"{checksum_b64(algorithm, joined)}-{len(part_checksums_b64)}"


def header_name(algorithm: str) -> str:
    return f"x-amz-checksum-{algorithm.lower()}"


_PARAM_NAMES = {"CRC32": "checksum_crc32", "CRC32C": "checksum_crc32_c",
                "CRC64NVME": "checksum_crc64_nvme", "SHA1": "checksum_sha1",
                "SHA256": "checksum_sha256"}


def param_name(algorithm: str) -> str:
    """The keyword the dispatcher passes the algorithm's value as (botocore's xform_name of
    ``Checksum<ALGORITHM>``)."""
    return _PARAM_NAMES[algorithm]


def member_name(algorithm: str) -> str:
    """``ChecksumCRC32`` … — the model member carrying the algorithm's value."""
    return f"Checksum{algorithm}"


def file_checksum_b64(algorithm: str, path: Path, chunk_bytes: int = 1024 * 1024) -> str:
    """The base64 checksum of a whole file, read in chunks."""
    checksum = new_checksum(algorithm)
    with open(path, "rb") as source:
        while chunk := source.read(chunk_bytes):
            checksum.update(chunk)
    return base64.b64encode(checksum.digest()).decode()

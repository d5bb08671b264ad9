"""Plain-data HTTP request and response: the boundary between the ASGI servers and
everything behind them (protocol codecs, API Gateway data plane, service HTTP routes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl


class BodyReader(Protocol):
    """A request body still on the wire, read chunk by chunk (streaming uploads)."""

    async def read(self) -> bytes:
        """The next chunk; ``b""`` once the body is complete."""
        ...

    async def drain(self) -> None:
        """Read and discard whatever is left of the body."""
        ...


@dataclass(frozen=True)
class FileBody:
    """A response body sent from a byte range of a file, in chunks (large downloads)."""

    path: str
    offset: int
    length: int
    chunk_bytes: int = 1024 * 1024

    def chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as source:
            source.seek(self.offset)
            left = self.length
            while left > 0:
                chunk = source.read(min(self.chunk_bytes, left))
                if not chunk:
                    raise OSError(f"{self.path} ended {left} bytes early")
                left -= len(chunk)
                yield chunk


@dataclass
class HttpRequest:
    method: str
    path: str  # raw (percent-encoded) path, without the query string
    query_string: str = ""  # raw query string, without '?'
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    # Repeated headers keep every value here (lower-cased names), e.g. Cookie, X-Forwarded-For.
    multi_headers: dict[str, list[str]] = field(default_factory=dict)
    scheme: str = "http"
    client_ip: str = "127.0.0.1"
    # Set instead of ``body`` when the server lets a service stream the body itself.
    body_stream: BodyReader | None = None

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # Sent instead of ``body`` when set (a file-backed download).
    body_file: FileBody | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        lowered = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lowered]
        self.headers.append((name, value))

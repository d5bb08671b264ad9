"""Convert between ASGI messages and the plain ``HttpRequest``/``HttpResponse``."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any

from fogbank.protocol.http import HttpRequest, HttpResponse

log = logging.getLogger("fogbank.server")

Scope = dict[str, Any]

# What HTTP/1.1 (and uvicorn, which would otherwise drop the connection) accepts in a
# response header: token names; values without control characters other than tab.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_IN_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")

# Bodies beyond this are refused before they are read into memory. Lambda's sync limit is
# 6 MB and the API-level services answer their own, smaller limits; streaming services (S3)
# will read bodies themselves.
MAX_BODY_BYTES = 64 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


class ClientDisconnected(Exception):
    """The client went away before sending the whole request body."""


class ReceiveStream:
    """The body of an ASGI request read on demand (``HttpRequest.body_stream``)."""

    def __init__(self, receive: Any) -> None:
        self._receive = receive
        self._done = False

    async def read(self) -> bytes:
        while not self._done:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self._done = True
                raise ClientDisconnected("the client disconnected during the request body")
            self._done = not message.get("more_body", False)
            chunk: bytes = message.get("body", b"")
            if chunk:
                return chunk
        return b""

    async def drain(self) -> None:
        try:
            while await self.read():
                pass
        except ClientDisconnected:
            pass


# Decides, from a request whose body has not been read yet, whether its handler streams it.
StreamsBody = Callable[[HttpRequest], bool]


def request_from_head(method: str, path: str, query_string: str,
                      raw_headers: list[tuple[bytes, bytes]], *, scheme: str = "http",
                      client: tuple[str, int] | None = None) -> HttpRequest:
    """An ``HttpRequest`` (body not read yet) from the parts of a request head: header names
    lower-cased, repeated headers joined (``multi_headers`` keeps every value)."""
    headers = {raw_name.decode("latin-1").lower(): raw_value.decode("latin-1")
               for raw_name, raw_value in raw_headers}
    multi: dict[str, list[str]] = {}
    if len(headers) != len(raw_headers):  # a repeated header: join its values
        headers = {}
        for raw_name, raw_value in raw_headers:
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            if name in headers:
                multi.setdefault(name, [headers[name]]).append(value)
                joiner = "; " if name == "cookie" else ","
                headers[name] = headers[name] + joiner + value
            else:
                headers[name] = value
    if "?" in path:  # some servers leave the query in raw_path
        path = path.split("?", 1)[0]
    return HttpRequest(method=method, path=path, query_string=query_string, headers=headers,
                       multi_headers=multi, scheme=scheme,
                       client_ip=client[0] if client else "127.0.0.1")


async def read_request(scope: Scope, receive: Any, *,
                       stream_body: StreamsBody | None = None) -> HttpRequest:
    raw_path = scope.get("raw_path")
    request = request_from_head(
        scope["method"], raw_path.decode("latin-1") if raw_path else scope["path"],
        scope.get("query_string", b"").decode("latin-1"), scope["headers"],
        scheme=scope.get("scheme", "http"), client=scope.get("client") or ("127.0.0.1", 0))
    headers = request.headers
    if stream_body is not None and stream_body(request):
        request.body_stream = ReceiveStream(receive)
        return request
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge(declared)
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BodyTooLarge(str(size))
            chunks.append(chunk)
        more = message.get("more_body", False)
    request.body = b"".join(chunks) if len(chunks) != 1 else chunks[0]
    return request


def wire_headers(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Encode headers for the wire. Last-resort guard: a header that HTTP/1.1 cannot carry
    (not latin-1, a non-token name, CR/LF/NUL in the value) is dropped and logged — services
    must reject such headers themselves; this only keeps the connection answering."""
    raw: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        kind = _name_kind(name) if name.__class__ is str else _BAD_NAME
        if kind is _SENT_BY_SERVER:
            continue
        if kind is _GOOD_NAME and value.__class__ is str and value.isascii() \
                and value.isprintable():
            raw.append((name.encode("latin-1"), value.encode("latin-1")))
        elif _sendable(name, value):
            raw.append((name.encode("latin-1"), value.encode("latin-1")))
        else:
            log.error("dropped a response header HTTP cannot carry: %r: %r", name, value)
    return raw


_raw_headers = wire_headers  # the name it had before the edge's buffered path shared it


_GOOD_NAME = "good"
_BAD_NAME = "bad"
_SENT_BY_SERVER = "content-length"


@functools.lru_cache(maxsize=1024)
def _name_kind(name: str) -> str:
    """Whether a header name may be sent as is (names come from a small vocabulary)."""
    if name.lower() == "content-length":
        return _SENT_BY_SERVER
    if name.isascii() and (name.replace("-", "").isalnum() or _HEADER_NAME.fullmatch(name)):
        return _GOOD_NAME
    return _BAD_NAME


def _sendable(name: str, value: str) -> bool:
    if not isinstance(name, str) or not isinstance(value, str):
        return False
    # Fast paths first: plain ASCII names like ``Content-Type``, printable ASCII values.
    if _name_kind(name) is not _GOOD_NAME:
        return False
    if value.isascii() and value.isprintable():
        return True
    try:
        return _BAD_IN_VALUE.search(value.encode("latin-1")) is None
    except UnicodeEncodeError:
        return False


async def accept(scope: Scope, receive: Any, send: Any,
                 too_large: HttpResponse, *,
                 stream_body: StreamsBody | None = None) -> HttpRequest | None:
    """The request of an ASGI ``http`` scope, or None when there is nothing to serve:
    lifespan messages are answered, other scopes ignored, an oversized body refused.
    Requests ``stream_body`` picks come with ``body_stream`` instead of a read body."""
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return None
    if scope["type"] != "http":
        return None
    try:
        return await read_request(scope, receive, stream_body=stream_body)
    except BodyTooLarge:
        await send_response(send, too_large)
        return None


async def send_response(send: Any, response: HttpResponse, *, head_only: bool = False) -> None:
    raw_headers = wire_headers(response.headers)
    body_file = response.body_file
    length = body_file.length if body_file is not None else len(response.body)
    if head_only:  # a HEAD answer tells the length of what GET would send (S3 HeadObject)
        declared = response.header("content-length")
        if declared is not None and declared.isdigit():
            length = int(declared)
    raw_headers.append((b"content-length", str(length).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": raw_headers})
    if head_only or body_file is None:
        await send({"type": "http.response.body", "body": b"" if head_only else response.body})
        return
    for chunk in body_file.chunks():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def lifespan(receive: Any, send: Any) -> None:
    """Answer uvicorn's lifespan protocol; the cloud is started by the runner instead."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

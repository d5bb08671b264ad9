"""A small HTTP/1.1 POST client for HTTP/S subscriptions, built on asyncio streams so a
closed port or a silent server never blocks anything but its own delivery task."""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

CONNECT_TIMEOUT_S = 5.0
RESPONSE_TIMEOUT_S = 15.0  # AWS's delivery timeout for HTTP/S endpoints


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; returns the status code, raises ``OSError``/``TimeoutError``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OSError(f"not an HTTP URL: {url}")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    context = None
    if secure:
        # Local endpoints use self-signed certificates; the payload is signed anyway.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(parts.hostname, port, ssl=context), CONNECT_TIMEOUT_S)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        lines = [f"POST {target} HTTP/1.1", f"Host: {host}",
                 f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), RESPONSE_TIMEOUT_S)
        fields = status_line.decode("latin-1").split()
        if len(fields) < 2 or not fields[1].isdigit():
            raise OSError(f"bad HTTP response from {url}: {status_line!r}")
        return int(fields[1])
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 1.0)
        except (OSError, TimeoutError, ssl.SSLError):
            pass

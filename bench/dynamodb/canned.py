"""``python -m bench.dynamodb.canned PORT``: the client-bound ceiling for the boto3 figures.

An asyncio HTTP/1.1 keep-alive server that answers every request with the same canned GetItem
response (the item the boto3 workers ask for), doing no work at all: a boto3 loop against it
measures what the client alone costs.
"""

from __future__ import annotations

import asyncio
import json
import sys

from bench.dynamodb.wire import item
from bench.dynamodb.workload import partition, sort_key

BODY = json.dumps({"Item": item({"pk": partition(3), "sk": sort_key(42), "n": 0,
                                 "amount": 52.5, "payload": "x" * 80})},
                  separators=(",", ":")).encode()
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"x-amzn-RequestId: canned\r\nContent-Length: " + str(len(BODY)).encode()
            + b"\r\n\r\n" + BODY)


def parse_requests(buffer: bytearray) -> int:
    """Remove every complete request from ``buffer``; how many there were."""
    count = 0
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return count
        length = 0
        for line in bytes(buffer[:end]).split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if len(buffer) < end + 4 + length:
            return count
        del buffer[:end + 4 + length]
        count += 1


class CannedProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        answers = parse_requests(self._buffer)
        if answers and self._transport is not None:
            self._transport.write(RESPONSE * answers)


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(CannedProtocol, "127.0.0.1", port)
    print(f"canned DynamoDB answering on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))

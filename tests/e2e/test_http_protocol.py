"""The edge's HTTP protocol writes each answer at once, and big bodies straight away."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fogbank.server.http_protocol import FLUSH_AT_BYTES, CoalescingTransport


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else None


def test_writes_of_one_loop_turn_go_out_together_and_close_flushes():
    async def scenario() -> None:
        raw = _Recorder()
        transport = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(b"body")
        assert raw.writes == []
        assert transport.get_write_buffer_size() == 23
        await asyncio.sleep(0)
        assert raw.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
        transport.write(b"last")
        transport.close()
        assert raw.writes[-1] == b"last" and raw.closed
        assert transport.get_extra_info("peername") == ("127.0.0.1", 1)
        big = b"x" * FLUSH_AT_BYTES
        transport.write(big)  # written at once (after close: dropped, as a transport does)
        await asyncio.sleep(0)
        assert raw.writes[-1] == b"last"

    asyncio.run(scenario())


def test_big_bodies_are_not_held_back():
    async def scenario() -> None:
        raw = _Recorder()
        transport = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"head")
        transport.write(b"x" * FLUSH_AT_BYTES)
        assert len(raw.writes) == 1 and raw.writes[0].startswith(b"head")
        await asyncio.sleep(0)
        assert len(raw.writes) == 1

    asyncio.run(scenario())


# -- JSON-protocol calls answered without ASGI (the buffered path) ---------------------------

_LIST_TABLES = b'{}'


def _call(body: bytes = _LIST_TABLES, *, extra: str = "", chunked: bool = False,
          version: str = "1.1", target: str = "DynamoDB_20120810.ListTables") -> bytes:
    head = (f"POST / HTTP/{version}\r\nHost: 127.0.0.1\r\n"
            f"X-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.0\r\n"
            "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/"
            "aws4_request, SignedHeaders=host, Signature=0\r\n" + extra)
    if chunked:
        middle = len(body) // 2
        parts = [body[:middle], body[middle:]]
        encoded = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts if part)
        return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + encoded + b"0\r\n\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[bytes, dict[str, str], bytes]:
    status = await reader.readline()
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


def _with_edge(tmp_path: Any, scenario: Any) -> Any:
    from fogbank.server.runner import CloudServer

    async def run() -> Any:
        server = CloudServer(tmp_path, edge_port=0, api_port=0)
        await server.start()
        try:
            return await asyncio.wait_for(scenario(server.config.edge_port), 60)
        finally:
            await server.stop()

    return asyncio.run(run())


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Targets of the requests the buffered path answered."""
    from fogbank.server.http_protocol import CoalescingHttpToolsProtocol
    seen: list[str] = []
    original = CoalescingHttpToolsProtocol._answer

    async def spy(self: Any, cycle: Any) -> None:
        seen.append(cycle.request.headers.get("x-amz-target", ""))
        await original(self, cycle)

    monkeypatch.setattr(CoalescingHttpToolsProtocol, "_answer", spy)
    return seen


def test_json_calls_skip_asgi_with_keep_alive_pipelining_and_chunked_bodies(
        tmp_path: Any, answered: list[str]) -> None:
    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for chunked in (False, True):  # two calls on one keep-alive connection
            writer.write(_call(chunked=chunked))
            status, headers, body = await _read_answer(reader)
            assert status.startswith(b"HTTP/1.1 200"), (status, body)
            assert json.loads(body) == {"TableNames": []}
            assert headers["content-type"] == "application/x-amz-json-1.0"
            assert headers["x-amzn-requestid"] and "date" in headers
            assert "connection" not in headers
        # Pipelined: three requests in one write come back complete and in order.
        writer.write(_call(target="DynamoDB_20120810.ListTables")
                     + _call(b'{"TableName":"missing"}', target="DynamoDB_20120810.DescribeTable")
                     + _call(b'{"Limit":1}'))
        answers = [await _read_answer(reader) for _ in range(3)]
        assert [a[0][9:12] for a in answers] == [b"200", b"400", b"200"]
        assert b"ResourceNotFoundException" in answers[1][2]
        # Malformed JSON still gets the service's error, and the connection stays usable.
        writer.write(_call(b"{not json"))
        status, _, body = await _read_answer(reader)
        assert status.startswith(b"HTTP/1.1 400") and b"SerializationException" in body
        writer.write(_call(extra="Connection: close\r\n"))
        status, headers, _ = await _read_answer(reader)
        assert status.startswith(b"HTTP/1.1 200") and headers["connection"] == "close"
        assert await reader.read() == b""  # the server closed the connection
        writer.close()

    _with_edge(tmp_path, scenario)
    assert len(answered) >= 3 and set(answered) >= {"DynamoDB_20120810.ListTables"}


def test_http_10_and_expect_100_continue(tmp_path: Any, answered: list[str]) -> None:
    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_call(version="1.0"))
        status, _, body = await _read_answer(reader)
        assert status.startswith(b"HTTP/1.1 200") and json.loads(body) == {"TableNames": []}
        assert await reader.read() == b""  # HTTP/1.0 without keep-alive: closed
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = _call(extra="Expect: 100-continue\r\n")
        split = head.index(b"\r\n\r\n") + 4
        writer.write(head[:split])
        assert (await reader.readline()).startswith(b"HTTP/1.1 100")
        assert await reader.readline() == b"\r\n"
        writer.write(head[split:])
        status, _, body = await _read_answer(reader)
        assert status.startswith(b"HTTP/1.1 200") and json.loads(body) == {"TableNames": []}
        writer.close()

    _with_edge(tmp_path, scenario)
    assert len(answered) == 1  # the 100-continue request went through uvicorn's ASGI path


def test_a_chunked_body_beyond_the_limit_is_refused(tmp_path: Any, answered: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import fogbank.server.http_protocol as http_protocol
    monkeypatch.setattr(http_protocol, "MAX_BODY_BYTES", 1000)

    async def scenario(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_call(b'{"ExclusiveStartTableName":"' + b"x" * 2000 + b'"}', chunked=True))
        status, headers, body = await _read_answer(reader)
        assert status.startswith(b"HTTP/1.1 413") and b"RequestEntityTooLarge" in body
        assert headers["connection"] == "close"
        writer.close()

    _with_edge(tmp_path, scenario)
    assert len(answered) == 1

"""The additive streaming pieces of the server: request bodies read on demand
(``ReceiveStream``), file-backed responses (``FileBody``) and HEAD lengths in
``send_response``; and S3 state surviving a restart of the cloud."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from fogbank.protocol.http import FileBody, HttpResponse
from fogbank.server.asgi import ClientDisconnected, ReceiveStream, read_request, send_response
from fogbank.testing import run_app
from tests.s3.s3_wire import APPS


def _receiver(messages: list[dict[str, Any]]) -> Any:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def test_receive_stream_reads_chunks_and_reports_disconnects() -> None:
    async def scenario() -> None:
        stream = ReceiveStream(_receiver([
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.request", "body": b"", "more_body": True},
            {"type": "http.request", "body": b"c", "more_body": False}]))
        assert [await stream.read(), await stream.read(), await stream.read()] == [
            b"ab", b"c", b""]
        broken = ReceiveStream(_receiver([
            {"type": "http.request", "body": b"x", "more_body": True},
            {"type": "http.disconnect"}]))
        assert await broken.read() == b"x"
        with pytest.raises(ClientDisconnected):
            await broken.read()
        drained = ReceiveStream(_receiver([
            {"type": "http.request", "body": b"x", "more_body": True},
            {"type": "http.request", "body": b"y", "more_body": False}]))
        await drained.drain()
        assert await drained.read() == b""

    asyncio.run(scenario())


def test_read_request_streams_only_what_the_predicate_picks() -> None:
    scope = {"type": "http", "method": "PUT", "path": "/b/k", "raw_path": b"/b/k",
             "query_string": b"", "headers": [(b"host", b"s3.localhost")]}

    async def scenario() -> None:
        message = [{"type": "http.request", "body": b"data", "more_body": False}]
        streamed = await read_request(scope, _receiver(message), stream_body=lambda r: True)
        assert streamed.body == b"" and streamed.body_stream is not None
        assert await streamed.body_stream.read() == b"data"
        read = await read_request(scope, _receiver(list(message)),
                                  stream_body=lambda r: False)
        assert read.body == b"data" and read.body_stream is None

    asyncio.run(scenario())


def test_send_response_streams_files_and_keeps_head_lengths(tmp_path: Path) -> None:
    path = tmp_path / "body"
    path.write_bytes(bytes(range(256)) * 40)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def scenario() -> None:
        response = HttpResponse(200, [], body_file=FileBody(str(path), 10, 5000, chunk_bytes=2048))
        await send_response(send, response)
        head = HttpResponse(200, [("Content-Length", "10240")])
        await send_response(send, head, head_only=True)

    asyncio.run(scenario())
    start, *bodies = sent[:5]
    assert (b"content-length", b"5000") in start["headers"]
    assert b"".join(m["body"] for m in bodies) == path.read_bytes()[10:5010]
    assert [m.get("more_body", False) for m in bodies] == [True, True, True, False]
    head_start, head_body = sent[5:]
    assert (b"content-length", b"10240") in head_start["headers"]
    assert head_body["body"] == b""


def test_objects_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with run_app(APPS / "objects", state_dir=state) as first:
        client = first.client("s3")
        client.create_bucket(Bucket="durable")
        client.put_bucket_versioning(Bucket="durable",
                                     VersioningConfiguration={"Status": "Enabled"})
        version = client.put_object(Bucket="durable", Key="k", Body=b"kept")["VersionId"]
        client.put_object(Bucket="durable", Key="k", Body=b"newer", Metadata={"m": "1"})
        upload_id = client.create_multipart_upload(Bucket="durable", Key="mp")["UploadId"]
        client.upload_part(Bucket="durable", Key="mp", UploadId=upload_id, PartNumber=1,
                           Body=b"part")
    with run_app(APPS / "objects", state_dir=state) as second:
        client = second.client("s3")
        got = client.get_object(Bucket="durable", Key="k")
        assert got["Body"].read() == b"newer" and got["Metadata"] == {"m": "1"}
        assert client.get_object(Bucket="durable", Key="k",
                                 VersionId=version)["Body"].read() == b"kept"
        parts = client.list_parts(Bucket="durable", Key="mp", UploadId=upload_id)["Parts"]
        assert [p["Size"] for p in parts] == [4]

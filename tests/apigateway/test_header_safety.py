"""Response headers a Lambda function returns that HTTP cannot carry: the proxy response is
malformed (REST 502, HTTP API 500), and the server's last-resort guard never lets such a
header reach uvicorn (which would answer a plain-text 500 or drop the connection)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import uvicorn

from fogbank.protocol.http import HttpResponse
from fogbank.server.asgi import send_response
from tests.apigateway.builders import http_api, rest_api
from tests.apigateway.harness import Cloud, body_json

BAD_VALUES = ["café€", "a\r\nX-Injected: 1", "a\nb", "nul\x00", "bell\x07"]
BAD_NAMES = ["X U", "X:U", "", "Ünicode", "X\r\nY", "(x)", "a/b"]


def _rest(cloud: Cloud, result: Any) -> HttpResponse:
    cloud.client.register("fn", lambda event: result)
    api_id = rest_api(cloud, [("GET", "/r", "fn")])
    return cloud.request("GET", "/dev/r", api_id=api_id)


def _http(cloud: Cloud, result: Any, payload_format: str = "2.0") -> HttpResponse:
    cloud.client.register("fn", lambda event: result)
    api_id = http_api(cloud, [("GET /r", "fn")], payload_format=payload_format)
    return cloud.request("GET", "/r", api_id=api_id)


def _rest_malformed(response: HttpResponse) -> bool:
    return response.status == 502 and body_json(response) == {"message": "Internal server error"}


def _http_malformed(response: HttpResponse) -> bool:
    return response.status == 500 and body_json(response) == {"message": "Internal Server Error"}


@pytest.mark.parametrize("value", BAD_VALUES)
def test_rest_header_value_http_cannot_carry_is_malformed(cloud: Cloud, value: str) -> None:
    assert _rest_malformed(_rest(cloud, {"statusCode": 200, "headers": {"X-U": value}}))


@pytest.mark.parametrize("value", BAD_VALUES)
def test_rest_multi_value_header_http_cannot_carry_is_malformed(cloud: Cloud, value: str) -> None:
    result = {"statusCode": 200, "multiValueHeaders": {"X-U": ["ok", value]}}
    assert _rest_malformed(_rest(cloud, result))


@pytest.mark.parametrize("name", BAD_NAMES)
def test_rest_invalid_header_name_is_malformed(cloud: Cloud, name: str) -> None:
    assert _rest_malformed(_rest(cloud, {"statusCode": 200, "headers": {name: "v"}}))
    assert _rest_malformed(_rest(cloud, {"statusCode": 200, "multiValueHeaders": {name: ["v"]}}))


@pytest.mark.parametrize("value", BAD_VALUES)
def test_http_header_value_http_cannot_carry_is_malformed(cloud: Cloud, value: str) -> None:
    assert _http_malformed(_http(cloud, {"statusCode": 200, "headers": {"X-U": value}}))
    assert _http_malformed(_http(cloud, {"statusCode": 200, "cookies": [value]}))
    v1 = {"statusCode": 200, "headers": {"X-U": value}}
    assert _http_malformed(_http(cloud, v1, payload_format="1.0"))


@pytest.mark.parametrize("name", BAD_NAMES)
def test_http_invalid_header_name_is_malformed(cloud: Cloud, name: str) -> None:
    assert _http_malformed(_http(cloud, {"statusCode": 200, "headers": {name: "v"}}))


def test_latin1_values_and_token_names_pass(cloud: Cloud) -> None:
    headers = {"X-Name": "café", "X-Tab": "a\tb", "X~Odd!#$%&'*+.^_`|": "1"}
    rest = _rest(cloud, {"statusCode": 200, "headers": headers, "body": "ok"})
    assert rest.status == 200 and rest.header("X-Name") == "café"
    assert rest.header("X-Tab") == "a\tb" and rest.header("X~Odd!#$%&'*+.^_`|") == "1"
    http = _http(cloud, {"statusCode": 200, "headers": {"X-Name": "café"}, "body": "ok"})
    assert http.status == 200 and http.header("X-Name") == "café"


# The server's last-resort guard
def _sent_headers(response: HttpResponse) -> list[tuple[bytes, bytes]]:
    messages: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(send_response(send, response))
    return list(messages[0]["headers"])


def test_send_response_drops_headers_http_cannot_carry() -> None:
    response = HttpResponse(
        200,
        [("X-Ok", "café"), ("X-U", "café€"), ("X-Crlf", "a\r\nb"), ("X-Nul", "a\x00"),
         ("Bad Name", "v"), ("X:Colon", "v"), ("", "v"), ("X-Last", "fine")],
        b"body",
    )
    assert _sent_headers(response) == [
        (b"X-Ok", "café".encode("latin-1")),
        (b"X-Last", b"fine"),
        (b"content-length", b"4"),
    ]


class _Server:
    def __init__(self, headers: list[tuple[str, str]], http: str) -> None:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                await send_response(send, HttpResponse(200, list(headers), b"served"))

        config = uvicorn.Config(app, host="127.0.0.1", port=0, http=http, lifespan="off",
                                log_level="critical")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            self.thread.join(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(params=["httptools", "h11"])
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    headers = [("X-U", "café€"), ("X-Crlf", "a\r\nX-Injected: 1"), ("Bad Name", "v"),
               ("X-Ok", "yes")]
    with _Server(headers, request.param) as url:
        yield url


def test_uvicorn_always_answers_despite_bad_headers(served: str) -> None:
    reply = requests.get(served + "/", timeout=10)
    assert reply.status_code == 200 and reply.content == b"served"
    assert reply.headers["X-Ok"] == "yes"
    assert "X-U" not in reply.headers and "X-Injected" not in reply.headers

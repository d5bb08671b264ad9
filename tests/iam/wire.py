"""Real botocore clients whose requests go through fogbank's protocol layer and dispatcher
in-process (no sockets): botocore serialises, fogbank parses, the provider answers, fogbank
serialises, botocore parses. An outside judge for shapes, timestamps and error codes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import botocore.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from fogbank.core.errors import ServiceError
from fogbank.protocol import ProtocolLayer
from fogbank.protocol.http import HttpRequest
from fogbank.services.base import RequestContext
from fogbank.services.dispatch import Dispatcher


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def wire_client(service: str, dispatcher: Dispatcher, *, region: str = "us-east-1",
                access_key_id: str = "AKIAIOSFODNN7EXAMPLE") -> Any:
    layer = ProtocolLayer()
    session = botocore.session.get_session()
    client = session.create_client(
        service, region_name=region, endpoint_url="http://fogbank.test",
        aws_access_key_id=access_key_id, aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        headers = {name.lower(): value.decode() if isinstance(value, bytes) else str(value)
                   for name, value in request.headers.items()}
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        http = HttpRequest(method=request.method, path=url.path or "/",
                           query_string=url.query, headers=headers,
                           body=body.encode() if isinstance(body, str) else bytes(body))
        request_id = dispatcher.ids.uuid()
        operation = None
        try:
            operation, params = layer.parse_request(service, http)
            ctx = RequestContext(service=service, operation=operation, region=region,
                                 account_id=dispatcher.account_id, request_id=request_id,
                                 headers=headers)
            result = asyncio.run(dispatcher.dispatch(ctx, params))
            response = layer.serialize_result(service, operation, result, request_id)
        except ServiceError as error:
            response = layer.serialize_error(service, operation, error, request_id)
        return AWSResponse(request.url, response.status, dict(response.headers),
                           _RawBody(response.body))

    client.meta.events.register("before-send", send)
    return client

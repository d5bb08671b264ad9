"""Whole boto3 clients (with all their handlers and customisations) against the protocol
layer, in-process: each request goes through detect_service → parse_request, and the
provider's answer through serialize_result / serialize_error, back into boto3."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from fogbank.core.errors import ServiceError
from fogbank.protocol import HttpRequest, ProtocolLayer

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]


class RawBody:
    def __init__(self, body: bytes) -> None:
        self._stream = io.BytesIO(body)

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._stream.read()

    def read(self, amt: int | None = None) -> bytes:
        return self._stream.read(amt)


class LocalCloud:
    """Plays the edge: records what was parsed, answers with ``handler``'s result."""

    def __init__(self, layer: ProtocolLayer, handler: Handler) -> None:
        self.layer = layer
        self.handler = handler
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        headers = {key.lower(): value.decode() if isinstance(value, bytes) else value
                   for key, value in request.headers.items()}
        headers.setdefault("host", url.netloc)
        http_request = HttpRequest(request.method, url.path or "/", url.query, headers, body)
        service = self.layer.detect_service(http_request)
        operation = None
        try:
            operation, params = self.layer.parse_request(service, http_request)
            self.calls.append((service, operation, params))
            response = self.layer.serialize_result(service, operation,
                                                   self.handler(operation, params), "rid-1")
        except ServiceError as error:
            response = self.layer.serialize_error(service, operation, error, "rid-1")
        return AWSResponse(request.url, response.status, dict(response.headers),
                           RawBody(response.body))


def client(layer: ProtocolLayer, service: str, handler: Handler, **config: Any
           ) -> tuple[Any, LocalCloud]:
    cloud = LocalCloud(layer, handler)
    made = boto3.client(service, endpoint_url="http://127.0.0.1:4566", region_name="us-west-2",
                        aws_access_key_id="AKID", aws_secret_access_key="secret",
                        config=Config(retries={"max_attempts": 1}, **config))
    made.meta.events.register("before-send", cloud)
    return made, cloud


def test_lambda_invoke(layer: ProtocolLayer) -> None:
    lam, cloud = client(layer, "lambda", lambda op, params: {
        "StatusCode": 200, "Payload": b'{"ok": true}', "ExecutedVersion": "$LATEST"})
    response = lam.invoke(FunctionName="fn", Payload=b'{"x": 1}', Qualifier="live")
    assert response["Payload"].read() == b'{"ok": true}'
    assert response["ExecutedVersion"] == "$LATEST"
    assert cloud.calls == [("lambda", "Invoke", {
        "FunctionName": "fn", "Payload": b'{"x": 1}', "Qualifier": "live"})]


def test_logs_and_sts_and_iam(layer: ProtocolLayer) -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    logs, _ = client(layer, "logs", lambda op, params: {
        "logGroups": [{"logGroupName": "/aws/lambda/fn", "creationTime": 1767323045000}]})
    assert logs.describe_log_groups(limit=5)["logGroups"][0]["logGroupName"] == "/aws/lambda/fn"
    sts, _ = client(layer, "sts", lambda op, params: {
        "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root", "UserId": "AKID"})
    assert sts.get_caller_identity()["Account"] == "000000000000"
    iam, cloud = client(layer, "iam", lambda op, params: {"User": {
        "Path": "/", "UserName": params["UserName"], "UserId": "AID", "CreateDate": created,
        "Arn": "arn:aws:iam::000000000000:user/bob"}})
    user = iam.create_user(UserName="bob", Tags=[{"Key": "team", "Value": "core"}])["User"]
    assert user["CreateDate"] == created
    assert cloud.calls[0][2] == {"UserName": "bob", "Tags": [{"Key": "team", "Value": "core"}]}


def test_sqs_modelled_error_becomes_boto3_exception(layer: ProtocolLayer) -> None:
    class QueueDoesNotExist(ServiceError):
        query_error_code = "AWS.SimpleQueueService.NonExistentQueue"

    def handler(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        raise QueueDoesNotExist("The specified queue does not exist.")

    sqs, _ = client(layer, "sqs", handler)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="missing")


def test_s3_put_and_get_object(layer: ProtocolLayer) -> None:
    stored: dict[str, bytes] = {}

    def handler(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation == "PutObject":
            stored[params["Key"]] = params["Body"]
            return {"ETag": '"etag"'}
        if operation == "GetObject":
            body = stored[params["Key"]]
            return {"Body": body, "ContentLength": len(body), "ContentType": "text/plain",
                    "ETag": '"etag"', "Metadata": {"owner": "me"}}
        if operation == "ListObjectsV2":
            return {"Name": params["Bucket"], "KeyCount": 1, "IsTruncated": False,
                    "Contents": [{"Key": key, "Size": len(value)}
                                 for key, value in stored.items()]}
        raise AssertionError(operation)

    s3, cloud = client(layer, "s3", handler, s3={"addressing_style": "path"})
    s3.put_object(Bucket="bucket", Key="dir/hello world.txt", Body=b"hello")
    got = s3.get_object(Bucket="bucket", Key="dir/hello world.txt")
    assert got["Body"].read() == b"hello"
    assert got["Metadata"] == {"owner": "me"}
    listed = s3.list_objects_v2(Bucket="bucket")
    assert [item["Key"] for item in listed["Contents"]] == ["dir/hello world.txt"]
    assert [call[1] for call in cloud.calls] == ["PutObject", "GetObject", "ListObjectsV2"]


def test_s3_virtual_host_addressing(layer: ProtocolLayer) -> None:
    s3, cloud = client(layer, "s3", lambda op, params: {}, s3={"addressing_style": "virtual"})
    s3.meta.events.register("before-sign", _point_at_s3_host)
    s3.delete_object(Bucket="my-bucket", Key="k")
    assert cloud.calls == [("s3", "DeleteObject", {"Bucket": "my-bucket", "Key": "k"})]


def _point_at_s3_host(request: Any, **_: Any) -> None:
    url = urlsplit(request.url)
    request.url = url._replace(netloc=url.netloc.replace("127.0.0.1",
                                                          "s3.localhost.localstack.cloud")
                               ).geturl()


def test_apigatewayv2_create_api(layer: ProtocolLayer) -> None:
    apigw, cloud = client(layer, "apigatewayv2", lambda op, params: {
        "ApiId": "abc123", "Name": params["Name"], "ProtocolType": "HTTP",
        "CreatedDate": datetime(2026, 1, 1, tzinfo=UTC)})
    created = apigw.create_api(Name="api", ProtocolType="HTTP")
    assert created["ApiId"] == "abc123"
    assert cloud.calls == [("apigatewayv2", "CreateApi", {"Name": "api",
                                                          "ProtocolType": "HTTP"})]

"""Small keep-alive clients over ``http.client`` speaking what boto3 sends — SQS's JSON
protocol, S3's REST (path-style) and SNS's query protocol — with no botocore on the hot path.

On 2 CPUs, four boto3 processes spend more CPU per call than a fast server does, so the
single-operation loops use these instead. Each request carries a SigV4 ``Authorization``
header made once per connection with botocore (no server under test verifies signatures;
the credential scope names the service, which some servers route by).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from bench.load import KeepAlive

REGION = "us-east-1"
_CREDENTIALS = Credentials("test", "test")


class WireError(Exception):
    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}: {body[:300].decode(errors='replace')}")
        self.status = status


class RawConnection:
    """One keep-alive connection to the server of ``endpoint`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, endpoint: str, service: str, timeout_s: float = 60.0) -> None:
        parts = urlsplit(endpoint)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.service = service
        self._link = KeepAlive(self.host, self.port, timeout_s)
        self._auth: dict[str, str] | None = None

    def auth_headers(self) -> dict[str, str]:
        """``Authorization`` and ``X-Amz-Date`` of one signed request, reused for all."""
        if self._auth is None:
            request = AWSRequest(method="GET", url=f"http://{self.host}:{self.port}/",
                                 headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
            signer = S3SigV4Auth if self.service == "s3" else SigV4Auth
            signer(_CREDENTIALS, self.service, REGION).add_auth(request)
            self._auth = {name: str(request.headers[name])
                          for name in ("Authorization", "X-Amz-Date")}
        return self._auth

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        sent = {**self.auth_headers(), **(headers or {})}
        if body or method in ("PUT", "POST"):
            sent["Content-Length"] = str(len(body))
        status, raw = self._link.round_trip(method, path, body or None, sent)
        if not 200 <= status < 300:
            raise WireError(status, raw)
        return status, raw

    def close(self) -> None:
        self._link.close()


class SqsConnection(RawConnection):
    """SQS over its JSON protocol (``X-Amz-Target: AmazonSQS.<Operation>``)."""

    def __init__(self, endpoint: str, timeout_s: float = 60.0) -> None:
        super().__init__(endpoint, "sqs", timeout_s)

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        _, raw = self.request("POST", "/", json.dumps(body, separators=(",", ":")).encode(), {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"AmazonSQS.{operation}"})
        return json.loads(raw) if raw else {}


class S3Connection(RawConnection):
    """S3 path-style PutObject / GetObject with unsigned payloads (as boto3 over http)."""

    def __init__(self, endpoint: str, timeout_s: float = 60.0) -> None:
        super().__init__(endpoint, "s3", timeout_s)

    def put(self, bucket: str, key: str, body: bytes) -> None:
        self.request("PUT", f"/{bucket}/{quote(key)}", body, {
            "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD",
            "Content-Type": "application/octet-stream"})

    def get(self, bucket: str, key: str) -> bytes:
        return self.request("GET", f"/{bucket}/{quote(key)}", headers={
            "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})[1]


class SnsConnection(RawConnection):
    """SNS over its query protocol (form-encoded POST)."""

    def __init__(self, endpoint: str, timeout_s: float = 60.0) -> None:
        super().__init__(endpoint, "sns", timeout_s)

    def publish(self, topic_arn: str, message: str) -> None:
        form = urlencode({"Action": "Publish", "Version": "2010-03-31",
                          "TopicArn": topic_arn, "Message": message}).encode()
        self.request("POST", "/", form, {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})

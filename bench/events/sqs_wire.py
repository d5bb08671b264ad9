"""A small keep-alive SQS client speaking the JSON protocol boto3 uses, over ``http.client``.

Four boto3 processes on two CPUs spend more CPU per SQS call than a fast server does, so the
SQS loops use this instead: each operation's headers are signed once with botocore's SigV4 (no
server under test verifies signatures) and reused; bodies are compact JSON.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "AmazonSQS."
REGION = "us-east-1"


class SqsError(Exception):
    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}: {body[:300].decode(errors='replace')}")
        self.status = status


class SqsConnection:
    """One keep-alive connection to the server of ``endpoint`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, endpoint: str, timeout_s: float = 60.0) -> None:
        parts = urlsplit(endpoint)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._timeout_s = timeout_s
        self._connection: http.client.HTTPConnection | None = None
        self._headers: dict[str, dict[str, str]] = {}

    def _signed(self, operation: str) -> dict[str, str]:
        headers = self._headers.get(operation)
        if headers is None:
            request = AWSRequest(method="POST", url=f"http://{self._host}:{self._port}/",
                                 data=b"{}", headers={"Content-Type": CONTENT_TYPE,
                                                      "X-Amz-Target": TARGET_PREFIX + operation})
            SigV4Auth(Credentials("test", "test"), "sqs", REGION).add_auth(request)
            headers = {name: str(value) for name, value in request.headers.items()}
            headers.pop("X-Amz-Content-SHA256", None)
            self._headers[operation] = headers
        return headers

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self._host, self._port,
                                                          timeout=self._timeout_s)
        payload = json.dumps(body, separators=(",", ":")).encode()
        try:
            self._connection.request("POST", "/", body=payload, headers=self._signed(operation))
            response = self._connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("connection", "").lower() == "close":
            self.close()
        if response.status != 200:
            raise SqsError(response.status, raw)
        return json.loads(raw) if raw else {}

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

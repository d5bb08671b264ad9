"""A small keep-alive DynamoDB JSON client over ``http.client`` (no retries, no botocore).

Used for setup (tables, preload), readiness polls, the seed load and the timed queries: the
request is signed and encoded before the clock starts, so a timing is one round trip.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

from bench.dynamodb.wire import Call, signed_headers
from bench.load import BenchError, KeepAlive

RETRYABLE = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                       "InternalServerError", "LimitExceededException"})


class DynamoError(BenchError):
    """A DynamoDB error answer: its wire code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code


class Prepared:
    """A call encoded and signed once; ``send`` may run it any number of times."""

    def __init__(self, host: str, call: Call) -> None:
        self.operation = call.operation
        self.payload = call.payload()
        self.headers = dict(signed_headers(host, call.operation, self.payload))


class DynamoConnection:
    """One keep-alive connection to ``127.0.0.1:port``."""

    def __init__(self, port: int, timeout_s: float = 60.0) -> None:
        self.host = f"127.0.0.1:{port}"
        self._link = KeepAlive("127.0.0.1", port, timeout_s)

    def prepare(self, call: Call) -> Prepared:
        return Prepared(self.host, call)

    def send(self, prepared: Prepared) -> dict[str, Any]:
        """The decoded answer of one round trip; raises :class:`DynamoError` on an error answer."""
        status, raw = self._link.round_trip("POST", "/", prepared.payload, prepared.headers)
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            decoded = {"message": raw[:300].decode(errors="replace")}
        if status != 200:
            code = str(decoded.get("__type", "?")).rsplit("#", 1)[-1]
            raise DynamoError(status, code, str(decoded.get("message")
                                                         or decoded.get("Message") or raw[:200]))
        return decoded if isinstance(decoded, dict) else {}

    def call(self, call: Call) -> dict[str, Any]:
        return self.send(self.prepare(call))

    def timed(self, prepared: Prepared) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        answer = self.send(prepared)
        return (time.perf_counter() - started) * 1000, answer

    def close(self) -> None:
        self._link.close()


def write_all(connection: DynamoConnection, call: Call, deadline: float,
              backoff_s: float = 0.01) -> int:
    """Run a BatchWriteItem until nothing is unprocessed (or ``deadline``); the retries it took."""
    retries = 0
    pending: Call | None = call
    while pending is not None:
        try:
            answer = connection.call(pending)
        except DynamoError as error:
            if error.code not in RETRYABLE or time.monotonic() > deadline:
                raise
            retries += 1
            time.sleep(backoff_s)
            continue
        unprocessed = answer.get("UnprocessedItems") or {}
        if not any(unprocessed.values()):
            return retries
        if time.monotonic() > deadline:
            raise BenchError("BatchWriteItem still returned UnprocessedItems at the deadline")
        retries += 1
        pending = Call("BatchWriteItem", {"RequestItems": unprocessed})
        time.sleep(backoff_s)
    return retries


def wait_until_ready(port: int, deadline_s: float, interval_s: float = 0.05) -> None:
    """Poll ListTables until it answers 200 (any server that speaks DynamoDB is then ready)."""
    deadline = time.monotonic() + deadline_s
    last = "no answer"
    while time.monotonic() < deadline:
        connection = DynamoConnection(port, timeout_s=2.0)
        try:
            connection.call(Call("ListTables", {}))
            return
        except (OSError, http.client.HTTPException, BenchError) as error:
            last = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        time.sleep(interval_s)
    raise BenchError(f"127.0.0.1:{port} did not answer ListTables within {deadline_s:g} s "
                     f"(last: {last})")


def write_prepared(connection: DynamoConnection, prepared: Prepared, deadline: float,
                   backoff_s: float = 0.01) -> int:
    """``write_all`` for a BatchWriteItem encoded and signed in advance: sent as it is; what
    comes back unprocessed (or a retryable error) goes through ``write_all``."""
    try:
        answer = connection.send(prepared)
    except DynamoError as error:
        if error.code not in RETRYABLE or time.monotonic() > deadline:
            raise
        time.sleep(backoff_s)
        return 1 + write_all(connection, Call("BatchWriteItem", _body(prepared)), deadline,
                             backoff_s)
    unprocessed = answer.get("UnprocessedItems") or {}
    if not any(unprocessed.values()):
        return 0
    time.sleep(backoff_s)
    return 1 + write_all(connection, Call("BatchWriteItem", {"RequestItems": unprocessed}),
                         deadline, backoff_s)


def _body(prepared: Prepared) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(prepared.payload)
    return decoded

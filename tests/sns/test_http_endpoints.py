"""HTTP/S subscriptions against a real local HTTP server: the SubscriptionConfirmation POST,
confirmation, signed notifications, retries per the delivery policy (driven by a
ManualClock), and a closed port that never holds up the publisher."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest

from tests.sns.harness import Cloudlet, run


class Endpoint:
    """A tiny HTTP server recording POSTs; answers with the next queued status (200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any] | str]] = []
        self.statuses: list[int] = []
        self.server: asyncio.AbstractServer | None = None
        self.url = ""

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook"

    async def stop(self) -> None:
        if self.server:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        body = (await reader.readexactly(int(headers["content-length"]))).decode()
        try:
            parsed: dict[str, Any] | str = json.loads(body)
        except ValueError:
            parsed = body
        self.requests.append((headers, parsed))
        status = self.statuses.pop(0) if self.statuses else 200
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()
        writer.close()


async def until(condition: Callable[[], bool], rounds: int = 500) -> None:
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


@pytest.fixture
def cloud(tmp_path) -> Cloudlet:
    return Cloudlet(tmp_path)


def test_confirmation_then_notification(cloud):
    async def scenario():
        endpoint = Endpoint()
        await endpoint.start()
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="web"))["TopicArn"]
        result = await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="http",
                                      Endpoint=endpoint.url)
        assert result["SubscriptionArn"] == "pending confirmation"
        await until(lambda: len(endpoint.requests) == 1)
        headers, confirmation = endpoint.requests[0]
        # Pending subscriptions get nothing.
        await cloud.sns_call("Publish", TopicArn=topic, Message="too early")
        await cloud.settle()
        confirmed = await cloud.sns_call("ConfirmSubscription", TopicArn=topic,
                                         Token=confirmation["Token"])
        await cloud.sns_call("Publish", TopicArn=topic, Message="hello", Subject="S")
        await until(lambda: len(endpoint.requests) == 2)
        await cloud.sns.stop()
        await endpoint.stop()
        return topic, headers, confirmation, confirmed, endpoint.requests[1]

    topic, headers, confirmation, confirmed, (note_headers, note) = run(scenario())
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert confirmation["Type"] == "SubscriptionConfirmation"
    assert confirmation["SubscribeURL"].startswith("http://127.0.0.1:4566/?Action="
                                                   "ConfirmSubscription&TopicArn=")
    assert confirmation["Token"] in confirmation["SubscribeURL"]
    assert {"MessageId", "Message", "Timestamp", "SignatureVersion", "Signature",
            "SigningCertURL"} <= set(confirmation)
    assert note_headers["x-amz-sns-message-type"] == "Notification"
    assert note_headers["x-amz-sns-subscription-arn"] == confirmed["SubscriptionArn"]
    assert note_headers["content-type"] == "text/plain; charset=UTF-8"
    assert note["Message"] == "hello" and note["Subject"] == "S"


def test_raw_http_delivery(cloud):
    async def scenario():
        endpoint = Endpoint()
        await endpoint.start()
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="web"))["TopicArn"]
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="http",
                             Endpoint=endpoint.url, Attributes={"RawMessageDelivery": "true"})
        await until(lambda: len(endpoint.requests) == 1)
        await cloud.sns_call("ConfirmSubscription", TopicArn=topic,
                             Token=endpoint.requests[0][1]["Token"])
        await cloud.sns_call("Publish", TopicArn=topic, Message="just text")
        await until(lambda: len(endpoint.requests) == 2)
        await cloud.sns.stop()
        await endpoint.stop()
        return endpoint.requests[1]

    headers, body = run(scenario())
    assert body == "just text" and headers["x-amz-sns-rawdelivery"] == "true"


def test_failed_notifications_are_retried_per_the_delivery_policy(cloud):
    async def scenario():
        endpoint = Endpoint()
        await endpoint.start()
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="web"))["TopicArn"]
        arn = (await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="http",
                                    Endpoint=endpoint.url,
                                    ReturnSubscriptionArn=True))["SubscriptionArn"]
        await until(lambda: len(endpoint.requests) == 1)
        await cloud.sns_call("ConfirmSubscription", TopicArn=topic,
                             Token=endpoint.requests[0][1]["Token"])
        await cloud.sns_call("SetSubscriptionAttributes", SubscriptionArn=arn,
                             AttributeName="DeliveryPolicy", AttributeValue=json.dumps(
                                 {"healthyRetryPolicy": {"numRetries": 2,
                                                         "minDelayTarget": 5,
                                                         "maxDelayTarget": 5}}))
        endpoint.statuses = [500, 503]
        await cloud.sns_call("Publish", TopicArn=topic, Message="eventually")
        await until(lambda: len(endpoint.requests) == 2)
        await cloud.settle()
        cloud.clock.advance(5)
        await until(lambda: len(endpoint.requests) == 3)
        await cloud.settle()
        cloud.clock.advance(5)
        await until(lambda: len(endpoint.requests) == 4)
        await cloud.settle()
        await cloud.sns.stop()
        await endpoint.stop()
        return endpoint.requests

    requests = run(scenario())
    assert [body["Message"] for _, body in requests[1:]] == ["eventually"] * 3
    assert len({body["MessageId"] for _, body in requests[1:]}) == 1
    assert cloud.sns.store.pending_deliveries() == []


def test_closed_port_does_not_block_publishing(cloud):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]

    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="web"))["TopicArn"]
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="http",
                             Endpoint=f"http://127.0.0.1:{closed_port}/")
        subscription = next(iter(cloud.sns.store.subscriptions.values()))
        subscription.pending = False  # as if confirmed
        cloud.sns.store.put_subscription(subscription)
        for index in range(5):
            await asyncio.wait_for(
                cloud.sns_call("Publish", TopicArn=topic, Message=str(index)), 1.0)
        await cloud.settle()
        for _ in range(3):  # the default policy: three retries 20 s apart, then give up
            cloud.clock.advance(20)
            await asyncio.sleep(0.05)
            await cloud.settle()
        await cloud.sns.stop()

    run(scenario())
    assert cloud.sns.store.pending_deliveries() == []


def test_https_endpoint_with_a_self_signed_certificate(cloud, tmp_path):
    pytest.importorskip("cryptography")
    import datetime as dt
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(1)
                   .not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")

    async def scenario():
        endpoint = Endpoint()
        endpoint.server = await asyncio.start_server(endpoint._handle, "127.0.0.1", 0,
                                                     ssl=context)
        port = endpoint.server.sockets[0].getsockname()[1]
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="secure"))["TopicArn"]
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="https",
                             Endpoint=f"https://127.0.0.1:{port}/hook")
        await until(lambda: len(endpoint.requests) == 1)
        await cloud.sns.stop()
        await endpoint.stop()
        return endpoint.requests

    ((headers, body),) = run(scenario())
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert body["Type"] == "SubscriptionConfirmation"

"""An object change and the outbox rows of its event notifications commit in one SQLite
transaction: a process that dies after the commit still owes (and later sends) the event, and
a commit that fails leaves neither the object nor its event."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.s3.config.notifications import PendingEvent
from fogbank.services.s3.errors import NoSuchKey
from fogbank.services.s3.provider import S3Provider
from tests.s3.config_fakes import RecordingClient

QUEUE = "arn:aws:sqs:eu-west-1:000000000000:uploads"


def rctx() -> RequestContext:
    return RequestContext("s3", "PutObject", "eu-west-1", "000000000000", "REQ1")


def provider(state: Path, client: RecordingClient) -> S3Provider:
    config = CloudConfig(state_dir=state, region="eu-west-1")
    return S3Provider(ServiceContext(config, ManualClock(), Ids(seed=3), client,
                                     config.service_dir("s3")))


async def configured(s3: S3Provider) -> None:
    s3.create_bucket(rctx(), bucket="photos", create_bucket_configuration={
        "LocationConstraint": "eu-west-1"})
    await s3.put_bucket_notification_configuration(rctx(), bucket="photos",
                                                   notification_configuration={
        "QueueConfigurations": [{"Id": "q", "QueueArn": QUEUE,
                                 "Events": ["s3:ObjectCreated:*"]}]})


def record_keys(client: RecordingClient) -> list[str]:
    bodies = [json.loads(p["MessageBody"]) for p in client.sent("SendMessage")]
    return [record["s3"]["object"]["key"] for body in bodies
            for record in body.get("Records", [])]


def test_an_event_committed_with_its_object_is_sent_after_a_crash(tmp_path: Path) -> None:
    client = RecordingClient()
    client.existing.add(QUEUE)
    first = provider(tmp_path, client)

    async def die_before_sending(_seqs: list[int]) -> None:
        raise asyncio.CancelledError  # the process is killed right after the commit

    async def write() -> None:
        await configured(first)
        first.config_outbox.deliver = die_before_sending  # type: ignore[method-assign]
        with pytest.raises(asyncio.CancelledError):
            await first.put_object(rctx(), bucket="photos", key="cat.jpg", body=b"meow")

    asyncio.run(write())
    owed = first.config_store.pending()
    assert [entry.payload["Records"][0]["s3"]["object"]["key"] for entry in owed] == [
        "cat.jpg"]
    first.db.close()

    client2 = RecordingClient()
    client2.existing.add(QUEUE)
    second = provider(tmp_path, client2)

    async def restart() -> None:
        await second.start()
        for _ in range(200):
            if client2.sent("SendMessage"):
                break
            await asyncio.sleep(0.01)
        for _ in range(200):
            if not second.config_store.pending():
                break
            await asyncio.sleep(0.01)
        assert second.config_store.pending() == []
        await second.stop()

    asyncio.run(restart())
    assert record_keys(client2) == ["cat.jpg"]


def test_a_failed_commit_keeps_neither_object_nor_event(tmp_path: Path,
                                                        monkeypatch: Any) -> None:
    client = RecordingClient()
    client.existing.add(QUEUE)
    s3 = provider(tmp_path, client)
    original = PendingEvent.write

    def write_then_fail(self: PendingEvent, conn: Any) -> None:
        original(self, conn)
        raise OSError("disk full")

    async def scenario() -> None:
        await configured(s3)
        monkeypatch.setattr(PendingEvent, "write", write_then_fail)
        with pytest.raises(OSError):
            await s3.put_object(rctx(), bucket="photos", key="cat.jpg", body=b"meow")
        with pytest.raises(NoSuchKey):
            s3.head_object(rctx(), bucket="photos", key="cat.jpg")
        assert s3.config_store.pending() == []
        await s3.stop()

    asyncio.run(scenario())
    assert record_keys(client) == []


def test_buckets_without_notifications_write_no_outbox_rows(tmp_path: Path) -> None:
    client = RecordingClient()
    s3 = provider(tmp_path, client)

    async def scenario() -> None:
        s3.create_bucket(rctx(), bucket="plain", create_bucket_configuration={
            "LocationConstraint": "eu-west-1"})
        assert s3.object_event(rctx(), "plain", "ObjectCreated:Put", key="k") is None
        await s3.put_object(rctx(), bucket="plain", key="k", body=b"x")
        assert s3.config_store.last_seq() == 0
        await s3.stop()

    asyncio.run(scenario())
    assert client.calls == []

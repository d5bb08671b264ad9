"""Notifications reach the real SQS, SNS and EventBridge providers through the dispatcher
(provider level; the bucket side is the configuration mixin on a stand-in provider)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    S3EventNotificationEventBridgeModel,
    S3Model,
    SnsModel,
)

from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import ServiceContext
from fogbank.services.dispatch import Dispatcher
from fogbank.services.events.provider import EventsProvider
from fogbank.services.sns.provider import SnsProvider
from fogbank.services.sqs.provider import SqsProvider
from tests.s3.config_fakes import make_provider, rctx

REGION = "eu-west-1"


class LocalCloud:
    def __init__(self, tmp_path: Any) -> None:
        config = CloudConfig(state_dir=tmp_path, region=REGION)
        ids = Ids(seed=11)
        self.dispatcher = Dispatcher([], region=REGION, account_id="000000000000", ids=ids)
        for provider_class, name in ((SqsProvider, "sqs"), (SnsProvider, "sns"),
                                     (EventsProvider, "events")):
            ctx = ServiceContext(config, Clock(), ids, self.dispatcher,
                                 config.service_dir(name))
            self.dispatcher.add(provider_class(ctx))  # type: ignore[call-arg]
        self.s3, _, _ = make_provider(tmp_path / "s3")
        self.s3.ctx.client = self.dispatcher

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        return await self.dispatcher.call(service, operation, params)

    async def receive(self, queue_url: str, count: int, timeout_s: float = 10
                      ) -> list[dict[str, Any]]:
        bodies: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(bodies) < count and loop.time() < deadline:
            found = await self.call("sqs", "ReceiveMessage", QueueUrl=queue_url,
                                    MaxNumberOfMessages=10, WaitTimeSeconds=0)
            for message in found.get("Messages", []):
                bodies.append(json.loads(message["Body"]))
                await self.call("sqs", "DeleteMessage", QueueUrl=queue_url,
                                ReceiptHandle=message["ReceiptHandle"])
            if len(bodies) < count:
                await asyncio.sleep(0.05)
        return bodies


async def with_cloud(tmp_path: Any, scenario: Any) -> None:
    cloud = LocalCloud(tmp_path)
    for provider in cloud.dispatcher.providers.values():
        await provider.start()
    try:
        await scenario(cloud)
    finally:
        for provider in cloud.dispatcher.providers.values():
            await provider.stop()


async def queue(cloud: LocalCloud, name: str) -> tuple[str, str]:
    url = (await cloud.call("sqs", "CreateQueue", QueueName=name))["QueueUrl"]
    attributes = await cloud.call("sqs", "GetQueueAttributes", QueueUrl=url,
                                  AttributeNames=["QueueArn"])
    return url, attributes["Attributes"]["QueueArn"]


def test_sqs_gets_test_event_then_records(tmp_path) -> None:
    async def scenario(cloud: LocalCloud) -> None:
        url, arn = await queue(cloud, "uploads")
        await cloud.s3.put_bucket_notification_configuration(
            rctx(), bucket="photos", notification_configuration={"QueueConfigurations": [
                {"Id": "q", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
        [test_event] = await cloud.receive(url, 1)
        assert test_event["Event"] == "s3:TestEvent"
        await cloud.s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put",
                                           key="a b/c.txt", size=4, etag='"e"')
        [message] = await cloud.receive(url, 1)
        parsed = S3Model.model_validate(message)
        assert parsed.Records[0].s3.object.key == "a+b/c.txt"

        with pytest.raises(ServiceError) as caught:
            await cloud.s3.put_bucket_notification_configuration(
                rctx(), bucket="photos", notification_configuration={"QueueConfigurations": [
                    {"QueueArn": arn + "-gone", "Events": ["s3:ObjectCreated:*"]}]})
        assert caught.value.fields == {"ArgumentName1": arn + "-gone",
                                       "ArgumentValue1": "The destination queue does not exist"}

    asyncio.run(with_cloud(tmp_path, scenario))


def test_sns_topic_delivers_with_the_s3_subject(tmp_path) -> None:
    async def scenario(cloud: LocalCloud) -> None:
        url, queue_arn = await queue(cloud, "fanout")
        topic_arn = (await cloud.call("sns", "CreateTopic", Name="uploads"))["TopicArn"]
        await cloud.call("sns", "Subscribe", TopicArn=topic_arn, Protocol="sqs",
                         Endpoint=queue_arn)
        await cloud.s3.put_bucket_notification_configuration(
            rctx(), bucket="photos", notification_configuration={"TopicConfigurations": [
                {"Id": "t", "TopicArn": topic_arn, "Events": ["s3:ObjectRemoved:*"]}]})
        await cloud.s3.notify_object_event(rctx(), "photos", "ObjectRemoved:Delete", key="k")
        envelopes = await cloud.receive(url, 2)
        assert [envelope["Subject"] for envelope in envelopes] == [
            "Amazon S3 Notification"] * 2
        assert json.loads(envelopes[0]["Message"])["Event"] == "s3:TestEvent"
        record = S3Model.model_validate(json.loads(envelopes[1]["Message"])).Records[0]
        assert record.eventName == "ObjectRemoved:Delete"
        SnsModel.model_validate({"Records": [{
            "EventVersion": "1.0", "EventSubscriptionArn": f"{topic_arn}:x",
            "EventSource": "aws:sns", "Sns": {**envelopes[1], "MessageAttributes": {}}}]})

    asyncio.run(with_cloud(tmp_path, scenario))


def test_eventbridge_rule_receives_object_created(tmp_path) -> None:
    async def scenario(cloud: LocalCloud) -> None:
        url, queue_arn = await queue(cloud, "bridge")
        await cloud.call("events", "PutRule", Name="s3-created", EventPattern=json.dumps({
            "source": ["aws.s3"], "detail-type": ["Object Created"],
            "detail": {"bucket": {"name": ["photos"]}}}))
        await cloud.call("events", "PutTargets", Rule="s3-created",
                         Targets=[{"Id": "q", "Arn": queue_arn}])
        await cloud.s3.put_bucket_notification_configuration(
            rctx(), bucket="photos",
            notification_configuration={"EventBridgeConfiguration": {}})
        await cloud.s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put",
                                           key="pics/cat 1.jpg", size=10, etag='"abc"')
        await cloud.s3.notify_object_event(rctx(), "photos", "ObjectRemoved:Delete",
                                           key="pics/cat 1.jpg")
        [event] = await cloud.receive(url, 1)
        model = S3EventNotificationEventBridgeModel.model_validate(event)
        assert model.detail_type == "Object Created" and model.source == "aws.s3"
        assert model.detail.object.key == "pics/cat 1.jpg"
        assert model.resources == ["arn:aws:s3:::photos"]
        assert await cloud.receive(url, 1, timeout_s=0.3) == []

    asyncio.run(with_cloud(tmp_path, scenario))

"""Notification configuration and event fan-out on the mixin, judged by Powertools'
``S3Model`` / ``S3EventNotificationEventBridgeModel`` and the AWS sample events."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    S3EventNotificationEventBridgeModel,
    S3Model,
)

from fogbank.core.db import Database
from fogbank.core.errors import ServiceError
from fogbank.services.s3.config.events import encode_key
from tests.s3.config_fakes import RecordingClient, make_provider, rctx

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "specs" / "events" / "powertools"
QUEUE = "arn:aws:sqs:eu-west-1:000000000000:uploads"
TOPIC = "arn:aws:sns:eu-west-1:000000000000:uploads-topic"
FUNCTION = "arn:aws:lambda:eu-west-1:000000000000:function:thumbnail"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


@pytest.fixture
def setup(tmp_path):
    s3, client, clock = make_provider(tmp_path)
    client.existing |= {QUEUE, TOPIC, FUNCTION}
    return s3, client, clock


def configure(s3, document: dict[str, Any], **kwargs: Any) -> None:
    run(s3.put_bucket_notification_configuration(
        rctx(), bucket="photos", notification_configuration=document, **kwargs))


def queue_config(events: list[str], prefix: str | None = None, suffix: str | None = None,
                 arn: str = QUEUE, config_id: str | None = "to-queue") -> dict[str, Any]:
    rules = [{"Name": name, "Value": value} for name, value in
             (("prefix", prefix), ("suffix", suffix)) if value is not None]
    config: dict[str, Any] = {"QueueArn": arn, "Events": events}
    if config_id:
        config["Id"] = config_id
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    return config


def records_sent(client: RecordingClient) -> list[dict[str, Any]]:
    bodies = [json.loads(p["MessageBody"]) for p in client.sent("SendMessage")]
    return [body for body in bodies if "Records" in body]


def test_put_sends_test_event_and_get_returns_ids(setup) -> None:
    s3, client, _ = setup
    configure(s3, {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"],
                                                        config_id=None)]})
    test_message = json.loads(client.sent("SendMessage")[0]["MessageBody"])
    assert test_message["Event"] == "s3:TestEvent"
    assert test_message["Service"] == "Amazon S3" and test_message["Bucket"] == "photos"
    assert test_message["Time"] == "2023-11-14T22:13:20.250Z"
    stored = s3.get_bucket_notification_configuration(rctx(), bucket="photos")
    assert stored["QueueConfigurations"][0]["Id"]
    assert stored["QueueConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]


def test_missing_destination_fails_validation(setup) -> None:
    s3, client, _ = setup
    missing = "arn:aws:sqs:eu-west-1:000000000000:nope"
    with pytest.raises(ServiceError) as caught:
        configure(s3, {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"],
                                                            arn=missing)],
                       "TopicConfigurations": [{"TopicArn": TOPIC + "x",
                                                "Events": ["s3:ObjectRemoved:*"]}]})
    error = caught.value
    assert (error.error_code, error.message) == (
        "InvalidArgument", "Unable to validate the following destination configurations")
    assert {error.fields["ArgumentName1"], error.fields["ArgumentName2"]} == {
        missing, TOPIC + "x"}
    assert error.fields["ArgumentValue1"] == "The destination topic does not exist"
    assert s3.get_bucket_notification_configuration(rctx(), bucket="photos") == {}
    configure(s3, {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"],
                                                        arn=missing)]},
              skip_destination_validation=True)
    assert s3.get_bucket_notification_configuration(rctx(), bucket="photos")[
        "QueueConfigurations"][0]["QueueArn"] == missing


def test_lambda_destination_needs_a_policy_for_s3(setup) -> None:
    s3, client, _ = setup
    client.unauthorized.add(FUNCTION)
    with pytest.raises(ServiceError) as caught:
        configure(s3, {"LambdaFunctionConfigurations": [
            {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}]})
    assert caught.value.fields == {"ArgumentName1": FUNCTION, "ArgumentValue1":
                                   f"Not authorized to invoke function [{FUNCTION}]"}
    client.unauthorized.clear()
    configure(s3, {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}]})


@pytest.mark.parametrize(("document", "message"), [
    ({"QueueConfigurations": [queue_config(["s3:ObjectCreated:Put"], "a/"),
                              queue_config(["s3:ObjectCreated:*"], "a/b")]},
     "Configurations overlap. Configurations on the same bucket cannot share a common "
     "event type."),
    ({"QueueConfigurations": [queue_config(["s3:ObjectCreated:Nope"])]},
     "The event is not supported for notifications"),
    ({"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"],
                               "Filter": {"Key": {"FilterRules": [
                                   {"Name": "middle", "Value": "x"}]}}}]},
     "filter rule name must be either prefix or suffix"),
    ({"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"], arn="arn:aws:sqs:x")]},
     "The ARN is not well formed"),
])
def test_invalid_configurations(setup, document, message) -> None:
    s3, _, _ = setup
    with pytest.raises(ServiceError) as caught:
        configure(s3, document)
    assert (caught.value.error_code, caught.value.message) == ("InvalidArgument", message)


def test_non_overlapping_filters_are_accepted(setup) -> None:
    s3, _, _ = setup
    configure(s3, {"QueueConfigurations": [
        queue_config(["s3:ObjectCreated:*"], "images/", config_id="a"),
        queue_config(["s3:ObjectCreated:*"], "videos/", config_id="b"),
        queue_config(["s3:ObjectCreated:*"], suffix=".jpg", prefix="docs/", config_id="c"),
        queue_config(["s3:ObjectCreated:*"], suffix=".png", prefix="docs/", config_id="d")]})


def test_event_record_matches_aws_shape(setup) -> None:
    s3, client, clock = setup
    configure(s3, {"QueueConfigurations": [queue_config(
        ["s3:ObjectCreated:*"], prefix="uploads/", suffix=".jpg")]})
    clock.advance(1.5)
    run(s3.notify_object_event(rctx(request_id="REQ9"), "photos", "ObjectCreated:Put",
                               key="uploads/my cat (1).jpg", size=12, etag='"abc"',
                               version_id=None))
    run(s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put", key="other/x.jpg",
                               size=1, etag='"a"'))
    run(s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put", key="uploads/x.png",
                               size=1, etag='"a"'))
    [message] = records_sent(client)
    model = S3Model.model_validate(message)
    record = message["Records"][0]
    sample = json.loads((SAMPLES / "s3Event.json").read_text())["Records"][0]
    assert set(record) == set(sample)
    assert set(record["s3"]) == set(sample["s3"])
    assert set(record["s3"]["object"]) == set(sample["s3"]["object"])
    assert record["eventVersion"] == "2.1" and record["eventSource"] == "aws:s3"
    assert record["eventTime"] == "2023-11-14T22:13:21.750Z"
    assert record["awsRegion"] == "eu-west-1"
    assert record["responseElements"]["x-amz-request-id"] == "REQ9"
    assert record["s3"]["configurationId"] == "to-queue"
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::photos"
    assert record["s3"]["object"] == {"key": "uploads/my+cat+%281%29.jpg", "size": 12,
                                      "eTag": "abc",
                                      "sequencer": record["s3"]["object"]["sequencer"]}
    assert model.Records[0].s3.object.key == "uploads/my+cat+%281%29.jpg"


def test_sequencer_increases_per_key_and_delete_has_no_size(setup) -> None:
    s3, client, _ = setup
    configure(s3, {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*",
                                                         "s3:ObjectRemoved:*"])]})
    for _ in range(3):
        run(s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put", key="k", size=1,
                                   etag='"e"'))
    run(s3.notify_object_event(rctx(), "photos", "ObjectRemoved:Delete", key="k"))
    records = [message["Records"][0] for message in records_sent(client)]
    sequencers = [record["s3"]["object"]["sequencer"] for record in records]
    assert len(sequencers) == 4 and all(len(s) == 18 for s in sequencers)
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 4
    assert int(sequencers[0], 16) >> 32 == 1_700_000_000
    assert records[-1]["eventName"] == "ObjectRemoved:Delete"
    assert set(records[-1]["s3"]["object"]) == {"key", "sequencer"}
    S3Model.model_validate({"Records": records})


def test_lambda_topic_and_eventbridge_delivery(setup) -> None:
    s3, client, _ = setup
    configure(s3, {
        "LambdaFunctionConfigurations": [{"Id": "fn", "LambdaFunctionArn": FUNCTION,
                                          "Events": ["s3:ObjectCreated:Put"]}],
        "TopicConfigurations": [{"Id": "topic", "TopicArn": TOPIC,
                                 "Events": ["s3:ObjectRemoved:*"]}],
        "EventBridgeConfiguration": {}})
    client.calls.clear()
    run(s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put", key="a b.txt", size=3,
                               etag='"e1"', version_id="v1"))
    run(s3.notify_object_event(rctx(), "photos", "ObjectRemoved:DeleteMarkerCreated",
                               key="a b.txt", version_id="v2"))
    [invoke] = client.sent("Invoke")
    assert invoke["InvocationType"] == "Event" and invoke["FunctionName"] == FUNCTION
    event = S3Model.model_validate_json(invoke["Payload"])
    assert event.Records[0].s3.object.key == "a+b.txt"
    assert event.Records[0].s3.object.versionId == "v1"
    [publish] = client.sent("Publish")
    assert publish["Subject"] == "Amazon S3 Notification"
    assert json.loads(publish["Message"])["Records"][0]["eventName"] == \
        "ObjectRemoved:DeleteMarkerCreated"
    entries = [params["Entries"][0] for params in client.sent("PutEvents")]
    assert [entry["DetailType"] for entry in entries] == ["Object Created", "Object Deleted"]
    created = entries[0]
    envelope = {"version": "0", "id": "1", "detail-type": created["DetailType"],
                "source": created["Source"], "account": "000000000000",
                "time": created["Time"].isoformat(), "region": "eu-west-1",
                "resources": created["Resources"], "detail": json.loads(created["Detail"])}
    model = S3EventNotificationEventBridgeModel.model_validate(envelope)
    assert model.detail.object.key == "a b.txt" and model.detail.reason == "PutObject"
    sample = json.loads((SAMPLES / "s3EventBridgeNotificationObjectCreatedEvent.json")
                        .read_text())["detail"]
    assert set(sample) <= set(envelope["detail"])
    assert json.loads(entries[1]["Detail"])["deletion-type"] == "Delete Marker Created"
    assert created["Source"] == "aws.s3" and created["EventBusName"] == "default"


def test_delivery_failure_never_fails_the_write(setup, caplog) -> None:
    s3, client, _ = setup
    configure(s3, {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"])]})
    client.existing.clear()
    run(s3.notify_object_event(rctx(), "photos", "ObjectCreated:Put", key="k", size=1,
                               etag='"e"'))
    assert "not delivered" in caplog.text
    assert s3.config_store.pending() == []


def test_outbox_is_drained_after_a_restart(tmp_path) -> None:
    db = Database(tmp_path / "s3.db")
    s3, client, _ = make_provider(tmp_path, db)
    client.existing.add(QUEUE)
    configure(s3, {"QueueConfigurations": [queue_config(["s3:ObjectCreated:*"])]})
    s3.config_outbox.add([({"kind": "queue", "arn": QUEUE}, {"Records": ["left over"]})])

    restarted, client2, _ = make_provider(tmp_path, db, RecordingClient())
    client2.existing.add(QUEUE)

    async def start_and_stop() -> None:
        await restarted.start()
        for _ in range(50):
            if not restarted.config_store.pending():
                break
            await asyncio.sleep(0.01)
        await restarted.stop()

    run(start_and_stop())
    assert [json.loads(p["MessageBody"]) for p in client2.sent("SendMessage")] == [
        {"Records": ["left over"]}]
    assert restarted.config_store.pending() == []


@pytest.mark.parametrize(("key", "encoded"), [
    ("simple.txt", "simple.txt"), ("dir/sub dir/a b.txt", "dir/sub+dir/a+b.txt"),
    ("a=b&c", "a%3Db%26c"), ("ümlaut", "%C3%BCmlaut"), ("x+y", "x%2By")])
def test_key_encoding(key, encoded) -> None:
    assert encode_key(key) == encoded


def test_real_provider_resumes_its_outbox_on_start(tmp_path) -> None:
    from fogbank.core.clock import ManualClock
    from fogbank.core.config import CloudConfig
    from fogbank.core.ids import Ids
    from fogbank.services.base import ServiceContext
    from fogbank.services.s3.provider import S3Provider

    config = CloudConfig(state_dir=tmp_path, region="eu-west-1")
    client = RecordingClient()
    client.existing.add(QUEUE)
    ctx = ServiceContext(config, ManualClock(), Ids(seed=5), client, config.service_dir("s3"))
    first = S3Provider(ctx)
    first.config_outbox.add([({"kind": "queue", "arn": QUEUE}, {"Records": ["owed"]})])
    first.db.close()  # the process died before delivering

    second = S3Provider(ctx)

    async def start_and_stop() -> None:
        await second.start()
        for _ in range(100):
            if client.sent("SendMessage"):
                break
            await asyncio.sleep(0.01)
        await second.stop()

    run(start_and_stop())
    assert [json.loads(p["MessageBody"]) for p in client.sent("SendMessage")] == [
        {"Records": ["owed"]}]

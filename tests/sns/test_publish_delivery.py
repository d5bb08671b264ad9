"""Publish → SQS / Lambda delivery, judged by Powertools' models; filter policies in the
loop; FIFO ids, dedup and ordering; dead letters; a restart before delivery."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    SnsModel,
    SnsNotificationModel,
    SqsModel,
)

from fogbank.core.errors import ServiceError
from fogbank.services.sns import retry
from tests.sns.harness import Cloudlet, run

FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:worker"


@pytest.fixture
def cloud(tmp_path) -> Cloudlet:
    return Cloudlet(tmp_path)


def sqs_event(messages: list[dict], queue_arn: str) -> dict:
    """The SQS messages as a Lambda SQS event (what an event source mapping would send)."""
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1"}
        for m in messages]}


def test_fan_out_to_three_queues_with_envelope(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="orders"))["TopicArn"]
        queues = [await cloud.queue(f"q{i}") for i in range(3)]
        for _, arn in queues:
            await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn)
        published = await cloud.sns_call(
            "Publish", TopicArn=topic, Message='{"order": 1}', Subject="New order",
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "created"},
                               "blob": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}})
        received = [(await cloud.receive(url), arn) for url, arn in queues]
        await cloud.sns.stop()
        return topic, published, received

    topic, published, received = run(scenario())
    for messages, queue_arn in received:
        assert len(messages) == 1
        SqsModel.model_validate(sqs_event(messages, queue_arn))
        body = json.loads(messages[0]["Body"])
        notification = SnsNotificationModel.model_validate(dict(body))
        assert notification.MessageId == published["MessageId"]
        assert notification.Message == '{"order": 1}'
        assert notification.Subject == "New order" and notification.TopicArn == topic
        assert body["Type"] == "Notification" and body["SignatureVersion"] == "1"
        assert body["Timestamp"].endswith("Z") and len(body["Timestamp"]) == 24
        assert body["MessageAttributes"] == {
            "kind": {"Type": "String", "Value": "created"},
            "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x01\x02").decode()}}
        assert "Action=Unsubscribe" in body["UnsubscribeURL"]
        assert messages[0]["Body"].startswith('{\n  "Type" : "Notification",')


def test_signature_verifies_with_the_served_certificate(cloud):
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from fogbank.services.sns.signing import string_to_sign

    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="signed"))["TopicArn"]
        url, arn = await cloud.queue("signed")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn)
        await cloud.sns_call("Publish", TopicArn=topic, Message="hello")
        messages = await cloud.receive(url)
        await cloud.sns.stop()
        return json.loads(messages[0]["Body"])

    body = run(scenario())
    certificate = x509.load_pem_x509_certificate(cloud.sns.signer.certificate_pem)
    assert body["SigningCertURL"].endswith(cloud.sns.signer.cert_name)
    certificate.public_key().verify(base64.b64decode(body["Signature"]),
                                    string_to_sign(body).encode(), padding.PKCS1v15(),
                                    hashes.SHA1())


def test_raw_delivery_maps_attributes(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="raw"))["TopicArn"]
        url, arn = await cloud.queue("raw")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn,
                             Attributes={"RawMessageDelivery": "true"})
        await cloud.sns_call(
            "Publish", TopicArn=topic, Message="plain text",
            MessageAttributes={"n": {"DataType": "Number", "StringValue": "42"},
                               "b": {"DataType": "Binary", "BinaryValue": b"\xff"}})
        messages = await cloud.receive(url)
        await cloud.sns.stop()
        return messages

    (message,) = run(scenario())
    assert message["Body"] == "plain text"
    assert message["MessageAttributes"]["n"] == {"DataType": "Number", "StringValue": "42"}
    assert message["MessageAttributes"]["b"]["BinaryValue"] == b"\xff"


def test_lambda_event_matches_powertools_model(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="fn"))["TopicArn"]
        sub = (await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                                    Endpoint=FUNCTION_ARN))["SubscriptionArn"]
        await cloud.sns_call("Publish", TopicArn=topic, Message="hi",
                             MessageAttributes={"a": {"DataType": "String",
                                                      "StringValue": "1"}})
        await cloud.settle()
        await cloud.sns.stop()
        return sub

    sub = run(scenario())
    ((function, event),) = cloud.lambda_.events
    assert function == FUNCTION_ARN
    parsed = SnsModel.model_validate(event)
    record = parsed.Records[0]
    assert record.EventSubscriptionArn == sub and record.EventSource == "aws:sns"
    assert record.Sns.Message == "hi" and record.Sns.Subject is None
    assert event["Records"][0]["Sns"]["MessageAttributes"] == {
        "a": {"Type": "String", "Value": "1"}}


def test_message_structure_json_picks_protocol_text(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="structured"))["TopicArn"]
        url, arn = await cloud.queue("structured")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn,
                             Attributes={"RawMessageDelivery": "true"})
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                             Endpoint=FUNCTION_ARN)
        await cloud.sns_call("Publish", TopicArn=topic, MessageStructure="json",
                             Message=json.dumps({"default": "d", "sqs": "for sqs"}))
        messages = await cloud.receive(url)
        await cloud.settle()
        await cloud.sns.stop()
        return messages

    messages = run(scenario())
    assert messages[0]["Body"] == "for sqs"
    assert cloud.lambda_.events[0][1]["Records"][0]["Sns"]["Message"] == "d"


def test_filter_policies_select_subscribers(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="filtered"))["TopicArn"]
        red_url, red = await cloud.queue("red")
        big_url, big = await cloud.queue("big")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=red,
                             Attributes={"FilterPolicy": '{"color": ["red"]}',
                                         "RawMessageDelivery": "true"})
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=big,
                             Attributes={"FilterPolicyScope": "MessageBody",
                                         "RawMessageDelivery": "true",
                                         "FilterPolicy": json.dumps(
                                             {"order": {"total": [{"numeric": [">", 100]}]}})})
        for color, total in (("red", 5), ("blue", 500), ("red", 150)):
            await cloud.sns_call(
                "Publish", TopicArn=topic, Message=json.dumps({"order": {"total": total}}),
                MessageAttributes={"color": {"DataType": "String", "StringValue": color}})
        reds = await cloud.receive(red_url, expect=2)
        bigs = await cloud.receive(big_url, expect=2)
        await cloud.settle()
        reds += await cloud.receive(red_url, expect=1, rounds=3)
        await cloud.sns.stop()
        return reds, bigs

    reds, bigs = run(scenario())
    assert sorted(json.loads(m["Body"])["order"]["total"] for m in reds) == [5, 150]
    assert sorted(json.loads(m["Body"])["order"]["total"] for m in bigs) == [150, 500]


@pytest.mark.parametrize(("params", "code", "message"), [
    ({"Message": ""}, "InvalidParameter", "Invalid parameter: Empty message"),
    ({"Message": "x" * (256 * 1024 + 1)}, "InvalidParameter",
     "Invalid parameter: Message too long"),
    ({"Message": "x", "Subject": "a\nb"}, "InvalidParameter", "Invalid parameter: Subject"),
    ({"Message": "not json", "MessageStructure": "json"}, "InvalidParameter",
     "Invalid parameter: Message Structure - JSON message body failed to parse"),
    ({"Message": '{"sqs": "x"}', "MessageStructure": "json"}, "InvalidParameter",
     "Invalid parameter: Message Structure - No default entry in JSON message body"),
    ({"Message": "x", "MessageAttributes": {"a": {"DataType": "Number",
                                                  "StringValue": "abc"}}},
     "ParameterValueInvalid", "Could not cast message attribute 'a' value to number."),
    ({"Message": "x", "MessageAttributes": {"a": {"DataType": "Float",
                                                  "StringValue": "1"}}},
     "ParameterValueInvalid", "The message attribute 'a' has an invalid message attribute"
                              " type, the set of supported type prefixes is Binary, Number,"
                              " and String."),
    ({"Message": "x", "MessageAttributes": {"a": {"DataType": "String"}}},
     "ParameterValueInvalid", "The message attribute 'a' must contain non-empty message"
                              " attribute value for message attribute type 'String'."),
    ({"Message": "x", "MessageDeduplicationId": "d"}, "InvalidParameter",
     "Invalid parameter: MessageDeduplicationId Reason: The request includes"
     " MessageDeduplicationId parameter that is not valid for this topic type"),
])
def test_publish_rejects(cloud, params, code, message):
    topic = run(cloud.sns_call("CreateTopic", Name="t"))["TopicArn"]
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call("Publish", TopicArn=topic, **params))
    assert (caught.value.error_code, caught.value.message) == (code, message)


def test_publish_to_missing_topic(cloud):
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call("Publish", TopicArn="arn:aws:sns:us-east-1:000000000000:nope",
                           Message="x"))
    assert caught.value.error_code == "NotFound"


def test_fifo_topic_to_fifo_queue(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="t.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "true"}))["TopicArn"]
        url, arn = await cloud.queue("q.fifo", FifoQueue="true")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn)
        results = []
        for text in ("one", "two", "one"):
            results.append(await cloud.sns_call("Publish", TopicArn=topic, Message=text,
                                                MessageGroupId="g"))
        messages = await cloud.receive(url, expect=2)
        await cloud.sns.stop()
        return results, messages

    results, messages = run(scenario())
    assert results[2]["MessageId"] == results[0]["MessageId"]  # deduplicated
    assert results[0]["SequenceNumber"] < results[1]["SequenceNumber"]
    assert len(results[0]["SequenceNumber"]) == 20
    bodies = [json.loads(m["Body"]) for m in messages]
    assert [b["Message"] for b in bodies] == ["one", "two"]
    assert bodies[0]["SequenceNumber"] == results[0]["SequenceNumber"]
    assert messages[0]["Attributes"]["MessageGroupId"] == "g"


def test_fifo_publish_requirements(cloud):
    topic = run(cloud.sns_call("CreateTopic", Name="t.fifo",
                               Attributes={"FifoTopic": "true"}))["TopicArn"]
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call("Publish", TopicArn=topic, Message="x"))
    assert caught.value.message == ("Invalid parameter: The MessageGroupId parameter is"
                                    " required for FIFO topics")
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call("Publish", TopicArn=topic, Message="x", MessageGroupId="g"))
    assert "ContentBasedDeduplication enabled or MessageDeduplicationId" in \
        caught.value.message
    first = run(cloud.sns_call("Publish", TopicArn=topic, Message="x", MessageGroupId="g",
                               MessageDeduplicationId="d"))
    cloud.clock.advance(301)
    later = run(cloud.sns_call("Publish", TopicArn=topic, Message="x", MessageGroupId="g",
                               MessageDeduplicationId="d"))
    assert later["MessageId"] != first["MessageId"]  # the 5-minute window passed


def test_publish_batch(cloud):
    topic = run(cloud.sns_call("CreateTopic", Name="t"))["TopicArn"]
    result = run(cloud.sns_call("PublishBatch", TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "ok", "Message": "a"}, {"Id": "bad", "Message": ""}]))
    assert [entry["Id"] for entry in result["Successful"]] == ["ok"]
    assert result["Failed"] == [{"Id": "bad", "Code": "InvalidParameter",
                                 "Message": "Invalid parameter: Empty message",
                                 "SenderFault": True}]
    for entries, code in (
            ([], "EmptyBatchRequest"),
            ([{"Id": str(i), "Message": "m"} for i in range(11)],
             "TooManyEntriesInBatchRequest"),
            ([{"Id": "a", "Message": "m"}, {"Id": "a", "Message": "m"}],
             "BatchEntryIdsNotDistinct"),
            ([{"Id": "bad id!", "Message": "m"}], "InvalidBatchEntryId"),
            ([{"Id": "a", "Message": "x" * 200_000}, {"Id": "b", "Message": "x" * 100_000}],
             "BatchRequestTooLong")):
        with pytest.raises(ServiceError) as caught:
            run(cloud.sns_call("PublishBatch", TopicArn=topic,
                               PublishBatchRequestEntries=entries))
        assert caught.value.error_code == code


def test_delivery_resumes_after_restart(cloud):
    async def publish_without_delivering():
        topic = (await cloud.sns_call("CreateTopic", Name="durable"))["TopicArn"]
        url, arn = await cloud.queue("durable")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn)
        published = await cloud.sns_call("Publish", TopicArn=topic, Message="kept")
        return url, published  # the provider was never started: nothing was delivered

    url, published = run(publish_without_delivering())
    cloud.new_sns()  # "restart": a new provider on the same state directory

    async def after_restart():
        await cloud.sns.start()
        messages = await cloud.receive(url)
        await cloud.settle()
        await cloud.sns.stop()
        return messages

    messages = run(after_restart())
    assert [json.loads(m["Body"])["MessageId"] for m in messages] == [published["MessageId"]]
    assert cloud.sns.store.pending_deliveries() == []


def test_inline_deliveries_write_no_outbox_row(cloud, monkeypatch):
    """Queue subscriptions of a standard topic get their first attempt inline; only the
    attempts that failed are written to the outbox (before Publish answers)."""
    written: list[list[Any]] = []

    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="inline"))["TopicArn"]
        urls = []
        for name in ("inline-a", "inline-b"):
            url, arn = await cloud.queue(name)
            urls.append(url)
            await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                 Attributes={"RawMessageDelivery": "true"})
        for method in ("enqueue", "enqueue_owed"):
            original = getattr(cloud.sns.store, method)

            def recording(*args: Any, _original: Any = original) -> Any:
                written.append(list(args[0]))
                return _original(*args)

            monkeypatch.setattr(cloud.sns.store, method, recording)
        await cloud.sns_call("Publish", TopicArn=topic, Message="fast")
        assert written == []
        first = [await cloud.receive(url) for url in urls]
        cloud.sqs.fail_next = 1  # the first queue fails once: that delivery is owed
        await cloud.sns_call("Publish", TopicArn=topic, Message="owed")
        owed = [(row[0], row[2]) for row in written[0]]
        pending = [(d.subscription_arn, d.attempts) for d in cloud.sns.store.pending_deliveries()]
        await cloud.settle()
        second = [await cloud.receive(url) for url in urls]
        await cloud.sns.stop()
        return first, owed, pending, second

    first, owed, pending, second = run(scenario())
    assert [[m["Body"] for m in got] for got in first] == [["fast"], ["fast"]]
    assert len(owed) == 1 and owed[0][1] == 1
    assert pending in ([], [owed[0]])  # its immediate retry may already have run
    assert [[m["Body"] for m in got] for got in second] == [["owed"], ["owed"]]
    assert cloud.sns.store.pending_deliveries() == []


def test_an_owed_inline_delivery_survives_a_restart(cloud):
    async def publish_while_the_queue_fails():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="owed"))["TopicArn"]
        url, arn = await cloud.queue("owed")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn)
        cloud.sqs.fail_next = 10**6
        published = await cloud.sns_call("Publish", TopicArn=topic, Message="owed")
        await cloud.sns.stop()  # the process ends while the queue still fails
        return url, published

    url, published = run(publish_while_the_queue_fails())
    cloud.sqs.fail_next = 0
    cloud.new_sns()

    async def after_restart():
        await cloud.sns.start()
        cloud.clock.advance(20)
        messages = await cloud.receive(url)
        await cloud.settle()
        await cloud.sns.stop()
        return messages

    messages = run(after_restart())
    assert [json.loads(m["Body"])["MessageId"] for m in messages] == [published["MessageId"]]
    assert cloud.sns.store.pending_deliveries() == []


def test_undeliverable_messages_go_to_the_dead_letter_queue(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="dl"))["TopicArn"]
        dlq_url, dlq = await cloud.queue("dlq")
        redrive = json.dumps({"deadLetterTargetArn": dlq})
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                             Endpoint="arn:aws:lambda:us-east-1:000000000000:function:missing",
                             Attributes={"RedrivePolicy": redrive})
        gone_url, gone = await cloud.queue("gone")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=gone,
                             Attributes={"RedrivePolicy": redrive})
        await cloud.call("sqs", "DeleteQueue", QueueUrl=gone_url)
        await cloud.sns_call("Publish", TopicArn=topic, Message="lost")
        messages = await cloud.receive(dlq_url, expect=2)
        await cloud.sns.stop()
        return messages

    messages = run(scenario())
    assert len(messages) == 2
    for message in messages:
        assert json.loads(message["Body"])["Message"] == "lost"
        assert message["MessageAttributes"]["ErrorCode"]["StringValue"]


def test_failed_deliveries_are_retried_in_order_on_fifo_topics(cloud):
    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="ordered.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "true"}))["TopicArn"]
        url, arn = await cloud.queue("ordered.fifo", FifoQueue="true")
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn,
                             Attributes={"RawMessageDelivery": "true"})
        cloud.sqs.fail_next = 4  # 3 immediate retries fail too, then a 1 s wait
        for text in ("first", "second", "third"):
            await cloud.sns_call("Publish", TopicArn=topic, Message=text, MessageGroupId="g")
        await cloud.settle()
        assert await cloud.receive(url, expect=1, rounds=2) == []  # all held back
        cloud.clock.advance(1)
        await cloud.settle()
        messages = await cloud.receive(url, expect=3)
        await cloud.sns.stop()
        return messages

    messages = run(scenario())
    assert [m["Body"] for m in messages] == ["first", "second", "third"]


def test_fifo_topics_take_only_sqs_subscriptions(cloud):
    topic = run(cloud.sns_call("CreateTopic", Name="only.fifo",
                               Attributes={"FifoTopic": "true"}))["TopicArn"]
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                           Endpoint=FUNCTION_ARN))
    assert caught.value.message == "Invalid parameter: Invalid protocol type: lambda"


def test_managed_retries_outlast_a_long_outage(cloud):
    """A function throttled for ten minutes still gets the message (AWS keeps retrying
    SQS/Lambda deliveries for ~23 days); the clock is the injected ManualClock."""

    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="outage"))["TopicArn"]
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                             Endpoint=FUNCTION_ARN)
        cloud.lambda_.throttle_next = 10**9
        await cloud.sns_call("Publish", TopicArn=topic, Message="patience")
        for _ in range(30):  # ten minutes of failures, 20 s apart at most
            await cloud.settle()
            cloud.clock.advance(20)
        await cloud.settle()
        assert cloud.lambda_.events == []
        assert len(cloud.sns.store.pending_deliveries()) == 1
        failed = 10**9 - cloud.lambda_.throttle_next
        cloud.lambda_.throttle_next = 0  # the function recovers
        cloud.clock.advance(20)
        await cloud.settle()
        await cloud.sns.stop()
        return failed

    failed = run(scenario())
    assert failed >= 30  # 3 immediate, 2 at 1 s, 10 backing off, then one per 20 s
    assert len(cloud.lambda_.events) == 1
    assert cloud.lambda_.events[0][1]["Records"][0]["Sns"]["Message"] == "patience"
    assert cloud.sns.store.pending_deliveries() == []


def test_exhausted_retries_are_dropped_without_a_dead_letter_queue(cloud, monkeypatch):
    monkeypatch.setattr(retry, "MANAGED_POST_BACKOFF_RETRIES", 2)  # 17 retries in all

    async def scenario():
        await cloud.sns.start()
        topic = (await cloud.sns_call("CreateTopic", Name="flaky"))["TopicArn"]
        await cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                             Endpoint=FUNCTION_ARN)
        cloud.lambda_.throttle_next = 1000
        await cloud.sns_call("Publish", TopicArn=topic, Message="never")
        for _ in range(20):
            await cloud.settle()
            cloud.clock.advance(20)
        await cloud.settle()
        await cloud.sns.stop()

    run(scenario())
    assert cloud.lambda_.events == []
    assert cloud.lambda_.throttle_next == 1000 - 18  # first try + 17 retries
    assert cloud.sns.store.pending_deliveries() == []


def test_managed_retry_schedule_follows_aws() -> None:
    delays = [retry.managed_delay_s(n) for n in range(1, 16)]
    assert delays[:5] == [0.0, 0.0, 0.0, 1.0, 1.0]
    backoff = delays[5:15]
    assert backoff[0] == pytest.approx(1.0) and backoff[-1] == pytest.approx(20.0)
    assert backoff == sorted(backoff)
    assert retry.managed_delay_s(16) == retry.managed_delay_s(100_015) == 20.0
    assert retry.managed_delay_s(100_016) is None
    total_s = sum(retry.managed_delay_s(n) or 0.0 for n in range(1, 100_016))
    assert 22.5 * 86400 < total_s < 23.5 * 86400  # "100,015 times, over 23 days"
    assert retry.next_delay_s("sqs", 100_016, None) is None


@pytest.mark.parametrize(("number", "message", "fragment"), [
    ("NAA+15551234567", "hi", "does not meet the E164 format"),
    ("+15551234567", "a" * 1601, "SMS message must be less than 1600 bytes"),
])
def test_publish_to_phone_numbers_is_checked(cloud, number, message, fragment):
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call("Publish", PhoneNumber=number, Message=message))
    assert caught.value.error_code == "InvalidParameter" and fragment in caught.value.message
    assert run(cloud.sns_call("Publish", PhoneNumber="+15551234567", Message="ok"))[
        "MessageId"]

"""A SAM template end to end: topic with inline subscription and tags, a filtered raw
subscription, a topic policy, a function subscribed by a SAM SNS event, and a FIFO topic;
boto3 on the edge publishes, Powertools judges what the function received. The
SubscribeURL of an HTTP subscription is confirmed through the edge with a plain GET."""

from __future__ import annotations

import json
import time
from pathlib import Path

import requests
from aws_lambda_powertools.utilities.parser.models import SnsModel

from fogbank.testing import run_app

APP = Path(__file__).resolve().parent / "apps" / "fanout"


def receive(sqs, url: str, expect: int, timeout_s: float = 10.0) -> list[dict]:
    found: list[dict] = []
    deadline = time.monotonic() + timeout_s
    while len(found) < expect and time.monotonic() < deadline:
        found += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                     WaitTimeSeconds=1).get("Messages", [])
    return found


def events_logged(app, function: str, expect: int, timeout_s: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while True:
        events = [json.loads(line.split("EVENT ", 1)[1]) for line in app.logs(function)
                  if "EVENT " in line]
        if len(events) >= expect or time.monotonic() > deadline:
            return events
        time.sleep(0.2)


def test_template_fan_out(app_copy, tmp_path):
    with run_app(app_copy(APP)) as app:
        outputs = app.stack.outputs
        sns = app.client("sns")
        sqs = app.client("sqs")
        topic = outputs["TopicArn"]
        assert outputs["TopicName"] == topic.rsplit(":", 1)[1]
        assert outputs["AlertsArn"].endswith(".fifo")
        attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        assert attributes["DisplayName"] == "Orders"
        assert "events.amazonaws.com" in attributes["Policy"]
        assert attributes["SubscriptionsConfirmed"] == "3"
        tags = sns.list_tags_for_resource(ResourceArn=topic)["Tags"]
        assert tags == [{"Key": "team", "Value": "shop"}]
        sub = sns.get_subscription_attributes(
            SubscriptionArn=outputs["SubscriptionArn"])["Attributes"]
        assert sub["RawMessageDelivery"] == "true" and sub["FilterPolicyScope"] == "MessageBody"

        for status, total in (("paid", 500), ("open", 50)):
            sns.publish(TopicArn=topic, Message=json.dumps({"total": total}),
                        MessageAttributes={"status": {"DataType": "String",
                                                      "StringValue": status}})
        everything = receive(sqs, outputs["AllOrdersUrl"], 2)
        assert sorted(json.loads(json.loads(m["Body"])["Message"])["total"]
                      for m in everything) == [50, 500]
        big = receive(sqs, outputs["BigOrdersUrl"], 1)
        assert [json.loads(m["Body"]) for m in big] == [{"total": 500}]
        events = events_logged(app, "Notifier", 1)
        assert len(events) == 1
        record = SnsModel.model_validate(events[0]).Records[0]
        assert json.loads(record.Sns.Message) == {"total": 500}
        assert record.Sns.MessageAttributes["status"].Value == "paid"

        fifo = sns.publish(TopicArn=outputs["AlertsArn"], Message="a", MessageGroupId="g")
        assert len(fifo["SequenceNumber"]) == 20


def test_subscribe_url_confirms_through_the_edge(app_copy):
    with run_app(app_copy(APP)) as app:
        sns = app.client("sns")
        topic = app.stack.outputs["TopicArn"]
        sns_provider = app.cloud.provider("sns")
        arn = sns.subscribe(TopicArn=topic, Protocol="http",
                            Endpoint="http://127.0.0.1:9/unreachable",
                            ReturnSubscriptionArn=True)["SubscriptionArn"]
        token = sns_provider.store.subscriptions[arn].token
        subscribe_url = sns_provider.urls.confirm(topic, token)
        assert subscribe_url.startswith(app.edge_url)
        response = requests.get(subscribe_url, timeout=10)
        assert response.status_code == 200, response.text
        assert arn in response.text and "ConfirmSubscriptionResponse" in response.text
        attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        assert attributes["PendingConfirmation"] == "false"
        response = requests.get(sns_provider.urls.unsubscribe(arn), timeout=10)
        assert response.status_code == 200, response.text
        listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert arn not in [s["SubscriptionArn"] for s in listed]
        cert_url = sns_provider.urls.certificate(sns_provider.signer.cert_name)
        assert requests.get(cert_url, timeout=10).content.startswith(b"-----BEGIN")

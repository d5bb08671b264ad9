"""Subscribe / confirm / unsubscribe / list / attributes, with AWS's validation errors."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import ServiceError
from tests.sns.harness import Cloudlet, run

QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:q"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:f"


@pytest.fixture
def cloud(tmp_path) -> Cloudlet:
    return Cloudlet(tmp_path)


@pytest.fixture
def topic(cloud) -> str:
    return run(cloud.sns_call("CreateTopic", Name="t"))["TopicArn"]


def error_of(cloud: Cloudlet, operation: str, **params) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call(operation, **params))
    return caught.value


def test_subscribe_sqs_is_confirmed_and_idempotent(cloud, topic):
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs",
                             Endpoint=QUEUE_ARN))["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    again = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs",
                               Endpoint=QUEUE_ARN))["SubscriptionArn"]
    assert again == arn
    attributes = run(cloud.sns_call("GetSubscriptionAttributes",
                                    SubscriptionArn=arn))["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["RawMessageDelivery"] == "false"
    assert attributes["Endpoint"] == QUEUE_ARN and attributes["Protocol"] == "sqs"
    assert "FilterPolicy" not in attributes and "FilterPolicyScope" not in attributes
    counts = run(cloud.sns_call("GetTopicAttributes", TopicArn=topic))["Attributes"]
    assert counts["SubscriptionsConfirmed"] == "1"


def test_subscribe_with_attributes_and_conflict(cloud, topic):
    policy = json.dumps({"color": ["red"]})
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN,
                             Attributes={"FilterPolicy": policy,
                                         "RawMessageDelivery": "true"}))["SubscriptionArn"]
    attributes = run(cloud.sns_call("GetSubscriptionAttributes",
                                    SubscriptionArn=arn))["Attributes"]
    assert attributes["FilterPolicy"] == policy
    assert attributes["FilterPolicyScope"] == "MessageAttributes"
    assert attributes["RawMessageDelivery"] == "true"
    error = error_of(cloud, "Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN,
                     Attributes={"FilterPolicy": json.dumps({"color": ["blue"]})})
    assert "Subscription already exists with different attributes" in error.message


@pytest.mark.parametrize(("protocol", "endpoint", "attributes", "fragment"), [
    ("carrier-pigeon", "x", {}, "Amazon SNS does not support this protocol string:"
                                " carrier-pigeon"),
    ("sqs", "not-an-arn", {}, "Invalid parameter: SQS endpoint ARN"),
    ("lambda", QUEUE_ARN, {}, "Invalid parameter: Lambda endpoint ARN"),
    ("http", "https://example.com", {}, "Endpoint must match the specified protocol"),
    ("sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo", {},
     "FIFO SQS Queues can not be subscribed to standard SNS topics"),
    ("lambda", FUNCTION_ARN, {"RawMessageDelivery": "true"},
     "Delivery protocol [lambda] does not support raw message delivery"),
    ("sqs", QUEUE_ARN, {"FilterPolicy": '{"a": [{"exists": 1}]}'},
     "Invalid parameter: FilterPolicy: exists match pattern must be either true or false."),
    ("sqs", QUEUE_ARN, {"FilterPolicyScope": "Everything"},
     "Invalid filter policy scope"),
    ("sqs", QUEUE_ARN, {"RedrivePolicy": '{"deadLetterTargetArn": "arn:aws:sns:x:1:y"}'},
     "RedrivePolicy"),
    ("sqs", QUEUE_ARN, {"Unknown": "1"}, "Invalid parameter: AttributeName"),
])
def test_subscribe_rejects(cloud, topic, protocol, endpoint, attributes, fragment):
    error = error_of(cloud, "Subscribe", TopicArn=topic, Protocol=protocol, Endpoint=endpoint,
                     Attributes=attributes)
    assert error.error_code == "InvalidParameter"
    assert fragment in error.message


def test_nested_policy_needs_body_scope(cloud, topic):
    nested = json.dumps({"order": {"status": ["paid"]}})
    error = error_of(cloud, "Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN,
                     Attributes={"FilterPolicy": nested})
    assert error.message == ("Invalid parameter: Filter policy scope MessageAttributes does"
                             " not support nested filter policy")
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN,
                             Attributes={"FilterPolicy": nested,
                                         "FilterPolicyScope": "MessageBody"}))[
        "SubscriptionArn"]
    error = error_of(cloud, "SetSubscriptionAttributes", SubscriptionArn=arn,
                     AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes")
    assert "does not support nested filter policy" in error.message


def test_email_subscription_pending_until_confirmed(cloud, topic):
    result = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="email",
                                Endpoint="me@example.com"))
    assert result["SubscriptionArn"] == "pending confirmation"
    listed = run(cloud.sns_call("ListSubscriptionsByTopic", TopicArn=topic))["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "PendingConfirmation"
    counts = run(cloud.sns_call("GetTopicAttributes", TopicArn=topic))["Attributes"]
    assert counts["SubscriptionsPending"] == "1"
    token = next(iter(cloud.sns.store.subscriptions.values())).token
    error = error_of(cloud, "ConfirmSubscription", TopicArn=topic, Token="wrong")
    assert error.message == "Invalid parameter: Token"
    arn = run(cloud.sns_call("ConfirmSubscription", TopicArn=topic,
                             Token=token))["SubscriptionArn"]
    listed = run(cloud.sns_call("ListSubscriptionsByTopic", TopicArn=topic))["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == arn


def test_return_subscription_arn_for_pending(cloud, topic):
    result = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="email",
                                Endpoint="me@example.com", ReturnSubscriptionArn=True))
    assert result["SubscriptionArn"].startswith(topic + ":")


def test_unsubscribe_and_list(cloud, topic):
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="lambda",
                             Endpoint=FUNCTION_ARN))["SubscriptionArn"]
    listed = run(cloud.sns_call("ListSubscriptions"))["Subscriptions"]
    assert listed == [{"SubscriptionArn": arn, "Owner": "000000000000", "Protocol": "lambda",
                       "Endpoint": FUNCTION_ARN, "TopicArn": topic}]
    run(cloud.sns_call("Unsubscribe", SubscriptionArn=arn))
    assert run(cloud.sns_call("ListSubscriptions"))["Subscriptions"] == []
    counts = run(cloud.sns_call("GetTopicAttributes", TopicArn=topic))["Attributes"]
    assert counts["SubscriptionsDeleted"] == "1"
    error = error_of(cloud, "GetSubscriptionAttributes", SubscriptionArn=arn)
    assert error.error_code == "NotFound"
    error = error_of(cloud, "Unsubscribe", SubscriptionArn="garbage")
    assert error.error_code == "InvalidParameter"


def test_set_subscription_attributes(cloud, topic):
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs",
                             Endpoint=QUEUE_ARN))["SubscriptionArn"]
    run(cloud.sns_call("SetSubscriptionAttributes", SubscriptionArn=arn,
                       AttributeName="RawMessageDelivery", AttributeValue="true"))
    run(cloud.sns_call("SetSubscriptionAttributes", SubscriptionArn=arn,
                       AttributeName="FilterPolicy", AttributeValue='{"a": ["b"]}'))
    attributes = run(cloud.sns_call("GetSubscriptionAttributes",
                                    SubscriptionArn=arn))["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert attributes["FilterPolicy"] == '{"a": ["b"]}'
    error = error_of(cloud, "SetSubscriptionAttributes", SubscriptionArn=arn,
                     AttributeName="FilterPolicy",
                     AttributeValue=json.dumps({f"k{i}": ["v"] for i in range(6)}))
    assert error.message == ("Invalid parameter: FilterPolicy: Filter policy can not have"
                             " more than 5 keys")
    run(cloud.sns_call("SetSubscriptionAttributes", SubscriptionArn=arn,
                       AttributeName="FilterPolicy", AttributeValue=""))
    attributes = run(cloud.sns_call("GetSubscriptionAttributes",
                                    SubscriptionArn=arn))["Attributes"]
    assert "FilterPolicy" not in attributes


def test_delete_topic_removes_its_subscriptions(cloud, topic):
    run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN))
    run(cloud.sns_call("DeleteTopic", TopicArn=topic))
    assert run(cloud.sns_call("ListSubscriptions"))["Subscriptions"] == []


def test_subscriptions_survive_a_restart(cloud, topic):
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN,
                             Attributes={"FilterPolicy": '{"a": ["b"]}'}))["SubscriptionArn"]
    sns = cloud.new_sns()
    assert sns.store.subscriptions[arn].filter is not None


def test_out_of_range_policy_numbers_get_aws_internal_error(cloud, topic):
    # AWS answers this one with a 500 InternalError rather than InvalidParameter.
    error = error_of(cloud, "Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=QUEUE_ARN,
                     Attributes={"FilterPolicy": json.dumps({"store": [1000000001]})})
    assert error.error_code == "InternalError" and type(error).status == 500


def test_unknown_subscription_is_not_found(cloud):
    error = error_of(cloud, "GetSubscriptionAttributes",
                     SubscriptionArn="arn:aws:sns:us-east-1:000000000000:t:00000000-0000")
    assert (error.error_code, error.message) == ("NotFound", "Subscription does not exist")


@pytest.mark.parametrize("endpoint", ["+15--551234567", "+15551234567.", "/+15551234567",
                                      "NAA+15551234567"])
def test_sms_endpoints_are_checked(cloud, topic, endpoint):
    error = error_of(cloud, "Subscribe", TopicArn=topic, Protocol="sms", Endpoint=endpoint)
    assert (error.error_code, error.message) == ("InvalidParameter",
                                                 f"Invalid SMS endpoint: {endpoint}")
    arn = run(cloud.sns_call("Subscribe", TopicArn=topic, Protocol="sms",
                             Endpoint="+1-555-123-4567"))["SubscriptionArn"]
    assert arn.startswith(topic)  # SMS subscriptions need no confirmation

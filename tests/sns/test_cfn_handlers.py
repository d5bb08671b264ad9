"""The AWS::SNS::* handlers called directly: create, in-place updates (attributes, inline
subscriptions, tags), replacement triggers and deletes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.services.cloudformation.engine.errors import NeedsReplacement
from fogbank.services.cloudformation.resources import HANDLERS
from fogbank.services.cloudformation.resources.base import HandlerServices, ResourceRequest
from tests.sns.harness import Cloudlet, run

QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
OTHER_QUEUE = "arn:aws:sqs:us-east-1:000000000000:r"


@pytest.fixture
def cloud(tmp_path) -> Cloudlet:
    return Cloudlet(tmp_path)


def services(cloud: Cloudlet) -> HandlerServices:
    return HandlerServices(client=cloud.dispatcher, ids=cloud.ids,
                           custom_responses=None)  # type: ignore[arg-type]


def request(resource_type: str, properties: dict[str, Any], *, logical_id: str = "Res",
            physical_id: str | None = None, old: dict[str, Any] | None = None
            ) -> ResourceRequest:
    return ResourceRequest(logical_id=logical_id, resource_type=resource_type,
                           properties=properties, stack_name="stack",
                           stack_id="arn:aws:cloudformation:us-east-1:000000000000:stack/s/1",
                           region="us-east-1", account_id="000000000000",
                           physical_id=physical_id, old_properties=old)


def test_all_sns_types_are_registered():
    for resource_type in ("AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SNS::TopicPolicy",
                          "AWS::SNS::TopicInlinePolicy"):
        assert HANDLERS.handler_for(resource_type).resource_type == resource_type


def test_topic_lifecycle(cloud):
    handler = HANDLERS["AWS::SNS::Topic"]
    props = {"DisplayName": "One", "Subscription": [{"Protocol": "sqs", "Endpoint": QUEUE}],
             "Tags": [{"Key": "a", "Value": "1"}]}
    created = run(handler.create(request("AWS::SNS::Topic", props, logical_id="Topic"),
                                 services(cloud)))
    arn = created.physical_id
    assert arn.startswith("arn:aws:sns:us-east-1:000000000000:stack-Topic-")
    assert created.attributes == {"TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]}
    new_props = {"DisplayName": "Two", "Subscription": [{"Protocol": "sqs",
                                                         "Endpoint": OTHER_QUEUE}],
                 "Tags": [{"Key": "b", "Value": "2"}]}
    run(handler.update(request("AWS::SNS::Topic", new_props, physical_id=arn, old=props),
                       services(cloud)))
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=arn))["Attributes"]
    assert attributes["DisplayName"] == "Two"
    subs = run(cloud.sns_call("ListSubscriptionsByTopic", TopicArn=arn))["Subscriptions"]
    assert [s["Endpoint"] for s in subs] == [OTHER_QUEUE]
    tags = run(cloud.sns_call("ListTagsForResource", ResourceArn=arn))["Tags"]
    assert tags == [{"Key": "b", "Value": "2"}]
    with pytest.raises(NeedsReplacement):
        run(handler.update(request("AWS::SNS::Topic", {**new_props, "TopicName": "x"},
                                   physical_id=arn, old=new_props), services(cloud)))
    run(handler.delete(request("AWS::SNS::Topic", new_props, physical_id=arn),
                       services(cloud)))
    assert run(cloud.sns_call("ListTopics"))["Topics"] == []


def test_generated_fifo_topic_name(cloud):
    handler = HANDLERS["AWS::SNS::Topic"]
    created = run(handler.create(request("AWS::SNS::Topic", {
        "FifoTopic": True, "ContentBasedDeduplication": "true"}), services(cloud)))
    assert created.physical_id.endswith(".fifo")
    attributes = run(cloud.sns_call("GetTopicAttributes",
                                    TopicArn=created.physical_id))["Attributes"]
    assert attributes["ContentBasedDeduplication"] == "true"


def test_subscription_lifecycle(cloud):
    topic = run(cloud.sns_call("CreateTopic", Name="t"))["TopicArn"]
    handler = HANDLERS["AWS::SNS::Subscription"]
    props = {"TopicArn": topic, "Protocol": "sqs", "Endpoint": QUEUE,
             "RawMessageDelivery": True, "FilterPolicy": {"color": ["red"]},
             "RedrivePolicy": {"deadLetterTargetArn": OTHER_QUEUE}}
    created = run(handler.create(request("AWS::SNS::Subscription", props), services(cloud)))
    arn = created.physical_id
    attributes = run(cloud.sns_call("GetSubscriptionAttributes",
                                    SubscriptionArn=arn))["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == {"color": ["red"]}
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"] == OTHER_QUEUE
    new_props = {"TopicArn": topic, "Protocol": "sqs", "Endpoint": QUEUE,
                 "FilterPolicyScope": "MessageBody",
                 "FilterPolicy": {"order": {"color": ["blue"]}}}
    run(handler.update(request("AWS::SNS::Subscription", new_props, physical_id=arn,
                               old=props), services(cloud)))
    attributes = run(cloud.sns_call("GetSubscriptionAttributes",
                                    SubscriptionArn=arn))["Attributes"]
    assert attributes["RawMessageDelivery"] == "false"
    assert attributes["FilterPolicyScope"] == "MessageBody"
    assert "RedrivePolicy" not in attributes
    with pytest.raises(NeedsReplacement):
        run(handler.update(request("AWS::SNS::Subscription", {**new_props,
                                                              "Endpoint": OTHER_QUEUE},
                                   physical_id=arn, old=new_props), services(cloud)))
    run(handler.delete(request("AWS::SNS::Subscription", new_props, physical_id=arn),
                       services(cloud)))
    assert run(cloud.sns_call("ListSubscriptions"))["Subscriptions"] == []


def test_topic_policy(cloud):
    topic = run(cloud.sns_call("CreateTopic", Name="t"))["TopicArn"]
    handler = HANDLERS["AWS::SNS::TopicPolicy"]
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                         "Action": "sns:Publish",
                                                         "Resource": topic}]}
    props = {"Topics": [topic], "PolicyDocument": document}
    created = run(handler.create(request("AWS::SNS::TopicPolicy", props), services(cloud)))
    assert created.physical_id
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=topic))["Attributes"]
    assert json.loads(attributes["Policy"]) == document
    run(handler.delete(request("AWS::SNS::TopicPolicy", props,
                               physical_id=created.physical_id), services(cloud)))
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=topic))["Attributes"]
    assert json.loads(attributes["Policy"])["Id"] == "__default_policy_ID"

"""Topic operations through the dispatcher: names, idempotency, attributes, tags, paging."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import ServiceError
from tests.sns.harness import Cloudlet, run


@pytest.fixture
def cloud(tmp_path) -> Cloudlet:
    return Cloudlet(tmp_path)


def error_of(cloud: Cloudlet, operation: str, **params) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        run(cloud.sns_call(operation, **params))
    return caught.value


def test_create_topic_is_idempotent_and_checks_attributes(cloud):
    first = run(cloud.sns_call("CreateTopic", Name="orders"))["TopicArn"]
    assert first == "arn:aws:sns:us-east-1:000000000000:orders"
    assert run(cloud.sns_call("CreateTopic", Name="orders"))["TopicArn"] == first
    run(cloud.sns_call("CreateTopic", Name="named", Attributes={"DisplayName": "A"}))
    error = error_of(cloud, "CreateTopic", Name="named", Attributes={"DisplayName": "B"})
    assert error.error_code == "InvalidParameter"
    assert "Topic already exists with different attributes" in error.message


@pytest.mark.parametrize(("name", "attributes", "fragment"), [
    ("bad name", {}, "Invalid parameter: Topic Name"),
    ("x" * 257, {}, "Invalid parameter: Topic Name"),
    ("plain", {"FifoTopic": "true"}, "Fifo Topic names must end with .fifo"),
    ("ends.fifo", {}, "Invalid parameter: Topic Name"),
    ("t", {"ContentBasedDeduplication": "true"}, "can only be set for FIFO topics"),
    ("t", {"Bogus": "1"}, "Invalid parameter: AttributeName"),
])
def test_create_topic_rejects(cloud, name, attributes, fragment):
    error = error_of(cloud, "CreateTopic", Name=name, Attributes=attributes)
    assert error.error_code == "InvalidParameter" and fragment in error.message


def test_topic_attributes_defaults_and_updates(cloud):
    arn = run(cloud.sns_call("CreateTopic", Name="t"))["TopicArn"]
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=arn))["Attributes"]
    assert attributes["TopicArn"] == arn and attributes["Owner"] == "000000000000"
    assert attributes["SubscriptionsConfirmed"] == "0" and attributes["DisplayName"] == ""
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Resource"] == arn
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert "FifoTopic" not in attributes
    run(cloud.sns_call("SetTopicAttributes", TopicArn=arn, AttributeName="DisplayName",
                       AttributeValue="Orders"))
    delivery = json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 5}}})
    run(cloud.sns_call("SetTopicAttributes", TopicArn=arn, AttributeName="DeliveryPolicy",
                       AttributeValue=delivery))
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=arn))["Attributes"]
    assert attributes["DisplayName"] == "Orders"
    assert attributes["DeliveryPolicy"] == delivery
    error = error_of(cloud, "SetTopicAttributes", TopicArn=arn, AttributeName="FifoTopic",
                     AttributeValue="true")
    assert error.message == "Invalid parameter: AttributeName"


def test_fifo_topic_attributes(cloud):
    arn = run(cloud.sns_call("CreateTopic", Name="t.fifo",
                             Attributes={"FifoTopic": "true"}))["TopicArn"]
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=arn))["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"


def test_missing_topic_and_idempotent_delete(cloud):
    missing = "arn:aws:sns:us-east-1:000000000000:nope"
    error = error_of(cloud, "GetTopicAttributes", TopicArn=missing)
    assert (error.error_code, error.message) == ("NotFound", "Topic does not exist")
    assert type(error).status == 404
    run(cloud.sns_call("DeleteTopic", TopicArn=missing))


def test_list_topics_pages_by_100(cloud):
    for index in range(105):
        run(cloud.sns_call("CreateTopic", Name=f"t{index:03d}"))
    first = run(cloud.sns_call("ListTopics"))
    assert len(first["Topics"]) == 100 and first["NextToken"]
    second = run(cloud.sns_call("ListTopics", NextToken=first["NextToken"]))
    assert len(second["Topics"]) == 5 and "NextToken" not in second
    arns = {t["TopicArn"] for t in first["Topics"] + second["Topics"]}
    assert len(arns) == 105
    error = error_of(cloud, "ListTopics", NextToken="garbage")
    assert error.message == "Invalid parameter: NextToken"


def test_tags(cloud):
    arn = run(cloud.sns_call("CreateTopic", Name="t",
                             Tags=[{"Key": "team", "Value": "a"}]))["TopicArn"]
    run(cloud.sns_call("TagResource", ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}]))
    tags = run(cloud.sns_call("ListTagsForResource", ResourceArn=arn))["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"team": "a", "env": "dev"}
    run(cloud.sns_call("UntagResource", ResourceArn=arn, TagKeys=["team"]))
    tags = run(cloud.sns_call("ListTagsForResource", ResourceArn=arn))["Tags"]
    assert tags == [{"Key": "env", "Value": "dev"}]
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    error = error_of(cloud, "TagResource", ResourceArn=arn, Tags=too_many)
    assert error.error_code == "TagLimitExceeded"
    error = error_of(cloud, "ListTagsForResource",
                     ResourceArn="arn:aws:sns:us-east-1:000000000000:nope")
    assert error.error_code == "ResourceNotFound"


def test_topics_survive_a_restart(cloud):
    arn = run(cloud.sns_call("CreateTopic", Name="kept",
                             Attributes={"DisplayName": "Kept"}))["TopicArn"]
    cloud.new_sns()
    attributes = run(cloud.sns_call("GetTopicAttributes", TopicArn=arn))["Attributes"]
    assert attributes["DisplayName"] == "Kept"


def test_add_and_remove_permission(cloud):
    arn = run(cloud.sns_call("CreateTopic", Name="shared"))["TopicArn"]
    run(cloud.sns_call("AddPermission", TopicArn=arn, Label="ops",
                       AWSAccountId=["111111111111", "222222222222"],
                       ActionName=["Publish", "Subscribe"]))
    policy = json.loads(run(cloud.sns_call("GetTopicAttributes",
                                           TopicArn=arn))["Attributes"]["Policy"])
    assert policy["Statement"][0]["Sid"] == "__default_statement_ID"
    assert policy["Statement"][1] == {
        "Sid": "ops", "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::111111111111:root",
                              "arn:aws:iam::222222222222:root"]},
        "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": arn}
    error = error_of(cloud, "AddPermission", TopicArn=arn, Label="ops",
                     AWSAccountId=["1"], ActionName=["Publish"])
    assert error.message == "Statement already exists"
    error = error_of(cloud, "AddPermission", TopicArn=arn, Label="x", AWSAccountId=["1"],
                     ActionName=["Fly"])
    assert error.message == "Policy statement action out of service scope!"
    run(cloud.sns_call("RemovePermission", TopicArn=arn, Label="ops"))
    run(cloud.sns_call("RemovePermission", TopicArn=arn, Label="never-there"))
    policy = json.loads(run(cloud.sns_call("GetTopicAttributes",
                                           TopicArn=arn))["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["__default_statement_ID"]

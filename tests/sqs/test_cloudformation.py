"""AWS::SQS::Queue and AWS::SQS::QueuePolicy through the local CloudFormation engine:
attributes, Ref/GetAtt, policy, in-place update (attributes back to defaults, tags),
replacement on FifoQueue change, delete; plus a SAM app whose queue feeds nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from fogbank.testing import run_app
from tests.sqs.conftest import sqs_client


def test_deployed_queues(app: Any, sqs: Any) -> None:
    outputs = app.stack.outputs
    url = outputs["WorkUrl"]
    name = outputs["WorkName"]
    assert url == f"{app.edge_url}/000000000000/{name}"
    assert name.startswith("queues-Work-")
    assert outputs["WorkArn"] == f"arn:aws:sqs:us-east-1:000000000000:{name}"
    assert outputs["OrderedUrl"].endswith(".fifo")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "45"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:cfn-dead-letters",
        "maxReceiveCount": 3}
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Action"] == "sqs:SendMessage"
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "orders"}
    ordered = sqs.get_queue_attributes(QueueUrl=outputs["OrderedUrl"],
                                       AttributeNames=["All"])["Attributes"]
    assert ordered["FifoQueue"] == "true" and ordered["ContentBasedDeduplication"] == "true"
    dlq = sqs.get_queue_url(QueueName="cfn-dead-letters")["QueueUrl"]
    assert json.loads(sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=[
        "RedriveAllowPolicy"])["Attributes"]["RedriveAllowPolicy"]) == {
        "redrivePermission": "allowAll"}


def write(path: Path, queue_properties: dict[str, Any], with_policy: bool = True,
          inline_policy: bool = False) -> None:
    resources: dict[str, Any] = {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": queue_properties}}
    if with_policy:
        resources["Policy"] = {"Type": "AWS::SQS::QueuePolicy", "Properties": {
            "Queues": [{"Ref": "Queue"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}}
    if inline_policy:
        resources["Inline"] = {"Type": "AWS::SQS::QueueInlinePolicy", "Properties": {
            "Queue": {"Ref": "Queue"},
            "PolicyDocument": {"Version": "2012-10-17", "Id": "inline", "Statement": []}}}
    outputs = {"Url": {"Value": {"Ref": "Queue"}},
               "Name": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}}}
    path.write_text(yaml.safe_dump({"AWSTemplateFormatVersion": "2010-09-09",
                                    "Resources": resources, "Outputs": outputs}))


def test_queue_lifecycle(tmp_path: Path) -> None:
    app_dir = tmp_path / "cfn"
    app_dir.mkdir()
    template = app_dir / "template.yaml"
    write(template, {"DelaySeconds": 5, "VisibilityTimeout": "60",
                     "Tags": [{"Key": "a", "Value": "1"}]})
    with run_app(template, state_dir=tmp_path / "state") as app:
        sqs = sqs_client(app.edge_url, app.region)
        url = app.stack.outputs["Url"]
        sqs.send_message(QueueUrl=url, MessageBody="kept across updates", DelaySeconds=0)
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"]
        assert (attributes["DelaySeconds"], attributes["VisibilityTimeout"]) == ("5", "60")
        assert "Policy" in attributes

        write(template, {"VisibilityTimeout": 10, "Tags": [{"Key": "b", "Value": "2"}]},
              with_policy=False)
        app.redeploy()
        assert app.stack.outputs["Url"] == url  # updated in place
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"]
        assert (attributes["DelaySeconds"], attributes["VisibilityTimeout"]) == ("0", "10")
        assert "Policy" not in attributes
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"b": "2"}
        assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "kept across updates"

        write(template, {"VisibilityTimeout": 10, "Tags": [{"Key": "b", "Value": "2"}]},
              with_policy=False, inline_policy=True)
        app.redeploy()
        policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
            "Attributes"]["Policy"]
        assert json.loads(policy)["Id"] == "inline"

        write(template, {"FifoQueue": True}, with_policy=False)
        app.redeploy()
        new_url = app.stack.outputs["Url"]
        assert new_url != url and new_url.endswith(".fifo")
        assert app.stack.outputs["Name"] == new_url.rsplit("/", 1)[1]
        urls = sqs.list_queues().get("QueueUrls", [])
        assert urls == [new_url]

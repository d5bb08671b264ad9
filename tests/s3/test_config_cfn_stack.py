"""AWS::S3::Bucket and AWS::S3::BucketPolicy deployed through CloudFormation on the edge:
attributes, in-place updates, replacement on a new name, and a non-empty bucket that
refuses to be deleted."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import APPS


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(APPS / "minimal")


def template(bucket_properties: dict[str, Any]) -> str:
    return json.dumps({
        "Resources": {
            "Site": {"Type": "AWS::S3::Bucket", "Properties": bucket_properties},
            "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": {"Ref": "Site"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": {"Fn::Sub": "${Site.Arn}/*"}}]}}}},
        "Outputs": {
            "Name": {"Value": {"Ref": "Site"}},
            "Url": {"Value": {"Fn::GetAtt": ["Site", "WebsiteURL"]}},
            "Domain": {"Value": {"Fn::GetAtt": ["Site", "RegionalDomainName"]}}}})


def settle(cfn, name: str) -> dict[str, Any]:
    for _ in range(300):
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS"):
            return dict(stack)
        time.sleep(0.05)
    raise AssertionError(f"stack {name} did not settle")


def outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}


def test_bucket_stack_lifecycle(fogbank_app) -> None:
    cfn, s3 = fogbank_app.client("cloudformation"), fogbank_app.client("s3")
    region = fogbank_app.region
    cfn.create_stack(StackName="site-stack", TemplateBody=template({
        "WebsiteConfiguration": {"IndexDocument": "index.html"},
        "Tags": [{"Key": "team", "Value": "web"}]}))
    stack = settle(cfn, "site-stack")
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    name = outputs(stack)["Name"]
    assert name.startswith("site-stack-site-") and name == name.lower()
    assert outputs(stack)["Domain"] == f"{name}.s3.{region}.amazonaws.com"
    assert outputs(stack)["Url"].startswith(f"http://{name}.s3-website")
    assert json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])["Statement"][0][
        "Resource"] == f"arn:aws:s3:::{name}/*"
    assert s3.get_bucket_website(Bucket=name)["IndexDocument"] == {"Suffix": "index.html"}

    cfn.update_stack(StackName="site-stack", TemplateBody=template({
        "Tags": [{"Key": "team", "Value": "data"}]}))
    stack = settle(cfn, "site-stack")
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert outputs(stack)["Name"] == name
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "team", "Value": "data"}]
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket=name)

    s3.put_object(Bucket=name, Key="keep.txt", Body=b"x")
    cfn.delete_stack(StackName="site-stack")
    stack = settle(cfn, "site-stack")
    assert stack["StackStatus"] == "DELETE_FAILED"
    reasons = [event.get("ResourceStatusReason", "") for event in
               cfn.describe_stack_events(StackName="site-stack")["StackEvents"]
               if event["LogicalResourceId"] == "Site"
               and event["ResourceStatus"] == "DELETE_FAILED"]
    assert any("not empty" in reason for reason in reasons), reasons
    s3.delete_object(Bucket=name, Key="keep.txt")
    cfn.delete_stack(StackName="site-stack")
    settle_gone(cfn, "site-stack")
    with pytest.raises(ClientError) as caught:
        s3.head_bucket(Bucket=name)
    assert caught.value.response["Error"]["Code"] in ("404", "NoSuchBucket")


def settle_gone(cfn, name: str) -> None:
    for _ in range(300):
        try:
            stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        except ClientError:
            return
        if stack["StackStatus"] == "DELETE_COMPLETE":
            return
        time.sleep(0.05)
    raise AssertionError(f"stack {name} was not deleted")


def test_new_bucket_name_replaces_the_bucket(fogbank_app) -> None:
    cfn, s3 = fogbank_app.client("cloudformation"), fogbank_app.client("s3")
    cfn.create_stack(StackName="named-stack",
                     TemplateBody=template({"BucketName": "named-one"}))
    assert settle(cfn, "named-stack")["StackStatus"] == "CREATE_COMPLETE"
    cfn.update_stack(StackName="named-stack",
                     TemplateBody=template({"BucketName": "named-two"}))
    stack = settle(cfn, "named-stack")
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack.get("StackStatusReason")
    assert outputs(stack)["Name"] == "named-two"
    assert s3.get_bucket_policy(Bucket="named-two")["Policy"]
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket="named-one")

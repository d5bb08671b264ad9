"""AWS::S3::Bucket / AWS::S3::BucketPolicy handlers: CloudFormation property shapes become
API calls; run through the real dispatcher against the configuration mixin."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import Provider, RequestContext, operation
from fogbank.services.cloudformation.resources.base import HandlerServices, ResourceRequest
from fogbank.services.cloudformation.resources.s3 import (
    BucketHandler,
    BucketPolicyHandler,
    notification,
)
from fogbank.services.dispatch import Dispatcher
from fogbank.services.s3.errors import BucketNotEmpty
from tests.s3.config_fakes import FakeS3, make_provider

FUNCTION = "arn:aws:lambda:eu-west-1:000000000000:function:fn"


class BucketsS3(FakeS3):
    """The fake plus the bucket operations the handler calls."""

    versioning: dict[str, str]

    @operation("CreateBucket")
    def create_bucket(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        self.buckets.add(bucket)
        return {"Location": f"/{bucket}"}

    @operation("DeleteBucket")
    def delete_bucket(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        if any(name == bucket for name, _ in self.objects):
            raise BucketNotEmpty(fields={"BucketName": bucket})
        self.buckets.discard(bucket)
        self.forget_bucket_config(bucket)
        return {}

    @operation("PutBucketVersioning")
    def put_bucket_versioning(self, ctx: RequestContext, *, bucket: str,
                              versioning_configuration: dict[str, Any], **_: Any
                              ) -> dict[str, Any]:
        self.__dict__.setdefault("versioning", {})[bucket] = versioning_configuration["Status"]
        return {}


class FakeLambda(Provider):
    service = "lambda"

    def __init__(self) -> None:
        self.invokes: list[dict[str, Any]] = []

    @operation("GetFunction")
    def get_function(self, ctx: RequestContext, *, function_name: str, **_: Any) -> dict:
        if function_name != FUNCTION:
            raise ServiceError("Function not found")
        return {"Configuration": {"FunctionArn": FUNCTION}}

    @operation("GetPolicy")
    def get_policy(self, ctx: RequestContext, *, function_name: str, **_: Any) -> dict:
        return {"Policy": json.dumps({"Statement": [{
            "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": function_name}]})}

    @operation("Invoke")
    def invoke(self, ctx: RequestContext, **params: Any) -> dict:
        self.invokes.append(params)
        return {"StatusCode": 202}


@pytest.fixture
def cloud(tmp_path):
    s3, _, _ = make_provider(tmp_path)
    s3.__class__ = BucketsS3
    s3.buckets.clear()
    lambda_ = FakeLambda()
    dispatcher = Dispatcher([s3, lambda_], region="eu-west-1", account_id="000000000000",
                            ids=Ids(seed=1))
    s3.ctx.client = dispatcher
    services = HandlerServices(client=dispatcher, ids=Ids(seed=2),
                               custom_responses=None)  # type: ignore[arg-type]
    return s3, lambda_, services


def request(properties: dict[str, Any], resource_type: str = "AWS::S3::Bucket",
            **kwargs: Any) -> ResourceRequest:
    return ResourceRequest(logical_id="Uploads", resource_type=resource_type,
                           properties=properties, stack_name="My-Stack",
                           stack_id="arn:aws:cloudformation:eu-west-1:000000000000:stack/x/y",
                           region="eu-west-1", account_id="000000000000", **kwargs)


FULL = {
    "Tags": [{"Key": "team", "Value": "data"}],
    "VersioningConfiguration": {"Status": "Enabled"},
    "CorsConfiguration": {"CorsRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"],
                                         "ExposedHeaders": ["ETag"], "MaxAge": "60",
                                         "Id": "r1"}]},
    "WebsiteConfiguration": {"IndexDocument": "index.html", "ErrorDocument": "err.html",
                             "RoutingRules": [{"RoutingRuleCondition": {
                                 "KeyPrefixEquals": "a/"}, "RedirectRule": {
                                 "ReplaceKeyPrefixWith": "b/"}}]},
    "NotificationConfiguration": {
        "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": FUNCTION,
                                  "Filter": {"S3Key": {"Rules": [
                                      {"Name": "suffix", "Value": ".txt"}]}}}],
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}},
}


def test_create_generates_lower_case_name_and_applies_every_section(cloud) -> None:
    s3, lambda_, services = cloud
    result = asyncio.run(BucketHandler().create(request(FULL), services))
    name = result.physical_id
    assert name.startswith("my-stack-uploads-") and name == name.lower() and len(name) <= 63
    assert result.attributes == {
        "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.eu-west-1.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.eu-west-1.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-eu-west-1.amazonaws.com"}
    store = s3.config_store
    assert store.get(name, "tagging") == [{"Key": "team", "Value": "data"}]
    assert store.get(name, "cors") == [{"ID": "r1", "AllowedMethods": ["GET"],
                                        "AllowedOrigins": ["*"], "ExposeHeaders": ["ETag"],
                                        "MaxAgeSeconds": 60}]
    assert store.get(name, "website") == {
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "err.html"},
        "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "b/"},
                          "Condition": {"KeyPrefixEquals": "a/"}}]}
    stored = store.get(name, "notification")
    assert stored["LambdaFunctionConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]
    assert stored["LambdaFunctionConfigurations"][0]["Filter"] == {
        "Key": {"FilterRules": [{"Name": "Suffix", "Value": ".txt"}]}}
    assert "EventBridgeConfiguration" in stored
    assert s3.versioning[name] == "Enabled"


def test_update_in_place_and_delete(cloud) -> None:
    s3, _, services = cloud
    handler = BucketHandler()
    name = asyncio.run(handler.create(request({**FULL, "BucketName": "fixed"}), services)
                       ).physical_id
    assert name == "fixed"
    new = {"BucketName": "fixed", "Tags": [{"Key": "team", "Value": "web"}]}
    asyncio.run(handler.update(request(new, physical_id=name, old_properties={
        **FULL, "BucketName": "fixed"}), services))
    store = s3.config_store
    assert store.get(name, "tagging") == [{"Key": "team", "Value": "web"}]
    assert store.get(name, "cors") is None and store.get(name, "website") is None
    assert store.get(name, "notification") is None
    assert s3.versioning[name] == "Suspended"
    s3.objects[(name, "k")] = b"x"
    with pytest.raises(ServiceError) as caught:
        asyncio.run(handler.delete(request(new, physical_id=name), services))
    assert caught.value.error_code == "BucketNotEmpty"
    del s3.objects[(name, "k")]
    asyncio.run(handler.delete(request(new, physical_id=name), services))
    assert name not in s3.buckets
    asyncio.run(handler.delete(request(new, physical_id=name), services))  # already gone


def test_create_with_a_missing_destination_fails_and_leaves_no_bucket(cloud) -> None:
    s3, _, services = cloud
    props = {"BucketName": "broken", "NotificationConfiguration": {"LambdaConfigurations": [
        {"Event": "s3:ObjectCreated:*", "Function": FUNCTION + "-missing"}]}}
    with pytest.raises(ServiceError) as caught:
        asyncio.run(BucketHandler().create(request(props), services))
    assert caught.value.message == "Unable to validate the following destination configurations"
    assert "broken" not in s3.buckets


def test_bucket_policy(cloud) -> None:
    s3, _, services = cloud
    asyncio.run(BucketHandler().create(request({"BucketName": "site"}), services))
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                         "Action": "s3:GetObject",
                                                         "Resource": "arn:aws:s3:::site/*"}]}
    handler = BucketPolicyHandler()
    result = asyncio.run(handler.create(request({"Bucket": "site", "PolicyDocument": document},
                                                "AWS::S3::BucketPolicy"), services))
    assert json.loads(s3.config_store.get("site", "policy")["text"]) == document
    asyncio.run(handler.delete(request({}, "AWS::S3::BucketPolicy",
                                       physical_id=result.physical_id), services))
    assert s3.config_store.get("site", "policy") is None


def test_notification_shape_conversion() -> None:
    assert notification({"QueueConfigurations": [{"Event": "s3:ObjectRemoved:*",
                                                  "Queue": "arn:q"}],
                         "TopicConfigurations": [{"Event": "s3:ObjectCreated:Put",
                                                  "Topic": "arn:t"}]}) == {
        "QueueConfigurations": [{"QueueArn": "arn:q", "Events": ["s3:ObjectRemoved:*"]}],
        "TopicConfigurations": [{"TopicArn": "arn:t", "Events": ["s3:ObjectCreated:Put"]}]}


def test_access_control_needs_ownership_that_allows_acls(cloud, caplog) -> None:
    s3, _, services = cloud
    handler = BucketHandler()
    with pytest.raises(ServiceError) as caught:
        asyncio.run(handler.create(request({"BucketName": "acl-a",
                                            "AccessControl": "PublicRead"}), services))
    assert caught.value.error_code == "AccessControlListNotSupported"
    assert "acl-a" not in s3.buckets
    asyncio.run(handler.create(request({
        "BucketName": "acl-b", "AccessControl": "PublicRead",
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]},
        "AccelerateConfiguration": {"AccelerationStatus": "Enabled"}}), services))
    grants = s3.config_store.get("acl-b", "acl")["Grants"]
    assert {"Grantee": {"Type": "Group",
                        "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ"} in grants
    assert "properties not emulated, ignored: AccelerateConfiguration" in caplog.text

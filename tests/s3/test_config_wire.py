"""Bucket configuration over the wire: boto3 against the edge (botocore parses our XML),
CORS preflight and headers, the website endpoint, notifications to a real SQS queue."""

from __future__ import annotations

import json
import time

import pytest
import requests
from aws_lambda_powertools.utilities.parser.models import S3Model
from botocore.exceptions import ClientError

from fogbank.cloud import PROVIDERS
from tests.conftest import APPS

pytestmark = pytest.mark.skipif("s3" not in PROVIDERS, reason="the S3 provider is not "
                                "registered in fogbank.cloud yet")


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(APPS / "minimal")


@pytest.fixture(scope="module")
def s3(fogbank_app):
    return fogbank_app.client("s3")


@pytest.fixture
def bucket(s3, request):
    name = "cfg-" + request.node.name.replace("_", "-")[:40].lower().strip("-")
    s3.create_bucket(Bucket=name)
    return name


def code_of(call, **kwargs) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"]


def test_subresources_round_trip(s3, bucket) -> None:
    assert code_of(s3.get_bucket_cors, Bucket=bucket) == "NoSuchCORSConfiguration"
    rules = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"],
              "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 30}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    s3.delete_bucket_cors(Bucket=bucket)
    assert code_of(s3.get_bucket_tagging, Bucket=bucket) == "NoSuchTagSet"
    tagged = s3.put_bucket_tagging(Bucket=bucket,
                                   Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204  # as AWS answers
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "a", "Value": "b"}]
    assert code_of(s3.get_bucket_policy, Bucket=bucket) == "NoSuchBucketPolicy"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    assert s3.put_bucket_policy(Bucket=bucket, Policy=policy)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == policy
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert code_of(s3.put_bucket_policy, Bucket=bucket, Policy="nope") == "MalformedPolicy"
    assert code_of(s3.get_bucket_website, Bucket=bucket) == "NoSuchWebsiteConfiguration"
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
        "Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert code_of(s3.get_bucket_cors, Bucket="no-such-bucket-here") == "NoSuchBucket"


def test_cors_preflight_and_response_headers(s3, bucket, fogbank_app) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["content-type"], "ExposeHeaders": ["ETag"]}]})
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"x")
    url = f"{fogbank_app.edge_url}/{bucket}/a.txt"
    allowed = requests.options(url, headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Content-Type"}, timeout=10)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert allowed.headers["Access-Control-Allow-Headers"] == "content-type"
    refused = requests.options(url, headers={
        "Origin": "https://evil.test", "Access-Control-Request-Method": "GET"}, timeout=10)
    assert refused.status_code == 403 and b"CORSResponse" in refused.content
    got = requests.get(url, headers={"Origin": "https://app.example.com"}, timeout=10)
    assert got.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert got.headers["Access-Control-Expose-Headers"] == "ETag"
    assert "Origin" in got.headers["Vary"]


def test_website_endpoint(s3, bucket, fogbank_app) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"}})
    assert s3.get_bucket_website(Bucket=bucket)["IndexDocument"] == {"Suffix": "index.html"}
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>home</h1>",
                  ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="docs/index.html", Body=b"docs")
    s3.put_object(Bucket=bucket, Key="404.html", Body=b"missing")
    host = f"{bucket}.s3-website.localhost"
    site = fogbank_app.edge_url

    def get(path: str) -> requests.Response:
        return requests.get(site + path, headers={"Host": host}, allow_redirects=False,
                            timeout=10)

    home = get("/")
    assert (home.status_code, home.content) == (200, b"<h1>home</h1>")
    assert home.headers["Content-Type"] == "text/html"
    assert get("/docs/").content == b"docs"
    folder = get("/docs")
    assert (folder.status_code, folder.headers["Location"]) == (302, "/docs/")
    missing = get("/nope")
    assert (missing.status_code, missing.content) == (404, b"missing")
    s3.put_object(Bucket=bucket, Key="old.html", Body=b"",
                  WebsiteRedirectLocation="/docs/")
    moved = get("/old.html")
    assert (moved.status_code, moved.headers["Location"]) == (301, "/docs/")


def test_notifications_to_sqs(s3, bucket, fogbank_app) -> None:
    sqs = fogbank_app.client("sqs")
    url = sqs.create_queue(QueueName=f"{bucket}-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn + "x", "Events": ["s3:ObjectCreated:*"]}]})
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"Id": "all", "QueueArn": arn,
                                 "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                                 "Filter": {"Key": {"FilterRules": [
                                     {"Name": "prefix", "Value": "in/"}]}}}]})
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert config["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"] == [
        {"Name": "Prefix", "Value": "in/"}]
    s3.put_object(Bucket=bucket, Key="in/a b.txt", Body=b"hello")
    s3.put_object(Bucket=bucket, Key="out/ignored.txt", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="in/a b.txt")
    bodies = []
    deadline = time.monotonic() + 10
    while len(bodies) < 3 and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            bodies.append(json.loads(message["Body"]))
    assert bodies[0]["Event"] == "s3:TestEvent"
    records = [S3Model.model_validate(body).Records[0] for body in bodies[1:]]
    assert [record.eventName for record in records] == ["ObjectCreated:Put",
                                                         "ObjectRemoved:Delete"]
    assert records[0].s3.object.key == "in/a+b.txt"
    assert records[0].s3.object.eTag == "5d41402abc4b2a76b9719d911017c592"
    assert records[0].s3.object.sequencer < records[1].s3.object.sequencer


def test_bucket_acl(s3, bucket) -> None:
    acl = s3.get_bucket_acl(Bucket=bucket)
    owner = acl["Owner"]["ID"]
    assert acl["Grants"] == [{"Grantee": {"Type": "CanonicalUser", "ID": owner,
                                          "DisplayName": acl["Owner"]["DisplayName"]},
                              "Permission": "FULL_CONTROL"}]
    assert code_of(s3.put_bucket_acl, Bucket=bucket, ACL="public-read") == \
        "AccessControlListNotSupported"
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/"
                                                "AllUsers"}, "Permission": "READ"} in grants
    s3.put_bucket_acl(Bucket=bucket, GrantRead='uri="http://acs.amazonaws.com/groups/'
                                               'global/AuthenticatedUsers"')
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"][0]["Grantee"]["URI"].endswith(
        "AuthenticatedUsers")


def test_eventbridge_configuration_round_trip(s3, bucket) -> None:
    assert s3.get_bucket_notification_configuration(Bucket=bucket).keys() <= {
        "ResponseMetadata"}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert config["EventBridgeConfiguration"] == {}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert "EventBridgeConfiguration" not in s3.get_bucket_notification_configuration(
        Bucket=bucket)

"""The bucket subresource operations on the mixin: CORS, tagging, policy, website and the
stored-only configurations (errors by AWS code and message)."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import ServiceError
from tests.s3.config_fakes import make_provider, rctx

CORS = {"CORSRules": [{"AllowedOrigins": ["https://*.example.com"],
                       "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["x-amz-*"],
                       "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300}]}


@pytest.fixture
def s3(tmp_path):
    return make_provider(tmp_path)[0]


def error_of(call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(rctx(), *args, **kwargs)
    return caught.value


def test_cors_round_trip_and_delete(s3) -> None:
    assert error_of(s3.get_bucket_cors, bucket="photos").error_code == "NoSuchCORSConfiguration"
    s3.put_bucket_cors(rctx(), bucket="photos", cors_configuration=CORS)
    assert s3.get_bucket_cors(rctx(), bucket="photos") == {"CORSRules": CORS["CORSRules"]}
    s3.delete_bucket_cors(rctx(), bucket="photos")
    error = error_of(s3.get_bucket_cors, bucket="photos")
    assert (error.error_code, error.message, error.fields["BucketName"]) == (
        "NoSuchCORSConfiguration", "The CORS configuration does not exist", "photos")


@pytest.mark.parametrize(("rules", "code", "message"), [
    ([{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}], "InvalidRequest",
     "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
    ([{"AllowedOrigins": ["*.*"], "AllowedMethods": ["GET"]}], "InvalidRequest",
     'AllowedOrigin "*.*" can not have more than one wildcard.'),
    ([{"AllowedOrigins": ["*"]}], "MalformedXML", None),
    ([], "MalformedXML", None),
])
def test_cors_validation(s3, rules, code, message) -> None:
    error = error_of(s3.put_bucket_cors, bucket="photos", cors_configuration={"CORSRules": rules})
    assert error.error_code == code
    if message:
        assert error.message == message


def test_missing_bucket_is_no_such_bucket(s3) -> None:
    assert error_of(s3.put_bucket_cors, bucket="nope",
                    cors_configuration=CORS).error_code == "NoSuchBucket"
    assert error_of(s3.get_bucket_tagging, bucket="nope").error_code == "NoSuchBucket"


def test_tagging(s3) -> None:
    assert error_of(s3.get_bucket_tagging, bucket="photos").message == "The TagSet does not exist"
    tags = [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": ""}]
    s3.put_bucket_tagging(rctx(), bucket="photos", tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(rctx(), bucket="photos") == {"TagSet": tags}
    duplicate = error_of(s3.put_bucket_tagging, bucket="photos", tagging={"TagSet": tags * 2})
    assert (duplicate.error_code, duplicate.message) == (
        "InvalidTag", "Cannot provide multiple Tags with the same key")
    system = error_of(s3.put_bucket_tagging, bucket="photos",
                      tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})
    assert system.error_code == "InvalidTag"
    s3.delete_bucket_tagging(rctx(), bucket="photos")
    assert error_of(s3.get_bucket_tagging, bucket="photos").error_code == "NoSuchTagSet"


def test_policy_stored_as_given_and_status(s3) -> None:
    assert error_of(s3.get_bucket_policy, bucket="photos").error_code == "NoSuchBucketPolicy"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::photos/*"}]}, indent=2)
    s3.put_bucket_policy(rctx(), bucket="photos", policy=policy)
    assert s3.get_bucket_policy(rctx(), bucket="photos") == {"Policy": policy}
    assert s3.get_bucket_policy_status(rctx(), bucket="photos") == {
        "PolicyStatus": {"IsPublic": True}}
    s3.delete_bucket_policy(rctx(), bucket="photos")
    assert error_of(s3.get_bucket_policy_status, bucket="photos").error_code == \
        "NoSuchBucketPolicy"


@pytest.mark.parametrize("policy", ["not json", "[1]", '{"Version": "2012-10-17"}',
                                    '{"Statement": [{"Effect": "Maybe"}]}'])
def test_policy_validation(s3, policy) -> None:
    assert error_of(s3.put_bucket_policy, bucket="photos",
                    policy=policy).error_code == "MalformedPolicy"


def test_website_round_trip_and_validation(s3) -> None:
    error = error_of(s3.get_bucket_website, bucket="photos")
    assert (error.error_code, error.message) == (
        "NoSuchWebsiteConfiguration",
        "The specified bucket does not have a website configuration")
    config = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"},
              "RoutingRules": [{"Condition": {"KeyPrefixEquals": "docs/"},
                                "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}]}
    s3.put_bucket_website(rctx(), bucket="photos", website_configuration=config)
    assert s3.get_bucket_website(rctx(), bucket="photos") == config
    assert error_of(s3.put_bucket_website, bucket="photos", website_configuration={
        "ErrorDocument": {"Key": "e.html"}}).error_code == "InvalidArgument"
    assert error_of(s3.put_bucket_website, bucket="photos", website_configuration={
        "IndexDocument": {"Suffix": "a/b.html"}}).message == \
        "The IndexDocument Suffix is not well formed"
    s3.put_bucket_website(rctx(), bucket="photos", website_configuration={
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}})
    assert s3.get_bucket_website(rctx(), bucket="photos") == {
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}
    s3.delete_bucket_website(rctx(), bucket="photos")
    assert error_of(s3.get_bucket_website, bucket="photos").status == 404


def test_stored_only_configurations_have_aws_defaults(s3) -> None:
    assert s3.get_bucket_encryption(rctx(), bucket="photos")[
        "ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    kms = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"}, "BucketKeyEnabled": True}]}
    s3.put_bucket_encryption(rctx(), bucket="photos", server_side_encryption_configuration=kms)
    assert s3.get_bucket_encryption(rctx(), bucket="photos") == {
        "ServerSideEncryptionConfiguration": kms}
    assert s3.get_bucket_ownership_controls(rctx(), bucket="photos") == {
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
    s3.put_public_access_block(rctx(), bucket="photos", public_access_block_configuration={
        "BlockPublicAcls": False})
    assert s3.get_public_access_block(rctx(), bucket="photos")[
        "PublicAccessBlockConfiguration"]["BlockPublicAcls"] is False
    assert error_of(s3.get_bucket_lifecycle_configuration, bucket="photos").error_code == \
        "NoSuchLifecycleConfiguration"
    rules = [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
              "Expiration": {"Days": 1}}]
    s3.put_bucket_lifecycle_configuration(rctx(), bucket="photos",
                                          lifecycle_configuration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(rctx(), bucket="photos")["Rules"] == rules


def test_forget_drops_every_configuration(s3) -> None:
    s3.put_bucket_cors(rctx(), bucket="photos", cors_configuration=CORS)
    s3.put_bucket_tagging(rctx(), bucket="photos", tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.forget_bucket_config("photos")
    assert error_of(s3.get_bucket_cors, bucket="photos").error_code == "NoSuchCORSConfiguration"
    assert error_of(s3.get_bucket_tagging, bucket="photos").error_code == "NoSuchTagSet"


def test_default_configurations_can_be_deleted(s3) -> None:
    s3.delete_bucket_ownership_controls(rctx(), bucket="photos")
    error = error_of(s3.get_bucket_ownership_controls, bucket="photos")
    assert (error.error_code, error.message, error.status) == (
        "OwnershipControlsNotFoundError", "The bucket ownership controls were not found", 404)
    s3.put_bucket_ownership_controls(rctx(), bucket="photos", ownership_controls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert s3.get_bucket_ownership_controls(rctx(), bucket="photos")[
        "OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]
    s3.delete_public_access_block(rctx(), bucket="photos")
    assert error_of(s3.get_public_access_block, bucket="photos").error_code == \
        "NoSuchPublicAccessBlockConfiguration"
    s3.put_bucket_encryption(rctx(), bucket="photos", server_side_encryption_configuration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    assert s3.get_bucket_encryption(rctx(), bucket="photos")[
        "ServerSideEncryptionConfiguration"]["Rules"][0]["BucketKeyEnabled"] is False
    s3.delete_bucket_encryption(rctx(), bucket="photos")
    assert s3.get_bucket_encryption(rctx(), bucket="photos")[
        "ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


@pytest.mark.parametrize(("rule", "code"), [
    ({"Status": "Enabled", "Expiration": {"Days": 1}}, "MalformedXML"),
    ({"Status": "Enabled", "Prefix": "", "Filter": {}, "Expiration": {"Days": 1}},
     "MalformedXML"),
    ({"Status": "Enabled", "Filter": {"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}},
      "Expiration": {"Days": 1}}, "MalformedXML"),
    ({"Status": "Enabled", "Filter": {}, "Expiration": {
        "Days": 1, "ExpiredObjectDeleteMarker": True}}, "MalformedXML"),
    ({"Status": "Enabled", "Filter": {}, "Expiration": {"Days": 0}}, "InvalidArgument"),
])
def test_lifecycle_validation(s3, rule, code) -> None:
    assert error_of(s3.put_bucket_lifecycle_configuration, bucket="photos",
                    lifecycle_configuration={"Rules": [rule]}).error_code == code

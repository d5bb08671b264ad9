"""Buckets over the wire: create (names, location constraints), head, list, locate, delete."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.s3.s3_wire import raw


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_create_list_head_locate_delete(s3) -> None:
    s3.create_bucket(Bucket="life-cycle-bucket")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert "life-cycle-bucket" in names
    listed = s3.list_buckets()
    assert listed["Owner"]["ID"]
    head = s3.head_bucket(Bucket="life-cycle-bucket")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert s3.get_bucket_location(Bucket="life-cycle-bucket")["LocationConstraint"] is None
    s3.delete_bucket(Bucket="life-cycle-bucket")
    with pytest.raises(ClientError) as error:
        s3.head_bucket(Bucket="life-cycle-bucket")
    assert error.value.response["Error"]["Code"] == "404"


@pytest.mark.parametrize("name", ["ab", "A-bucket", "bucket_", "-start", "end-", "a..b",
                                  "192.168.1.1", "xn--punycode", "x" * 64, "bad-s3alias"])
def test_invalid_bucket_names(s3, name: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=name)
    assert code_of(error) == "InvalidBucketName"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_location_constraints(app, s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket="east-constraint",
                         CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert code_of(error) == "InvalidLocationConstraint"
    west = app.client("s3", region_name="eu-west-2")
    with pytest.raises(ClientError) as error:
        west.create_bucket(Bucket="west-unconstrained")
    assert code_of(error) == "IllegalLocationConstraintException"
    west.create_bucket(Bucket="west-bucket",
                       CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert west.get_bucket_location(Bucket="west-bucket")["LocationConstraint"] == "eu-west-2"
    with pytest.raises(ClientError) as error:
        west.create_bucket(Bucket="west-bucket",
                           CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert code_of(error) == "BucketAlreadyOwnedByYou"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_recreating_in_us_east_1_is_ok(s3, bucket: str) -> None:
    s3.create_bucket(Bucket=bucket)


def test_delete_non_empty_and_missing(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=bucket)
    assert code_of(error) == "BucketNotEmpty"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=bucket)
    assert code_of(error) == "NoSuchBucket"
    assert error.value.response["Error"]["BucketName"] == bucket


def test_list_buckets_pages(s3) -> None:
    for index in range(3):
        s3.create_bucket(Bucket=f"paged-bucket-{index}")
    first = s3.list_buckets(MaxBuckets=2, Prefix="paged-bucket-")
    assert [b["Name"] for b in first["Buckets"]] == ["paged-bucket-0", "paged-bucket-1"]
    rest = s3.list_buckets(MaxBuckets=2, Prefix="paged-bucket-",
                           ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == ["paged-bucket-2"]
    assert "ContinuationToken" not in rest


def test_error_document_shape(app, s3) -> None:
    status, headers, body = raw(app, "GET", "/no-such-bucket-here/key")
    assert status == 404
    assert headers["content-type"] == "application/xml"
    assert b"<Code>NoSuchBucket</Code>" in body and b"<RequestId>" in body
    assert b"<Message>The specified bucket does not exist</Message>" in body

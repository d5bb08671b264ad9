"""Behaviours checked against AWS by moto's aws_verified tests: retried completions,
GetObjectAttributes, what copies keep and drop, HeadBucket's content type."""

from __future__ import annotations

import hashlib
import os

import pytest
from botocore.exceptions import ClientError

MIB = 1024 * 1024


def test_completing_twice_answers_the_same(s3, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="twice")["UploadId"]
    first = s3.upload_part(Bucket=bucket, Key="twice", UploadId=upload_id, PartNumber=1,
                           Body=os.urandom(5 * MIB))["ETag"]
    second = s3.upload_part(Bucket=bucket, Key="twice", UploadId=upload_id, PartNumber=2,
                            Body=b"1")["ETag"]
    parts = {"Parts": [{"ETag": first, "PartNumber": 1}, {"ETag": second, "PartNumber": 2}]}
    done = s3.complete_multipart_upload(Bucket=bucket, Key="twice", UploadId=upload_id,
                                        MultipartUpload=parts)
    again = s3.complete_multipart_upload(Bucket=bucket, Key="twice", UploadId=upload_id,
                                         MultipartUpload=parts, IfNoneMatch="*")
    assert again["ETag"] == done["ETag"]
    with pytest.raises(ClientError) as error:
        s3.abort_multipart_upload(Bucket=bucket, Key="twice", UploadId=upload_id)
    assert error.value.response["Error"]["Code"] == "NoSuchUpload"


def test_get_object_attributes(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="plain", Body=b"some value", ChecksumAlgorithm="SHA256")
    plain = s3.get_object_attributes(Bucket=bucket, Key="plain", ObjectAttributes=[
        "ETag", "Checksum", "ObjectSize", "StorageClass", "ObjectParts"])
    assert plain["ETag"] == hashlib.md5(b"some value").hexdigest()
    assert plain["ObjectSize"] == 10 and plain["StorageClass"] == "STANDARD"
    assert plain["Checksum"]["ChecksumSHA256"] == "qz0H8xacy9DtbEtF3iFRn5+TjHLSQSSZiquUnOg7tRs="
    assert "ObjectParts" not in plain
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="parts")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="parts", UploadId=upload_id, PartNumber=n,
                            Body=b"p" * (5 * MIB if n == 1 else 7))["ETag"] for n in (1, 2)]
    s3.complete_multipart_upload(Bucket=bucket, Key="parts", UploadId=upload_id,
                                 MultipartUpload={"Parts": [
                                     {"ETag": etag, "PartNumber": n}
                                     for n, etag in enumerate(etags, start=1)]})
    parts = s3.get_object_attributes(Bucket=bucket, Key="parts", ObjectAttributes=[
        "ObjectParts"], MaxParts=1)["ObjectParts"]
    # A composite checksum is shown without its -<parts> suffix here (unlike HeadObject).
    s3.put_object(Bucket=bucket, Key="src", Body=b"some value")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="one",
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    copied = s3.upload_part_copy(Bucket=bucket, Key="one", UploadId=upload_id, PartNumber=1,
                                 CopySource={"Bucket": bucket, "Key": "src"})["CopyPartResult"]
    s3.complete_multipart_upload(Bucket=bucket, Key="one", UploadId=upload_id, MultipartUpload={
        "Parts": [{"ETag": copied["ETag"], "PartNumber": 1,
                   "ChecksumSHA256": copied["ChecksumSHA256"]}]})
    one = s3.get_object_attributes(Bucket=bucket, Key="one", ObjectAttributes=["Checksum"])
    assert one["Checksum"]["ChecksumSHA256"] == "DnKotDi4EtYGwNMDKmnR6SqH3bWVOlo2BC+tsz9rHqw="
    assert one["Checksum"]["ChecksumType"] == "COMPOSITE"
    assert parts["TotalPartsCount"] == 2 and parts["IsTruncated"] is True
    assert parts["Parts"] == [{"PartNumber": 1, "Size": 5 * MIB}]


def test_copies_drop_storage_class_and_take_new_redirects(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA",
                  WebsiteRedirectLocation="/old")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "ia"})
    head = s3.head_object(Bucket=bucket, Key="copy")
    assert "StorageClass" not in head and "WebsiteRedirectLocation" not in head
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "ia"},
                   WebsiteRedirectLocation="/new", ChecksumAlgorithm="SHA1")
    assert s3.get_object(Bucket=bucket, Key="copy")["WebsiteRedirectLocation"] == "/new"
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="thaw", CopySource={"Bucket": bucket, "Key": "cold"})
    assert error.value.response["Error"]["Code"] == "InvalidObjectState"


def test_copy_in_place_by_version(s3, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=bucket, Key="k", Body=b"old")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    copied = s3.copy_object(Bucket=bucket, Key="k",
                            CopySource={"Bucket": bucket, "Key": "k", "VersionId": version})
    assert copied["CopySourceVersionId"] == version
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"


def test_head_bucket_content_type_and_delete_marker_version(s3, bucket: str) -> None:
    headers = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == "application/xml"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="gone", Body=b"")
    marker = s3.delete_object(Bucket=bucket, Key="gone")["VersionId"]
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="gone")
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-version-id"] == marker


def test_global_endpoint_creates_buckets_in_the_constrained_region(s3) -> None:
    s3.create_bucket(Bucket="made-for-frankfurt",
                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    assert s3.get_bucket_location(Bucket="made-for-frankfurt")[
        "LocationConstraint"] == "eu-central-1"


def test_malformed_version_ids_are_invalid_arguments(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="file.txt", Body=b"")
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="file.txt", VersionId="noVersion")
    assert error.value.response["Error"]["Code"] == "400"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="file.txt", VersionId="noVersion")
    assert error.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as error:
        s3.delete_objects(Bucket="no-such-bucket-for-delete", Delete={"Objects": []})
    assert error.value.response["Error"]["Code"] == "MalformedXML"
    created = s3.create_bucket(Bucket="arn-check-bucket")
    assert created["BucketArn"] == "arn:aws:s3:::arn-check-bucket"


def test_archived_objects_need_a_restore(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="DEEP_ARCHIVE")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="cold")
    assert error.value.response["Error"]["Code"] == "InvalidObjectState"
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["Restore"].startswith('ongoing-request="false", expiry-date=')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.restore_object(Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert error.value.response["Error"]["Code"] == "InvalidObjectState"

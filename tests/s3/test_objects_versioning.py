"""Versioning: version ids, reads and deletes by version, delete markers, suspended buckets
(the null version) and ListObjectVersions pagination."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_versioning_state(s3, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_versions_and_delete_markers(s3, bucket: str) -> None:
    unversioned = s3.put_object(Bucket=bucket, Key="k", Body=b"0")
    assert "VersionId" not in unversioned
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"2")["VersionId"]
    assert v1 != v2
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"2" and got["VersionId"] == v2
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"1"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"0"
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k")
    assert code_of(error) == "NoSuchKey"
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"][
        "x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    listing = s3.list_object_versions(Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [
        (v2, False), (v1, False), ("null", False)]
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [
        (marker["VersionId"], True)]
    removed = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert removed["DeleteMarker"] is True
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"2"
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"1"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", VersionId=v2)
    assert code_of(error) == "NoSuchVersion"
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=bucket)
    assert code_of(error) == "BucketNotEmpty"


def test_suspended_bucket_writes_null_versions(s3, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"a")["VersionId"] == "null"
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"b")["VersionId"] == "null"
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [v["VersionId"] for v in versions] == ["null", kept]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"b"
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True and marker["VersionId"] == "null"
    listing = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listing["Versions"]] == [kept]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == ["null"]


def test_version_listing_pages(s3, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    made = []
    for key in ("a", "b"):
        for _ in range(3):
            made.append((key, s3.put_object(Bucket=bucket, Key=key, Body=b"x")["VersionId"]))
    expected = [("a", v) for k, v in reversed(made) if k == "a"] + [
        ("b", v) for k, v in reversed(made) if k == "b"]
    seen = []
    kwargs: dict = {}
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=2, **kwargs)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"],
                  "VersionIdMarker": page["NextVersionIdMarker"]}
    assert seen == expected


def test_delete_objects_with_versions(s3, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=bucket, Key="d", Body=b"x")["VersionId"]
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d"}]})
    (deleted,) = result["Deleted"]
    assert deleted["DeleteMarker"] is True and deleted["DeleteMarkerVersionId"]
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "d", "VersionId": version},
        {"Key": "d", "VersionId": deleted["DeleteMarkerVersionId"]}]})
    assert len(result["Deleted"]) == 2
    assert "Versions" not in s3.list_object_versions(Bucket=bucket)
    s3.delete_bucket(Bucket=bucket)

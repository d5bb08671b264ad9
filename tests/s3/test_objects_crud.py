"""Objects over the wire: put/get/head/delete, metadata and content headers, ranges,
conditional requests, copies, bulk deletes and tagging, judged by botocore's parsers."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tests.s3.s3_wire import raw


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def status_of(error: pytest.ExceptionInfo[ClientError]) -> int:
    return int(error.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_put_get_head_delete(s3, bucket: str) -> None:
    body = b"hello, fogbank"
    put = s3.put_object(Bucket=bucket, Key="dir/hello world.txt", Body=body)
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dir/hello world.txt")
    assert got["Body"].read() == body
    assert got["ContentLength"] == len(body)
    assert got["ContentType"] == "binary/octet-stream"
    assert got["AcceptRanges"] == "bytes"
    head = s3.head_object(Bucket=bucket, Key="dir/hello world.txt")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == put["ETag"]
    assert head["ResponseMetadata"]["HTTPHeaders"]["content-length"] == str(len(body))
    deleted = s3.delete_object(Bucket=bucket, Key="dir/hello world.txt")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="dir/hello world.txt")
    assert code_of(error) == "NoSuchKey"
    assert error.value.response["Error"]["Key"] == "dir/hello world.txt"
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="dir/hello world.txt")
    assert status_of(error) == 404
    assert s3.delete_object(Bucket=bucket, Key="never-was")["ResponseMetadata"][
        "HTTPStatusCode"] == 204


def test_empty_and_unicode_keys(s3, bucket: str) -> None:
    for key in ["empty", "ünïcødé/☃ key", "a+b=c&d", "x" * 1024]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b""
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="y" * 1025, Body=b"")
    assert code_of(error) == "KeyTooLongError"


def test_missing_bucket(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="no-such-bucket-for-put", Key="k", Body=b"data")
    assert code_of(error) == "NoSuchBucket"


def test_metadata_and_content_headers(s3, bucket: str) -> None:
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    s3.put_object(Bucket=bucket, Key="doc", Body=b"<p>x</p>", ContentType="text/html",
                  ContentDisposition='attachment; filename="x.html"', ContentEncoding="gzip",
                  CacheControl="max-age=60", ContentLanguage="en", Expires=expires,
                  Metadata={"Color": "blue", "n": "1"}, StorageClass="STANDARD_IA")
    head = s3.head_object(Bucket=bucket, Key="doc")
    assert head["ContentType"] == "text/html"
    assert head["ContentDisposition"] == 'attachment; filename="x.html"'
    assert head["ContentEncoding"] == "gzip"
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentLanguage"] == "en"
    assert head["Expires"] == expires
    assert head["Metadata"] == {"color": "blue", "n": "1"}
    assert head["StorageClass"] == "STANDARD_IA"
    got = s3.get_object(Bucket=bucket, Key="doc", ResponseContentType="text/plain",
                        ResponseContentDisposition="inline", ResponseCacheControl="no-cache")
    assert got["ContentType"] == "text/plain"
    assert got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "no-cache"
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["StorageClass"] == "STANDARD_IA"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="doc", Body=b"", StorageClass="PLATINUM")
    assert code_of(error) == "InvalidStorageClass"


@pytest.mark.parametrize("header,expected", [
    ("bytes=0-3", (b"0123", "bytes 0-3/10")),
    ("bytes=7-", (b"789", "bytes 7-9/10")),
    ("bytes=-2", (b"89", "bytes 8-9/10")),
    ("bytes=5-100", (b"56789", "bytes 5-9/10")),
    ("bytes=-20", (b"0123456789", "bytes 0-9/10")),
])
def test_ranges(s3, bucket: str, header: str, expected: tuple[bytes, str]) -> None:
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="digits", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (got["Body"].read(), got["ContentRange"]) == expected
    assert got["ContentLength"] == len(expected[0])


def test_unsatisfiable_and_ignored_ranges(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="digits", Range="bytes=10-")
    assert code_of(error) == "InvalidRange" and status_of(error) == 416
    assert error.value.response["Error"]["ActualObjectSize"] == "10"
    whole = s3.get_object(Bucket=bucket, Key="digits", Range="bytes=5-2")
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert whole["Body"].read() == b"0123456789"


def test_read_conditions(s3, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"v1")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"0000"')
    assert code_of(error) == "PreconditionFailed" and status_of(error) == 412
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert status_of(error) == 304
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="c", IfModifiedSince=modified)
    assert status_of(error) == 304
    earlier = modified - timedelta(seconds=5)
    assert s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=earlier)["Body"].read()
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=earlier)
    assert status_of(error) == 412
    # A passing If-Match wins over a failing If-Unmodified-Since (RFC 7232 order).
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag,
                         IfUnmodifiedSince=earlier)["Body"].read() == b"v1"
    # A passing If-None-Match makes If-Modified-Since irrelevant.
    assert s3.get_object(Bucket=bucket, Key="c", IfNoneMatch='"other"',
                         IfModifiedSince=modified)["Body"].read() == b"v1"


def test_not_modified_has_no_body(app, s3, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="n", Body=b"x")["ETag"]
    status, headers, body = raw(app, "GET", f"/{bucket}/n", headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["etag"] == etag


def test_conditional_writes(s3, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="w", Body=b"1", IfNoneMatch="*")["ETag"]
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="w", Body=b"2", IfNoneMatch="*")
    assert code_of(error) == "PreconditionFailed"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="w", Body=b"2", IfMatch='"abc"')
    assert code_of(error) == "PreconditionFailed"
    s3.put_object(Bucket=bucket, Key="w", Body=b"2", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="w")["Body"].read() == b"2"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="absent", Body=b"2", IfMatch=etag)
    assert code_of(error) == "NoSuchKey"


def test_copy_object(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src/ä b.txt", Body=b"payload", ContentType="text/plain",
                  Metadata={"a": "1"}, Tagging="t=1")
    copied = s3.copy_object(Bucket=bucket, Key="copy",
                            CopySource={"Bucket": bucket, "Key": "src/ä b.txt"})
    assert copied["CopyObjectResult"]["ETag"] == s3.head_object(Bucket=bucket,
                                                                Key="src/ä b.txt")["ETag"]
    head = s3.head_object(Bucket=bucket, Key="copy")
    assert head["ContentType"] == "text/plain" and head["Metadata"] == {"a": "1"}
    assert s3.get_object_tagging(Bucket=bucket, Key="copy")["TagSet"] == [
        {"Key": "t", "Value": "1"}]
    s3.copy_object(Bucket=bucket, Key="replaced", CopySource=f"{bucket}/src/ä b.txt",
                   MetadataDirective="REPLACE", Metadata={"b": "2"}, ContentType="x/y")
    head = s3.head_object(Bucket=bucket, Key="replaced")
    assert head["Metadata"] == {"b": "2"} and head["ContentType"] == "x/y"
    assert s3.get_object(Bucket=bucket, Key="replaced")["Body"].read() == b"payload"
    # Deleting the source leaves the copy intact (bodies are shared, never modified).
    s3.delete_object(Bucket=bucket, Key="src/ä b.txt")
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"payload"
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "copy"})
    assert code_of(error) == "InvalidRequest"
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "copy"},
                   MetadataDirective="REPLACE", Metadata={"c": "3"})
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "gone"})
    assert code_of(error) == "NoSuchKey"


def test_copy_source_conditions(s3, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="s", Body=b"1")["ETag"]
    source = {"Bucket": bucket, "Key": "s"}
    s3.copy_object(Bucket=bucket, Key="d", CopySource=source, CopySourceIfMatch=etag)
    for condition in ({"CopySourceIfMatch": '"nope"'}, {"CopySourceIfNoneMatch": etag},
                      {"CopySourceIfModifiedSince": datetime(2100, 1, 1, tzinfo=UTC)},
                      {"CopySourceIfUnmodifiedSince": datetime(2000, 1, 1, tzinfo=UTC)}):
        with pytest.raises(ClientError) as error:
            s3.copy_object(Bucket=bucket, Key="d", CopySource=source, **condition)
        assert code_of(error) == "PreconditionFailed", condition


def test_delete_objects(s3, bucket: str) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a"}, {"Key": "b"}, {"Key": "missing"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "missing"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_object_tagging(s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="env=prod&team=a%20b")
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"env": "prod", "team": "a b"}
    s3.put_object_tagging(Bucket=bucket, Key="t",
                          Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "only", "Value": "one"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="t")
    with pytest.raises(ClientError) as error:
        s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [
            {"Key": f"k{i}", "Value": "v"} for i in range(11)]})
    assert code_of(error) == "BadRequest"
    assert error.value.response["Error"]["Message"] == "Object tags cannot be greater than 10"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="aws:system=1")
    assert code_of(error) == "InvalidTag"
    assert error.value.response["Error"]["Message"] == "Your TagKey cannot be prefixed with aws:"
    with pytest.raises(ClientError) as error:
        s3.get_object_tagging(Bucket=bucket, Key="nope")
    assert code_of(error) == "NoSuchKey"


def test_large_object_streams_back(s3, bucket: str) -> None:
    body = bytes(range(256)) * (12 * 1024)  # 3 MiB: above the inline threshold
    s3.put_object(Bucket=bucket, Key="big", Body=body)
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == body
    part = s3.get_object(Bucket=bucket, Key="big", Range="bytes=1048570-2097160")
    assert part["Body"].read() == body[1048570:2097161]


def test_concurrent_overwrites_leave_one_whole_body(app, s3, bucket: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    bodies = [bytes([index]) * (64 * 1024 + index) for index in range(24)]

    def put(body: bytes) -> str:
        return str(s3.put_object(Bucket=bucket, Key="contended", Body=body)["ETag"])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, bodies))
    final = s3.get_object(Bucket=bucket, Key="contended")["Body"].read()
    assert final in bodies
    body_files = app.cloud.config.state_dir / "s3" / "bodies"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # replaced bodies are unlinked off the request path
        stored = {p.read_bytes() for p in body_files.rglob("*") if p.is_file()}
        if final in stored and not (stored & (set(bodies) - {final})):
            break
        time.sleep(0.05)
    assert final in stored
    assert not stored & (set(bodies) - {final})

"""S3 at the edge: virtual-hosted addressing by Host header, presigned URLs (expiry on the
injected clock), streamed uploads and downloads, HEAD lengths, and S3's hooks for CORS
preflight and website hosts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.config import Config

from fogbank.core.clock import ManualClock
from fogbank.testing import RunningApp, run_app
from tests.s3.s3_wire import APPS, raw


def test_virtual_hosted_addressing(app, s3, bucket: str) -> None:
    host = f"{bucket}.s3.localhost.localstack.cloud"
    status, _, body = raw(app, "PUT", "/dir/v.txt", body=b"virtual", headers={"Host": host})
    assert status == 200, body
    assert s3.get_object(Bucket=bucket, Key="dir/v.txt")["Body"].read() == b"virtual"
    status, headers, body = raw(app, "GET", "/dir/v.txt", headers={"Host": host})
    assert (status, body) == (200, b"virtual")
    assert headers["etag"]
    status, _, body = raw(app, "GET", "/?list-type=2", headers={"Host": f"{bucket}.s3.localhost"})
    assert status == 200 and b"<Key>dir/v.txt</Key>" in body
    status, _, body = raw(app, "GET", "/missing", headers={"Host": host})
    assert status == 404 and b"<Code>NoSuchKey</Code>" in body


def test_head_reports_the_object_length(app, s3, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="sized", Body=b"x" * 12345)
    status, headers, body = raw(app, "HEAD", f"/{bucket}/sized")
    assert (status, headers["content-length"], body) == (200, "12345", b"")
    status, headers, body = raw(app, "HEAD", f"/{bucket}/nope")
    assert (status, body) == (404, b"")


def test_presigned_get_and_put(s3, bucket: str) -> None:
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "p"},
                                        ExpiresIn=300)
    assert requests.put(put_url, data=b"presigned body", timeout=30).status_code == 200
    with_metadata = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "m", "Metadata": {"venue": "123"}},
        ExpiresIn=300)
    assert requests.put(with_metadata, data=b"x", timeout=30).status_code == 200
    assert s3.head_object(Bucket=bucket, Key="m")["Metadata"] == {"venue": "123"}
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p"},
                                        ExpiresIn=300)
    answer = requests.get(get_url, timeout=30)
    assert answer.status_code == 200 and answer.content == b"presigned body"


def test_streamed_upload_larger_than_the_edge_buffer_limit(app, s3, bucket: str,
                                                           tmp_path: Path) -> None:
    # 70 MB in one PutObject: above the edge's 64 MB in-memory limit, so it must stream.
    source = tmp_path / "one.bin"
    with open(source, "wb") as out:
        out.truncate(70 * 1024 * 1024)
    with open(source, "rb") as body:
        s3.put_object(Bucket=bucket, Key="one", Body=body)
    head = s3.head_object(Bucket=bucket, Key="one")
    assert head["ContentLength"] == 70 * 1024 * 1024
    got = s3.get_object(Bucket=bucket, Key="one", Range="bytes=-5")
    assert got["Body"].read() == b"\0" * 5


def test_options_and_website_hosts_reach_the_bucket_config_hooks(app, bucket: str) -> None:
    # Without CORS or website configuration S3 refuses, in its own words (not a 501).
    status, _, body = raw(app, "OPTIONS", f"/{bucket}/k", headers={
        "Origin": "http://example.com", "Access-Control-Request-Method": "GET"})
    assert status == 403 and b"CORS" in body
    status, _, body = raw(app, "GET", "/", headers={
        "Host": f"{bucket}.s3-website-us-east-1.amazonaws.com"})
    assert status == 404 and b"NotImplemented" not in body
    status, _, body = raw(app, "OPTIONS", "/no-such-bucket-cors/k", headers={
        "Origin": "http://example.com", "Access-Control-Request-Method": "GET"})
    assert status == 404 and b"NoSuchBucket" in body


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, Any]]:
    clock = ManualClock(start=time.time())
    with run_app(APPS / "objects", state_dir=tmp_path_factory.mktemp("s3-clock"),
                 clock=clock) as running:
        yield running, clock


def test_presigned_url_expires_on_the_injected_clock(clocked) -> None:
    running, clock = clocked
    client = running.client("s3", config=Config(s3={"addressing_style": "path"}))
    client.create_bucket(Bucket="expiring")
    client.put_object(Bucket="expiring", Key="k", Body=b"soon gone")
    url = client.generate_presigned_url("get_object", Params={"Bucket": "expiring", "Key": "k"},
                                        ExpiresIn=60)
    assert requests.get(url, timeout=30).status_code == 200
    clock.advance(120)
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 403
    assert b"<Code>AccessDenied</Code>" in answer.content
    assert b"<Message>Request has expired</Message>" in answer.content


def test_presigned_post_form_upload(s3, bucket: str) -> None:
    post = s3.generate_presigned_post(
        bucket, "uploads/${filename}",
        Fields={"Content-Type": "text/plain", "x-amz-meta-origin": "form"},
        Conditions=[{"Content-Type": "text/plain"}, {"x-amz-meta-origin": "form"},
                    ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 100]],
        ExpiresIn=300)
    answer = requests.post(post["url"], data=post["fields"],
                           files={"file": ("note.txt", b"from a form")}, timeout=30)
    assert answer.status_code == 204, answer.content
    head = s3.head_object(Bucket=bucket, Key="uploads/note.txt")
    assert head["ContentType"] == "text/plain" and head["Metadata"] == {"origin": "form"}
    assert answer.headers["ETag"] == head["ETag"]
    created = requests.post(post["url"], data={**post["fields"], "success_action_status": "201"},
                            files={"file": ("second.txt", b"again")}, timeout=30)
    assert created.status_code == 201 and b"<Key>uploads/second.txt</Key>" in created.content
    too_big = requests.post(post["url"], data=post["fields"],
                            files={"file": ("big.txt", b"x" * 101)}, timeout=30)
    assert too_big.status_code == 400 and b"EntityTooLarge" in too_big.content


def test_presigned_post_policy_expires_on_the_injected_clock(clocked) -> None:
    running, clock = clocked
    client = running.client("s3", config=Config(s3={"addressing_style": "path"}))
    client.create_bucket(Bucket="expiring-posts")
    post = client.generate_presigned_post("expiring-posts", "k", ExpiresIn=3600)
    answer = requests.post(post["url"], data=post["fields"], files={"file": b"x"}, timeout=30)
    assert answer.status_code == 204
    clock.advance(7200)
    answer = requests.post(post["url"], data=post["fields"], files={"file": b"x"}, timeout=30)
    assert answer.status_code == 403
    assert b"Invalid according to Policy: Policy expired." in answer.content

"""REST details botocore round-trips do not reach: S3 virtual hosts and aws-chunked bodies,
status codes, header timestamps, result timestamp forms."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fogbank.protocol import HttpRequest, ProtocolLayer
from fogbank.protocol.aws_chunked import decode_aws_chunked


def test_s3_virtual_host_bucket(layer: ProtocolLayer) -> None:
    request = HttpRequest("GET", "/photos/cat.jpg",
                          headers={"host": "my-bucket.s3.localhost.localstack.cloud:4566"})
    assert layer.parse_request("s3", request) == (
        "GetObject", {"Bucket": "my-bucket", "Key": "photos/cat.jpg"})
    listing = HttpRequest("GET", "/", query_string="list-type=2&prefix=a%2Fb",
                          headers={"host": "my-bucket.s3.amazonaws.com"})
    assert layer.parse_request("s3", listing) == (
        "ListObjectsV2", {"Bucket": "my-bucket", "Prefix": "a/b"})


def test_s3_aws_chunked_upload(layer: ProtocolLayer) -> None:
    body = (b"5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n"
            b"0;chunk-signature=0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n")
    request = HttpRequest("PUT", "/bucket/greeting.txt", headers={
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "11"}, body=body)
    operation, params = layer.parse_request("s3", request)
    assert operation == "PutObject"
    assert params["Body"] == b"hello world"
    assert decode_aws_chunked(b"0\r\n\r\n") == b""


def test_s3_key_with_encoded_characters(layer: ProtocolLayer) -> None:
    request = HttpRequest("DELETE", "/bucket/dir/a%20b%2Bc%25.txt")
    assert layer.parse_request("s3", request) == (
        "DeleteObject", {"Bucket": "bucket", "Key": "dir/a b+c%.txt"})


def test_lambda_invoke_payload_and_status(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/2015-03-31/functions/my-fn/invocations",
                          query_string="Qualifier=live",
                          headers={"x-amz-invocation-type": "Event"}, body=b'{"a": 1}')
    assert layer.parse_request("lambda", request) == ("Invoke", {
        "FunctionName": "my-fn", "Qualifier": "live", "InvocationType": "Event",
        "Payload": b'{"a": 1}'})
    response = layer.serialize_result("lambda", "Invoke", {
        "StatusCode": 202, "Payload": b"", "ExecutedVersion": "$LATEST"}, "rid")
    assert response.status == 202
    assert response.header("X-Amz-Executed-Version") == "$LATEST"
    deleted = layer.serialize_result("lambda", "RemovePermission", {}, "rid")
    assert (deleted.status, deleted.body) == (204, b"")


def test_result_timestamps_in_any_form(layer: ProtocolLayer) -> None:
    moment = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    for value in (moment, moment.timestamp(), "2026-11-27T10:00:00Z"):
        response = layer.serialize_result("secretsmanager", "DescribeSecret",
                                          {"Name": "s", "CreatedDate": value}, "rid")
        assert json.loads(response.body)["CreatedDate"] == 1795773600
    xml = layer.serialize_result("sts", "GetSessionToken", {"Credentials": {
        "AccessKeyId": "AK", "SecretAccessKey": "s", "SessionToken": "t",
        "Expiration": moment}}, "rid")
    assert b"<Expiration>2026-11-27T10:00:00.000Z</Expiration>" in xml.body


def test_missing_required_query_member_still_finds_the_operation(layer: ProtocolLayer) -> None:
    request = HttpRequest("DELETE", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A0%3Afn")
    assert layer.parse_request("lambda", request) == (
        "UntagResource", {"Resource": "arn:aws:lambda:us-east-1:0:fn"})

"""Malformed requests get AWS-style 4xx errors and the edge keeps serving."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlparse

import pytest
import requests

from tests.conftest import APPS

SIGNED_LOGS = ("AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/logs/aws4_request, "
               "SignedHeaders=host, Signature=0")
SIGNED_STS = SIGNED_LOGS.replace("/logs/", "/sts/")
SIGNED_LAMBDA = SIGNED_LOGS.replace("/logs/", "/lambda/")


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(APPS / "minimal")


BAD_REQUESTS = [
    # (description, method, path, headers, body)
    ("malformed JSON", "POST", "/",
     {"X-Amz-Target": "Logs_20140328.DescribeLogGroups", "Authorization": SIGNED_LOGS,
      "Content-Type": "application/x-amz-json-1.1"}, b"{not json"),
    ("JSON array body", "POST", "/",
     {"X-Amz-Target": "Logs_20140328.DescribeLogGroups", "Authorization": SIGNED_LOGS,
      "Content-Type": "application/x-amz-json-1.1"}, b"[1, 2]"),
    ("unknown target", "POST", "/",
     {"X-Amz-Target": "Logs_20140328.NoSuchOperation", "Authorization": SIGNED_LOGS,
      "Content-Type": "application/x-amz-json-1.1"}, b"{}"),
    ("wrong member type", "POST", "/",
     {"X-Amz-Target": "Logs_20140328.DescribeLogGroups", "Authorization": SIGNED_LOGS,
      "Content-Type": "application/x-amz-json-1.1"}, b'{"limit": "many"}'),
    ("unknown query action", "POST", "/",
     {"Authorization": SIGNED_STS, "Content-Type": "application/x-www-form-urlencoded"},
     b"Action=StealEverything&Version=2011-06-15"),
    ("malformed form", "POST", "/",
     {"Authorization": SIGNED_STS, "Content-Type": "application/x-www-form-urlencoded"},
     b"%%%&&&==="),
    ("unknown rest path", "GET", "/2015-03-31/nothing-here/at-all",
     {"Authorization": SIGNED_LAMBDA}, b""),
    ("invoke with invalid JSON payload", "POST", "/2015-03-31/functions/missing/invocations",
     {"Authorization": SIGNED_LAMBDA}, b"{{{"),
    ("binary garbage", "POST", "/",
     {"X-Amz-Target": "Logs_20140328.PutLogEvents", "Authorization": SIGNED_LOGS},
     bytes(range(256))),
]


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=[case[0] for case in BAD_REQUESTS])
def test_malformed_request_gets_aws_style_4xx(fogbank_app, case):
    _, method, path, headers, body = case
    reply = requests.request(method, fogbank_app.edge_url + path, headers=headers, data=body,
                             timeout=10)
    assert 400 <= reply.status_code < 500, reply.text
    assert reply.headers.get("x-amzn-RequestId") or reply.headers.get("x-amz-request-id")
    text = reply.text
    assert text  # an error document, not an empty reply
    if reply.headers.get("Content-Type", "").startswith("application/x-amz-json"):
        assert "__type" in json.loads(text)


def test_declared_oversized_body_is_refused_without_reading_it(fogbank_app):
    url = urlparse(fogbank_app.edge_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 999999999\r\n"
                     b"X-Amz-Target: Logs_20140328.DescribeLogGroups\r\n\r\n{}")
        reply = conn.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")


def test_unimplemented_operation_is_a_clear_501(fogbank_app):
    reply = requests.post(fogbank_app.edge_url + "/", headers={
        "X-Amz-Target": "Logs_20140328.StartLiveTail", "Authorization": SIGNED_LOGS,
        "Content-Type": "application/x-amz-json-1.1"}, data=b"{}", timeout=10)
    assert reply.status_code == 501
    body = reply.json()
    assert "StartLiveTail" in body["message"] and "logs" in body["message"]


def test_edge_keeps_serving_after_a_barrage(fogbank_app):
    for _, method, path, headers, body in BAD_REQUESTS * 3:
        requests.request(method, fogbank_app.edge_url + path, headers=headers, data=body,
                         timeout=10)
    groups = fogbank_app.client("logs").describe_log_groups()["logGroups"]
    assert any(group["retentionInDays"] == 7 for group in groups)

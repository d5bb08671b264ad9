"""CORS preflight and actual-request headers, as S3 answers them."""

from __future__ import annotations

import asyncio
from xml.etree import ElementTree

import pytest

from fogbank.protocol.http import HttpRequest
from fogbank.services.s3.config.cors import wildcard_match
from tests.s3.config_fakes import make_provider, rctx

RULES = {"CORSRules": [
    {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
     "AllowedHeaders": ["x-amz-*", "Content-Type"], "ExposeHeaders": ["ETag", "x-amz-meta-a"],
     "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]}]}


@pytest.fixture
def s3(tmp_path):
    provider = make_provider(tmp_path)[0]
    provider.put_bucket_cors(rctx(), bucket="photos", cors_configuration=RULES)
    return provider


def preflight(s3, origin: str | None, method: str | None, headers: str | None = None,
              bucket: str = "photos"):
    request_headers = {"host": "localhost"}
    if origin:
        request_headers["origin"] = origin
    if method:
        request_headers["access-control-request-method"] = method
    if headers:
        request_headers["access-control-request-headers"] = headers
    request = HttpRequest("OPTIONS", f"/{bucket}/key.txt", headers=request_headers)
    return asyncio.run(s3.cors_preflight(bucket, request))


def error_code(response) -> tuple[str, str]:
    root = ElementTree.fromstring(response.body)
    return root.findtext("Code") or "", root.findtext("Message") or ""


def test_preflight_allowed_with_wildcard_origin_and_headers(s3) -> None:
    response = preflight(s3, "https://app.example.com", "PUT", "X-Amz-Date, content-type")
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == "https://app.example.com"
    assert response.header("Access-Control-Allow-Methods") == "GET, PUT"
    assert response.header("Access-Control-Allow-Headers") == "x-amz-date, content-type"
    assert response.header("Access-Control-Max-Age") == "600"
    assert response.header("Access-Control-Expose-Headers") == "ETag, x-amz-meta-a"
    assert response.header("Access-Control-Allow-Credentials") == "true"
    assert response.header("Vary") == \
        "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"


def test_preflight_falls_through_to_star_rule(s3) -> None:
    response = preflight(s3, "http://other.test", "HEAD")
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert response.header("Access-Control-Allow-Credentials") is None


@pytest.mark.parametrize(("origin", "method", "headers"), [
    ("https://app.example.com", "DELETE", None),
    ("https://app.example.com", "PUT", "authorization"),
    ("http://other.test", "PUT", None),
])
def test_preflight_refused(s3, origin, method, headers) -> None:
    response = preflight(s3, origin, method, headers)
    assert response.status == 403
    code, message = error_code(response)
    assert code == "AccessForbidden"
    assert message.startswith("CORSResponse: This CORS request is not allowed.")
    root = ElementTree.fromstring(response.body)
    assert root.findtext("Method") == method and root.findtext("ResourceType") == "OBJECT"


def test_preflight_without_configuration_or_origin(tmp_path, s3) -> None:
    bare = make_provider(tmp_path / "bare")[0]
    response = preflight(bare, "http://a.test", "GET")
    assert (response.status, error_code(response)) == (
        403, ("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."))
    response = preflight(s3, None, "GET")
    assert (response.status, error_code(response)[0]) == (400, "BadRequest")
    assert preflight(s3, "http://a.test", "GET", bucket="nope").status == 404


def test_actual_request_headers(s3) -> None:
    request = HttpRequest("GET", "/photos/a", headers={"origin": "https://x.example.com"})
    headers = s3.cors_response_headers("photos", request)
    assert headers["Access-Control-Allow-Origin"] == "https://x.example.com"
    assert headers["Vary"].startswith("Origin")
    assert headers["Access-Control-Expose-Headers"] == "ETag, x-amz-meta-a"
    assert s3.cors_response_headers("photos", HttpRequest("DELETE", "/photos/a", headers={
        "origin": "https://x.example.com"})) == {}
    assert s3.cors_response_headers("photos", HttpRequest("GET", "/photos/a")) == {}


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("*", "anything", True), ("https://*.a.com", "https://b.a.com", True),
    ("https://*.a.com", "http://b.a.com", False), ("http://a.com", "http://a.com", True),
    ("http://[a].com", "http://[a].com", True), ("http://a?.com", "http://ab.com", False)])
def test_wildcards(pattern, value, expected) -> None:
    assert wildcard_match(pattern, value) is expected

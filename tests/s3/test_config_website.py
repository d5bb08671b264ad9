"""The website endpoint: index documents, folder redirects, routing rules, error pages."""

from __future__ import annotations

import asyncio

import pytest

from fogbank.protocol.http import HttpRequest
from tests.s3.config_fakes import make_provider, rctx

HOST = "photos.s3-website.localhost:4566"


@pytest.fixture
def s3(tmp_path):
    provider = make_provider(tmp_path)[0]
    provider.objects.update({
        ("photos", "index.html"): b"home", ("photos", "docs/index.html"): b"docs home",
        ("photos", "a.css"): b"css", ("photos", "oops.html"): b"custom 404"})
    provider.put_bucket_website(rctx(), bucket="photos", website_configuration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "oops.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "old/"},
             "Redirect": {"ReplaceKeyPrefixWith": "new/", "HttpRedirectCode": "302"}},
            {"Condition": {"HttpErrorCodeReturnedEquals": "404", "KeyPrefixEquals": "img/"},
             "Redirect": {"HostName": "cdn.example.com", "Protocol": "https",
                          "ReplaceKeyWith": "missing.png"}}]})
    return provider


def get(s3, path: str, method: str = "GET", host: str = HOST, bucket: str = "photos"):
    return asyncio.run(s3.serve_website(bucket, HttpRequest(method, path,
                                                            headers={"host": host})))


def test_index_documents(s3) -> None:
    assert get(s3, "/").body == b"home"
    assert get(s3, "/docs/").body == b"docs home"
    assert get(s3, "/a.css").body == b"css"
    assert get(s3, "/photos/docs/", host="s3-website.localhost").body == b"docs home"


def test_folder_without_slash_redirects(s3) -> None:
    response = get(s3, "/docs")
    assert (response.status, response.header("Location")) == (302, "/docs/")


def test_routing_rules(s3) -> None:
    response = get(s3, "/old/page.html")
    assert (response.status, response.header("Location")) == (
        302, f"http://{HOST}/new/page.html")
    response = get(s3, "/img/cat.png")
    assert (response.status, response.header("Location")) == (
        301, "https://cdn.example.com/missing.png")


def test_error_document_and_html_404(s3, tmp_path) -> None:
    response = get(s3, "/nope.html")
    assert (response.status, response.body) == (404, b"custom 404")
    del s3.objects[("photos", "oops.html")]
    response = get(s3, "/nope.html")
    text = response.body.decode()
    assert response.status == 404 and response.header("Content-Type").startswith("text/html")
    assert "<h1>404 Not Found</h1>" in text and "<li>Code: NoSuchKey</li>" in text
    assert "<li>Key: nope.html</li>" in text
    assert "An Error Occurred While Attempting to Retrieve a Custom Error Document" in text
    head = get(s3, "/nope.html", method="HEAD")
    assert head.status == 404 and head.body == b""


def test_unconfigured_and_missing_bucket(s3, tmp_path) -> None:
    s3.delete_bucket_website(rctx(), bucket="photos")
    response = get(s3, "/")
    assert response.status == 404
    assert "<li>Code: NoSuchWebsiteConfiguration</li>" in response.body.decode()
    assert "<li>BucketName: photos</li>" in response.body.decode()
    assert "NoSuchBucket" in get(s3, "/", bucket="gone").body.decode()
    assert get(s3, "/", method="POST").status == 405


def test_redirect_all_requests(s3) -> None:
    s3.put_bucket_website(rctx(), bucket="photos", website_configuration={
        "RedirectAllRequestsTo": {"HostName": "www.example.com"}})
    response = get(s3, "/a/b.html")
    assert (response.status, response.header("Location")) == (
        301, "http://www.example.com/a/b.html")

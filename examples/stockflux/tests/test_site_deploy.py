"""Custom::SiteDeployment: the URLs it derives, the files it uploads (with Content-Types), and
its whole life cycle through CloudFormation — create, update in place (stale objects go),
replacement by a new bucket (the old one is emptied, so CloudFormation can delete it), stack
deletion, and a failure that still answers the ResponseURL."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from examples.stockflux.tests.site_support import (
    SITE_DEPLOY,
    load_site_deploy,
    site_only_app,
    website_host,
)

site_app, site_urls = load_site_deploy()


# URLs
def test_api_url_on_aws_and_locally():
    assert site_urls.api_base_url("abc", "eu-west-2") == \
        "https://abc.execute-api.eu-west-2.amazonaws.com"
    assert site_urls.api_base_url("abc", "eu-west-2", "prod") == \
        "https://abc.execute-api.eu-west-2.amazonaws.com/prod"
    assert site_urls.api_base_url("abc", "us-east-1", "$default", "http://127.0.0.1:4566") == \
        "http://abc.execute-api.localhost:4566"
    assert site_urls.api_base_url("abc", "us-east-1", "dev", "http://localhost:4566/") == \
        "http://abc.execute-api.localhost:4566/dev"
    # an edge on another host: by path, which the edge serves for every API and stage
    assert site_urls.api_base_url("abc", "us-east-1", "$default", "http://cloud.lan:4566") == \
        "http://cloud.lan:4566/_aws/execute-api/abc/$default"


def test_website_url_on_aws_and_locally():
    aws = "http://b.s3-website-us-east-1.amazonaws.com"
    assert site_urls.website_url("b", aws) == aws + "/"
    assert site_urls.website_url("b", aws, "http://127.0.0.1:4566") == \
        "http://b.s3-website.localhost:4566/"
    assert site_urls.website_url("b", aws, "http://cloud.lan:4566") == \
        "http://cloud.lan:4566/b/index.html"


def test_bundle_and_content_types():
    files = site_app.site_files()
    assert {"index.html", "app.js", "chart.js", "style.css"} <= set(files)
    assert "config.json" not in files
    assert site_app.content_type("index.html") == "text/html; charset=utf-8"
    assert site_app.content_type("app.js") == "text/javascript; charset=utf-8"
    assert site_app.content_type("style.css") == "text/css; charset=utf-8"
    assert site_app.content_type("config.json") == "application/json"
    assert site_app.content_type("data.bin") == "application/octet-stream"


def test_page_uses_no_remote_resources():
    """Offline: every script and stylesheet is a relative path inside the bucket."""
    html = (SITE_DEPLOY / "site" / "index.html").read_text()
    assert "//" not in html  # no http://, https:// nor protocol-relative URLs


# The life cycle through CloudFormation
def _objects(app: Any, bucket: str) -> dict[str, str]:
    s3 = app.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.head_object(Bucket=bucket, Key=key)["ContentType"] for key in keys}


def _get(app: Any, url: str, path: str = "") -> requests.Response:
    return requests.get(f"{app.edge_url}/{path}", headers={"Host": website_host(url)},
                        timeout=30)


def test_create_update_replace_delete(tmp_path: Path, fogbank_run):
    template = site_only_app(tmp_path / "site")
    app = fogbank_run(template, parameters={"BucketName": "stockflux-site-one"})
    assert app.stack.status == "CREATE_COMPLETE", app.failure_reasons()
    port = app.edge_url.rsplit(":", 1)[1]
    assert app.stack.outputs == {
        "WebsiteUrl": f"http://stockflux-site-one.s3-website.localhost:{port}/",
        "ApiUrl": f"http://abc123defg.execute-api.localhost:{port}",
    }
    objects = _objects(app, "stockflux-site-one")
    assert objects == {"index.html": "text/html; charset=utf-8",
                       "app.js": "text/javascript; charset=utf-8",
                       "chart.js": "text/javascript; charset=utf-8",
                       "style.css": "text/css; charset=utf-8",
                       "favicon.svg": "image/svg+xml",
                       "config.json": "application/json"}
    url = app.stack.outputs["WebsiteUrl"]
    index = _get(app, url)
    assert index.status_code == 200 and "<title>StockFlux</title>" in index.text
    assert _get(app, url, "config.json").json() == {
        "apiBaseUrl": f"http://abc123defg.execute-api.localhost:{port}"}
    missing = _get(app, url, "no/such/page")  # the error document is the page itself
    assert missing.status_code == 404 and "<title>StockFlux</title>" in missing.text

    # update in place: a new stage reaches config.json; objects not in the bundle go
    app.client("s3").put_object(Bucket="stockflux-site-one", Key="old-bundle.js", Body=b"1")
    stack = app.redeploy({"BucketName": "stockflux-site-one", "Stage": "v2"})
    assert stack.status == "UPDATE_COMPLETE", app.failure_reasons()
    assert _get(app, url, "config.json").json()["apiBaseUrl"].endswith(":" + port + "/v2")
    assert "old-bundle.js" not in _objects(app, "stockflux-site-one")

    # a new bucket replaces the deployment; the old bucket is emptied, so it can be deleted
    stack = app.redeploy({"BucketName": "stockflux-site-two", "Stage": "v2"})
    assert stack.status == "UPDATE_COMPLETE", app.failure_reasons()
    buckets = {b["Name"] for b in app.client("s3").list_buckets()["Buckets"]}
    assert "stockflux-site-two" in buckets and "stockflux-site-one" not in buckets
    assert set(_objects(app, "stockflux-site-two")) >= {"index.html", "config.json"}
    assert stack.outputs["WebsiteUrl"].startswith("http://stockflux-site-two.s3-website.")

    # deleting the stack empties the bucket first (a non-empty bucket cannot be deleted)
    cloudformation = app.client("cloudformation")
    cloudformation.delete_stack(StackName=app.stack.stack_name)
    cloudformation.get_waiter("stack_delete_complete").wait(
        StackName=app.stack.stack_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    buckets = {b["Name"] for b in app.client("s3").list_buckets()["Buckets"]}
    assert "stockflux-site-two" not in buckets


# The ResponseURL is always answered
class _Recorder(http.server.BaseHTTPRequestHandler):
    bodies: list[dict[str, Any]] = []

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def response_url():
    recorder = type("Recorder", (_Recorder,), {"bodies": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/response", recorder.bodies
    server.shutdown()
    server.server_close()


class _Context:
    function_name = "site-deploy"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:site-deploy"
    aws_request_id = "req-1"


def _event(url: str, request_type: str, properties: dict[str, Any],
           physical_id: str | None = None) -> dict[str, Any]:
    event = {"RequestType": request_type, "ResponseURL": url, "StackId": "stack-1",
             "RequestId": "r-1", "LogicalResourceId": "SiteDeployment",
             "ResourceType": "Custom::SiteDeployment",
             "ResourceProperties": {"ServiceToken": "arn", **properties}}
    if physical_id:
        event["PhysicalResourceId"] = physical_id
    return event


def test_failures_answer_failed_with_the_reason(response_url, monkeypatch):
    url, bodies = response_url
    monkeypatch.setattr(site_app, "_s3", lambda: object())
    site_app.lambda_handler(_event(url, "Create", {"ApiId": "abc"}), _Context())
    assert bodies[-1]["Status"] == "FAILED"
    assert "BucketName is required" in bodies[-1]["Reason"]
    assert bodies[-1]["RequestId"] == "r-1" and bodies[-1]["StackId"] == "stack-1"

    class Broken:
        def put_object(self, **_: Any) -> None:
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(site_app, "_s3", lambda: Broken())
    site_app.lambda_handler(_event(url, "Create", {"ApiId": "abc", "BucketName": "b"}),
                            _Context())
    assert bodies[-1]["Status"] == "FAILED" and "disk on fire" in bodies[-1]["Reason"]
    # the rollback's Delete then knows which bucket to empty
    assert bodies[-1]["PhysicalResourceId"] == "s3://b"


def test_delete_of_a_deployment_that_never_was_succeeds(response_url, monkeypatch):
    url, bodies = response_url
    monkeypatch.setattr(site_app, "_s3", lambda: object())
    site_app.lambda_handler(_event(url, "Delete", {}, physical_id="SiteDeployment"), _Context())
    assert bodies[-1]["Status"] == "SUCCESS"
    assert bodies[-1]["PhysicalResourceId"] == "SiteDeployment"

"""Custom::SiteDeployment — publishes the static front end (``site/``) into the website bucket.

CloudFormation sends Create/Update/Delete with the properties ``BucketName``, ``ApiId``,
``Region``, ``Stage`` and ``WebsiteURL`` (the bucket's ``WebsiteURL`` attribute). The
function uploads every file of ``site/`` with its Content-Type, writes ``config.json``
(``{"apiBaseUrl": ...}``, read by the page at start), and answers the ResponseURL with
``Data: {WebsiteUrl, ApiUrl}``. The deployment owns the bucket's contents: an update
removes objects the bundle no longer has; a delete empties the bucket (CloudFormation cannot
delete a bucket that still holds objects). A new ``BucketName`` is a replacement (new
physical id); CloudFormation then sends a Delete for the old bucket's deployment.

The ResponseURL is always answered — an exception becomes ``FAILED`` with its message, so a
stack never waits an hour for a custom resource that crashed.
"""

from __future__ import annotations

import json
import mimetypes
import os
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from urls import DEFAULT_STAGE, api_base_url, website_url

logger = Logger(service="stockflux-site")

SITE_DIR = Path(__file__).resolve().parent / "site"
CONFIG_KEY = "config.json"
PHYSICAL_PREFIX = "s3://"
RESPONSE_TIMEOUT_S = 10.0
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    return (_CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0]
            or "application/octet-stream")


def site_files(site_dir: Path = SITE_DIR) -> dict[str, Path]:
    """Object key → file, for every file of the bundle (``config.json`` is generated)."""
    files = {path.relative_to(site_dir).as_posix(): path
             for path in sorted(site_dir.rglob("*")) if path.is_file()}
    files.pop(CONFIG_KEY, None)
    return files


def _s3() -> Any:
    return boto3.client("s3")


def publish(s3: Any, bucket: str, config: dict[str, Any], site_dir: Path = SITE_DIR) -> list[str]:
    """Upload the bundle and ``config.json``; returns the keys written."""
    written = []
    for key, path in site_files(site_dir).items():
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(),
                      ContentType=content_type(key), CacheControl="no-cache")
        written.append(key)
    s3.put_object(Bucket=bucket, Key=CONFIG_KEY, Body=json.dumps(config, indent=2).encode(),
                  ContentType=content_type(CONFIG_KEY), CacheControl="no-store")
    written.append(CONFIG_KEY)
    return written


def remove_objects(s3: Any, bucket: str, keep: frozenset[str] = frozenset()) -> int:
    """Delete every object of ``bucket`` except ``keep``; a missing bucket has none."""
    removed = 0
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [item["Key"] for item in page.get("Contents", []) if item["Key"] not in keep]
            for start in range(0, len(keys), 1000):
                chunk = keys[start:start + 1000]
                result = s3.delete_objects(Bucket=bucket, Delete={
                    "Objects": [{"Key": key} for key in chunk], "Quiet": True})
                if result.get("Errors"):
                    first = result["Errors"][0]
                    raise RuntimeError(f"could not delete s3://{bucket}/{first.get('Key')}: "
                                       f"{first.get('Message')}")
                removed += len(chunk)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return removed
        raise
    return removed


def _required(properties: dict[str, Any], name: str) -> str:
    value = properties.get(name)
    if not value or not isinstance(value, str):
        raise ValueError(f"property {name} is required")
    return value


def deploy(request_type: str, properties: dict[str, Any], physical_id: str | None,
           s3: Any, endpoint_url: str | None) -> tuple[str, dict[str, str]]:
    """Carry out one request; returns (physical id, Data)."""
    if request_type == "Delete":
        if physical_id and physical_id.startswith(PHYSICAL_PREFIX):
            bucket = physical_id[len(PHYSICAL_PREFIX):]
            logger.info("emptying the website bucket", extra={"bucket": bucket,
                        "removed": remove_objects(s3, bucket)})
        return physical_id or "", {}
    if request_type not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request_type!r}")
    bucket = _required(properties, "BucketName")
    region = str(properties.get("Region") or os.environ.get("AWS_REGION") or "us-east-1")
    api_url = api_base_url(_required(properties, "ApiId"), region,
                           str(properties.get("Stage") or DEFAULT_STAGE), endpoint_url)
    page_url = website_url(bucket, str(properties.get("WebsiteURL") or
                                       f"http://{bucket}.s3-website-{region}.amazonaws.com"),
                           endpoint_url)
    written = publish(s3, bucket, {"apiBaseUrl": api_url})
    # Same bucket: objects of an older bundle go. New bucket: the old one is emptied by the
    # Delete CloudFormation sends for the old physical id.
    stale = remove_objects(s3, bucket, keep=frozenset(written)) if request_type == "Update" else 0
    logger.info("site published", extra={"bucket": bucket, "files": len(written),
                                          "stale_removed": stale, "api_url": api_url,
                                          "website_url": page_url})
    return PHYSICAL_PREFIX + bucket, {"WebsiteUrl": page_url, "ApiUrl": api_url}


def respond(event: dict[str, Any], status: str, physical_id: str, data: dict[str, str],
            reason: str = "") -> None:
    """PUT CloudFormation's answer to the pre-signed ResponseURL."""
    body = json.dumps({
        "Status": status,
        "Reason": (reason or "See the function's log stream")[:1000],
        "PhysicalResourceId": physical_id or event.get("LogicalResourceId", "SiteDeployment"),
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "Data": data,
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_S) as answer:
        answer.read()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> None:
    request_type = str(event.get("RequestType", ""))
    logger.info("custom resource request", extra={"request_type": request_type,
                                                  "logical_id": event.get("LogicalResourceId")})
    physical_id = str(event.get("PhysicalResourceId") or "")
    try:
        physical_id, data = deploy(request_type, dict(event.get("ResourceProperties") or {}),
                                   physical_id or None, _s3(),
                                   os.environ.get("AWS_ENDPOINT_URL"))
    except Exception as error:  # every failure must reach CloudFormation as FAILED
        logger.exception("site deployment failed")
        if not physical_id and request_type == "Create":
            bucket = (event.get("ResourceProperties") or {}).get("BucketName")
            physical_id = PHYSICAL_PREFIX + bucket if bucket else ""
        respond(event, "FAILED", physical_id, {}, f"{type(error).__name__}: {error}")
        return
    respond(event, "SUCCESS", physical_id, data)

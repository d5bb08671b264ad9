"""The documents S3 sends: notification records (``{"Records": [...]}``), the
``s3:TestEvent`` it sends when a configuration is saved, and EventBridge entries."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_KEY_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.*/")

# eventName (without "s3:") → EventBridge "reason" and detail-type
_EVENTBRIDGE: dict[str, tuple[str, str]] = {
    "ObjectCreated:Put": ("Object Created", "PutObject"),
    "ObjectCreated:Post": ("Object Created", "PostObject"),
    "ObjectCreated:Copy": ("Object Created", "CopyObject"),
    "ObjectCreated:CompleteMultipartUpload": ("Object Created", "CompleteMultipartUpload"),
    "ObjectRemoved:Delete": ("Object Deleted", "DeleteObject"),
    "ObjectRemoved:DeleteMarkerCreated": ("Object Deleted", "DeleteObject"),
    "ObjectTagging:Put": ("Object Tags Added", "PutObjectTagging"),
    "ObjectTagging:Delete": ("Object Tags Deleted", "DeleteObjectTagging"),
}


@dataclass(frozen=True)
class ObjectEvent:
    """One committed object change, with what the records need about its request."""

    bucket: str
    event_name: str  # without "s3:", e.g. "ObjectCreated:Put"
    key: str
    size: int | None
    etag: str | None
    version_id: str | None
    sequencer: str
    event_time_s: float
    region: str
    account_id: str
    request_id: str
    source_ip: str


def encode_key(key: str) -> str:
    """Keys as S3 writes them in notification records: form-URL-encoded (space → ``+``),
    ``/`` kept."""
    out: list[str] = []
    for char in key:
        if char in _KEY_SAFE:
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def host_id(request_id: str) -> str:
    """The ``x-amz-id-2`` S3 sends with a request id (as the response writer does)."""
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode()


def principal_id(account_id: str) -> str:
    """A stable canonical-looking principal id for the local account."""
    return "A" + hashlib.sha256(account_id.encode()).hexdigest()[:13].upper()


def iso_ms(epoch_s: float) -> str:
    moment = datetime.fromtimestamp(epoch_s, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def sequencer_text(value: int) -> str:
    return f"{value:018X}"


def notification_record(event: ObjectEvent, configuration_id: str) -> dict[str, Any]:
    s3_object: dict[str, Any] = {"key": encode_key(event.key)}
    if event.event_name.startswith("ObjectCreated") and event.size is not None:
        s3_object["size"] = event.size
    if event.etag and event.event_name.startswith(("ObjectCreated", "ObjectTagging")):
        s3_object["eTag"] = event.etag.strip('"')
    if event.version_id:
        s3_object["versionId"] = event.version_id
    s3_object["sequencer"] = event.sequencer
    principal = principal_id(event.account_id)
    return {
        "eventVersion": "2.1" if not event.event_name.startswith("ObjectTagging") else "2.3",
        "eventSource": "aws:s3",
        "awsRegion": event.region,
        "eventTime": iso_ms(event.event_time_s),
        "eventName": event.event_name,
        "userIdentity": {"principalId": f"AWS:{principal}"},
        "requestParameters": {"sourceIPAddress": event.source_ip},
        "responseElements": {"x-amz-request-id": event.request_id,
                             "x-amz-id-2": host_id(event.request_id)},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {"name": event.bucket, "ownerIdentity": {"principalId": principal},
                       "arn": f"arn:aws:s3:::{event.bucket}"},
            "object": s3_object,
        },
    }


def test_event(bucket: str, epoch_s: float, request_id: str) -> dict[str, Any]:
    return {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": iso_ms(epoch_s),
            "Bucket": bucket, "RequestId": request_id, "HostId": host_id(request_id)}


def eventbridge_entry(event: ObjectEvent) -> dict[str, Any] | None:
    """The PutEvents entry S3 sends to the default bus, or None for events EventBridge
    does not carry."""
    kinds = _EVENTBRIDGE.get(event.event_name)
    if kinds is None:
        return None
    detail_type, reason = kinds
    s3_object: dict[str, Any] = {"key": event.key}
    if event.size is not None and detail_type == "Object Created":
        s3_object["size"] = event.size
    if event.etag and detail_type != "Object Deleted":
        s3_object["etag"] = event.etag.strip('"')
    if event.version_id:
        s3_object["version-id"] = event.version_id
    s3_object["sequencer"] = event.sequencer
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": event.bucket},
        "object": s3_object,
        "request-id": event.request_id,
        "requester": event.account_id,
        "source-ip-address": event.source_ip,
        "reason": reason,
    }
    if event.event_name == "ObjectRemoved:Delete":
        detail["deletion-type"] = "Permanently Deleted"
    elif event.event_name == "ObjectRemoved:DeleteMarkerCreated":
        detail["deletion-type"] = "Delete Marker Created"
    return {
        "Source": "aws.s3",
        "DetailType": detail_type,
        "Detail": json.dumps(detail, separators=(",", ":")),
        "Resources": [f"arn:aws:s3:::{event.bucket}"],
        "EventBusName": "default",
        "Time": event.event_time_s,  # epoch seconds: the outbox stores plain JSON
    }

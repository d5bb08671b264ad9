"""Bucket operations: create, delete, head, list, location and versioning state."""

from __future__ import annotations

import base64
import ipaddress
import re
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.common import S3Base
from fogbank.services.s3.errors import (
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    InvalidArgument,
    InvalidBucketName,
    InvalidLocationConstraint,
    MalformedXML,
)
from fogbank.services.s3.store import Bucket

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
MAX_BUCKETS_PAGE = 10000


def valid_bucket_name(name: str) -> bool:
    """AWS's general-purpose bucket naming rules."""
    if not _BUCKET_NAME.match(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


class BucketOperations(S3Base):
    """Buckets and their versioning state (mixin of ``S3Provider``)."""

    @operation("CreateBucket")
    def create_bucket(self, ctx: RequestContext, *, bucket: str,
                      create_bucket_configuration: dict[str, Any] | None = None,
                      **_: Any) -> dict[str, Any]:
        if not valid_bucket_name(bucket):
            raise InvalidBucketName(fields={"BucketName": bucket})
        constraint = (create_bucket_configuration or {}).get("LocationConstraint")
        region = ctx.region
        if constraint is not None:
            if constraint == "us-east-1" and region == "us-east-1":
                raise InvalidLocationConstraint(fields={"LocationConstraint": constraint})
            if region == "us-east-1":
                region = "eu-west-1" if constraint == "EU" else constraint  # global endpoint
            elif constraint != region and not (constraint == "EU" and region == "eu-west-1"):
                raise IllegalLocationConstraintException(
                    f"The {constraint} location constraint is incompatible for the region "
                    "specific endpoint this request was sent to.")
        elif region != "us-east-1":
            raise IllegalLocationConstraintException(
                "The unspecified location constraint is incompatible for the region "
                "specific endpoint this request was sent to.")
        created = self.store.create_bucket(Bucket(bucket, region, self.ctx.clock.now(), ""))
        if not created:
            existing = self.require_bucket(bucket)
            # us-east-1 answers 200 to its owner re-creating a bucket there (legacy behaviour).
            if not (region == "us-east-1" and existing.region == "us-east-1"):
                raise BucketAlreadyOwnedByYou(fields={"BucketName": bucket})
        return {"Location": f"/{bucket}", "BucketArn": f"arn:aws:s3:::{bucket}"}

    @operation("DeleteBucket")
    def delete_bucket(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        if not self.store.bucket_is_empty(bucket):
            message = "The bucket you tried to delete is not empty"
            if target.versioning:
                message += ". You must delete all versions in the bucket."
            raise BucketNotEmpty(message, fields={"BucketName": bucket})
        self.files.remove(list(self.store.delete_bucket(bucket)))
        self.forget_bucket_config(bucket)
        return {}

    @operation("HeadBucket")
    def head_bucket(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        return {"BucketRegion": target.region, "AccessPointAlias": False,
                "BucketArn": f"arn:aws:s3:::{bucket}"}

    @operation("GetBucketLocation")
    def get_bucket_location(self, ctx: RequestContext, *, bucket: str,
                            **_: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        return {"LocationConstraint": None if target.region == "us-east-1" else target.region}

    @operation("ListBuckets")
    def list_buckets(self, ctx: RequestContext, *, max_buckets: int | None = None,
                     continuation_token: str | None = None, prefix: str | None = None,
                     bucket_region: str | None = None, **_: Any) -> dict[str, Any]:
        if max_buckets is not None and not 1 <= max_buckets <= MAX_BUCKETS_PAGE:
            raise InvalidArgument("Argument max-buckets must be an integer between 1 and "
                                  "10000", fields={"ArgumentName": "max-buckets"})
        after = _decode_token(continuation_token)
        chosen = [b for b in self.store.buckets()
                  if b.name > after and (not prefix or b.name.startswith(prefix))
                  and (not bucket_region or b.region == bucket_region)]
        limit = max_buckets or MAX_BUCKETS_PAGE
        page = chosen[:limit]
        result: dict[str, Any] = {
            "Buckets": [{"Name": b.name, "CreationDate": b.created, "BucketRegion": b.region}
                        for b in page],
            "Owner": self.owner(),
        }
        if prefix is not None:
            result["Prefix"] = prefix
        if len(chosen) > limit:
            result["ContinuationToken"] = base64.urlsafe_b64encode(
                page[-1].name.encode()).decode()
        return result

    @operation("PutBucketVersioning")
    def put_bucket_versioning(self, ctx: RequestContext, *, bucket: str,
                              versioning_configuration: dict[str, Any],
                              **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        status = versioning_configuration.get("Status")
        if status not in ("Enabled", "Suspended"):
            raise MalformedXML()
        self.store.set_versioning(bucket, status)
        return {}

    @operation("GetBucketVersioning")
    def get_bucket_versioning(self, ctx: RequestContext, *, bucket: str,
                              **_: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        return {"Status": target.versioning} if target.versioning else {}


def _decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument("The continuation token provided is incorrect",
                              fields={"ArgumentName": "continuation-token"}) from None

"""S3 errors of bucket configuration (codes and messages as S3 sends them). Codes shared
with the rest of S3 come from ``fogbank.services.s3.errors``."""

from __future__ import annotations

from fogbank.services.s3.errors import (
    InvalidArgument,
    InvalidRequest,
    InvalidTag,
    MalformedXML,
    NoSuchTagSet,
    S3Error,
)

__all__ = [
    "AccessForbidden", "BadRequest", "InvalidArgument", "InvalidRequest", "InvalidTag",
    "MalformedPolicy", "MalformedXML", "NoSuchBucketPolicy", "NoSuchCORSConfiguration",
    "NoSuchLifecycleConfiguration", "NoSuchTagSet", "NoSuchWebsiteConfiguration",
    "AccessControlListNotSupported", "MalformedACLError", "OwnershipControlsNotFoundError",
    "NoSuchPublicAccessBlockConfiguration",
]


class NoSuchCORSConfiguration(S3Error):
    status = 404
    default_message = "The CORS configuration does not exist"


class NoSuchBucketPolicy(S3Error):
    status = 404
    default_message = "The bucket policy does not exist"


class NoSuchWebsiteConfiguration(S3Error):
    status = 404
    default_message = "The specified bucket does not have a website configuration"


class NoSuchLifecycleConfiguration(S3Error):
    status = 404
    default_message = "The lifecycle configuration does not exist"


class MalformedPolicy(S3Error):
    pass


class BadRequest(S3Error):
    pass


class AccessForbidden(S3Error):
    """A CORS preflight that no rule allows."""

    status = 403


class AccessControlListNotSupported(S3Error):
    pass


class MalformedACLError(S3Error):
    pass


class OwnershipControlsNotFoundError(S3Error):
    status = 404
    default_message = "The bucket ownership controls were not found"


class NoSuchPublicAccessBlockConfiguration(S3Error):
    status = 404
    default_message = "The public access block configuration was not found"

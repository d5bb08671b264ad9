"""S3 errors, named like their wire codes, with AWS's statuses and messages."""

from __future__ import annotations

from typing import Any

from fogbank.core.errors import ServiceError


class S3Error(ServiceError):
    """An S3 error whose default message is AWS's."""

    default_message = ""

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message if message is not None else self.default_message, **kwargs)


class NoSuchBucket(S3Error):
    status = 404
    default_message = "The specified bucket does not exist"


class NoSuchKey(S3Error):
    status = 404
    default_message = "The specified key does not exist."


class NoSuchVersion(S3Error):
    status = 404
    default_message = "The specified version does not exist."


class NoSuchUpload(S3Error):
    status = 404
    default_message = ("The specified upload does not exist. The upload ID may be invalid, "
                       "or the upload may have been aborted or completed.")


class NoSuchTagSet(S3Error):
    status = 404
    default_message = "The TagSet does not exist"


class BucketNotEmpty(S3Error):
    status = 409
    default_message = "The bucket you tried to delete is not empty"


class BucketAlreadyOwnedByYou(S3Error):
    status = 409
    default_message = ("Your previous request to create the named bucket succeeded and you "
                       "already own it.")


class InvalidBucketName(S3Error):
    default_message = "The specified bucket is not valid."


class InvalidLocationConstraint(S3Error):
    default_message = "The specified location-constraint is not valid"


class IllegalLocationConstraintException(S3Error):
    pass


class InvalidArgument(S3Error):
    pass


class InvalidRequest(S3Error):
    pass


class InvalidPart(S3Error):
    default_message = ("One or more of the specified parts could not be found.  The part may "
                       "not have been uploaded, or the specified entity tag may not match the "
                       "part's entity tag.")


class InvalidPartOrder(S3Error):
    default_message = ("The list of parts was not in ascending order. Parts must be ordered "
                       "by part number.")


class EntityTooSmall(S3Error):
    default_message = "Your proposed upload is smaller than the minimum allowed object size."


class EntityTooLarge(S3Error):
    default_message = "Your proposed upload exceeds the maximum allowed size"


class MalformedXML(S3Error):
    default_message = ("The XML you provided was not well-formed or did not validate against "
                       "our published schema")


class PreconditionFailed(S3Error):
    status = 412
    default_message = "At least one of the pre-conditions you specified did not hold"


class NotModified(S3Error):
    """Sent as a bare 304 (the edge drops the body)."""

    status = 304
    default_message = "Not Modified"


class InvalidRange(S3Error):
    status = 416
    default_message = "The requested range is not satisfiable"


class BadDigest(S3Error):
    default_message = "The Content-MD5 you specified did not match what we received."


class InvalidDigest(S3Error):
    default_message = "The Content-MD5 you specified was invalid."


class XAmzContentSHA256Mismatch(S3Error):
    default_message = "The provided 'x-amz-content-sha256' header does not match what was computed."


class IncompleteBody(S3Error):
    default_message = ("You did not provide the number of bytes specified by the "
                       "Content-Length HTTP header")


class InvalidTag(S3Error):
    pass


class AccessDenied(S3Error):
    status = 403
    default_message = "Access Denied"


class MethodNotAllowed(S3Error):
    status = 405
    default_message = "The specified method is not allowed against this resource."


class InvalidObjectState(S3Error):
    status = 403


class KeyTooLongError(S3Error):
    default_message = "Your key is too long"


class InvalidStorageClass(S3Error):
    default_message = "The storage class you specified is not valid"

"""The S3 provider: buckets, objects, multipart uploads, versions and listings, plus the
bucket configuration mixin (``fogbank.services.s3.config``)."""

from __future__ import annotations

from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.protocol import serialize_error, serialize_result
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.request_parser import header_value
from fogbank.services.base import Provider, RequestContext, ServiceContext
from fogbank.services.s3.attributes import AttributeOperations
from fogbank.services.s3.buckets import BucketOperations
from fogbank.services.s3.config import BucketConfigOperations
from fogbank.services.s3.deletes import DeleteOperations
from fogbank.services.s3.errors import NoSuchKey
from fogbank.services.s3.listing import ListingOperations
from fogbank.services.s3.multipart import MultipartOperations
from fogbank.services.s3.restore import RestoreOperations
from fogbank.services.s3.tagging import TaggingOperations
from fogbank.services.s3.wire import WireHooks

_READ_HEADERS = {"if-match": "if_match", "if-none-match": "if_none_match",
                 "if-modified-since": "if_modified_since",
                 "if-unmodified-since": "if_unmodified_since", "range": "range"}


class S3Provider(MultipartOperations, DeleteOperations, TaggingOperations, RestoreOperations,
                 AttributeOperations,
                 ListingOperations, BucketOperations, WireHooks, BucketConfigOperations,
                 Provider):
    """Amazon S3: object data plane here, bucket configuration in ``config``.

    Records live in SQLite (``s3.db``), bodies in immutable files under ``bodies/``; uploads
    stream to ``tmp/`` and are renamed into place before the row commits, and
    large bodies stream back from their files.

    Deviations from AWS:
    - Signatures are not verified (SigV4 headers and presigned URLs alike), but the expiry
      of presigned URLs is enforced against the injected clock; ACLs, bucket policies,
      Object Lock, SSE-C/KMS, requester pays and directory buckets are not emulated
      (``x-amz-server-side-encryption: AES256`` is reported as S3's default).
    - Objects uploaded without a checksum get none (AWS computes a CRC64NVME by default).
      CRC32C and CRC64NVME are computed in pure Python (slow for large bodies).
    - GLACIER/DEEP_ARCHIVE objects answer InvalidObjectState to GetObject until restored;
      RestoreObject completes at once (any tier) and answers 200, never 202.
    - Unversioned re-creation of an existing bucket you own in us-east-1 answers 200 (AWS's
      legacy behaviour there); elsewhere BucketAlreadyOwnedByYou.
    - A bucket with multipart uploads in progress can be deleted (its uploads go with it).
    - Durability matches the record store's: an acknowledged write survives ``kill -9`` of
      fogbank (``tests/s3/test_kill_9.py``), not a power loss or an OS crash. Body bytes are
      handed to the kernel with ``os.write`` as they arrive (never fsync'd), the file is
      renamed into place, then the version row commits — in the same SQLite transaction as
      the outbox rows of its event notifications — and only then is the write answered.
      SQLite's WAL runs at synchronous=NORMAL.
    - CopyObject hard-links the source body (bodies never change) instead of copying bytes.
    - Browser-form POST uploads enforce the policy's expiration and content-length-range
      only; its other conditions and the signature are not checked.
    """

    service = "s3"

    def __init__(self, ctx: ServiceContext) -> None:
        self.setup_state(ctx)

    async def stop(self) -> None:
        await super().stop()  # bucket configuration stops its notification delivery first
        self.digest_pool.shutdown(wait=True)
        self.db.close()

    def object_response(self, bucket: str, key: str, request: HttpRequest
                        ) -> HttpResponse | None:
        """What GetObject would answer for ``key`` given the request's conditional and
        Range headers; None when the key does not exist (the website endpoint's helper)."""
        params: dict[str, Any] = {}
        model = _get_object_input_shapes()
        for header, name in _READ_HEADERS.items():
            text = request.headers.get(header)
            if text is not None:
                params[name] = header_value(text, model[name]) if name.startswith(
                    "if_modified") or name.startswith("if_unmodified") else text
        request_id = self.ctx.ids.uuid()
        try:
            result = self.read_object(bucket, key, params, with_body=request.method != "HEAD")
            response = serialize_result("s3", "GetObject", result, request_id)
        except NoSuchKey:
            return None
        except ServiceError as error:  # 304, 412, 416 … answered as GetObject would
            response = serialize_error("s3", "GetObject", error, request_id)
        self.finish_response(request, response)
        return response


def _get_object_input_shapes() -> dict[str, Any]:
    from fogbank.protocol import default_layer

    shape = default_layer().model("s3").operation_model("GetObject").input_shape
    return {"if_modified_since": shape.members["IfModifiedSince"],
            "if_unmodified_since": shape.members["IfUnmodifiedSince"]}


__all__ = ["RequestContext", "S3Provider"]

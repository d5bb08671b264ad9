"""State and helpers every part of the S3 provider shares: the store, body files, bucket
lookups, and spooling an upload body with its integrity checks (Content-MD5, flexible
checksums, ``x-amz-content-sha256``)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fogbank.core.db import Database
from fogbank.core.errors import CommonServiceError
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.s3.checksums import ALGORITHMS, header_name, param_name
from fogbank.services.s3.errors import (
    BadDigest,
    InvalidArgument,
    InvalidDigest,
    InvalidRequest,
    InvalidStorageClass,
    InvalidTag,
    NoSuchBucket,
    XAmzContentSHA256Mismatch,
)
from fogbank.services.s3.spool import Spooled, spool
from fogbank.services.s3.store import BodyFiles, Bucket, S3Store

if TYPE_CHECKING:
    from fogbank.services.s3.config.notifications import PendingEvent

DIGEST_THREADS = 2
OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
STORAGE_CLASSES = frozenset({
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"})


class S3Base:
    """What the S3 operation mixins share (``ctx``, ``db``, ``store``, ``files``)."""

    ctx: ServiceContext
    db: Database
    store: S3Store
    files: BodyFiles
    digest_pool: ThreadPoolExecutor

    if TYPE_CHECKING:  # provided by BucketConfigOperations (fogbank.services.s3.config)
        async def notify_object_event(self, ctx: Any, bucket: str, event_name: str, *,
                                      key: str, size: int | None = None,
                                      etag: str | None = None,
                                      version_id: str | None = None) -> None: ...

        def object_event(self, ctx: Any, bucket: str, event_name: str, *, key: str,
                         size: int | None = None, etag: str | None = None,
                         version_id: str | None = None) -> PendingEvent | None: ...

        async def deliver_object_event(self, pending: PendingEvent | None) -> None: ...

        def forget_bucket_config(self, bucket: str) -> None: ...

        def cors_response_headers(self, bucket: str, request: Any) -> dict[str, str]: ...

        async def cors_preflight(self, bucket: str, request: Any) -> Any: ...

        async def serve_website(self, bucket: str, request: Any) -> Any: ...

    def setup_state(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = Database(ctx.state_dir / "s3.db")
        self.store = S3Store(self.db)
        self.files = BodyFiles(ctx.state_dir)
        # Digests of upload bodies run here while the event loop receives the next bytes.
        self.digest_pool = ThreadPoolExecutor(max_workers=DIGEST_THREADS,
                                              thread_name_prefix="fogbank-s3-digest")

    def require_bucket(self, name: str) -> Bucket:
        """The bucket ``name``; raises NoSuchBucket when it does not exist."""
        bucket = self.store.bucket(name)
        if bucket is None:
            raise NoSuchBucket(fields={"BucketName": name})
        return bucket

    def owner(self) -> dict[str, str]:
        return {"DisplayName": "webfile", "ID": OWNER_ID}

    def new_file_name(self) -> str:
        return str(self.ctx.ids.uuid()).replace("-", "")

    def new_version_id(self) -> str:
        """32 characters of ``[A-Za-z0-9._]``, the form of S3's version ids."""
        raw = bytes.fromhex(self.new_file_name() + self.new_file_name()[:16])
        return base64.b64encode(raw, altchars=b"._").decode()

    async def receive_body(self, ctx: RequestContext, body: Any, params: Mapping[str, Any],
                           *, algorithm: str | None = None) -> Spooled:
        """Spool an upload body and check it against what the request claims (``params``:
        the operation's keyword arguments, ``content_md5``, ``checksum_crc32`` …); the caller
        owns the returned file (adopt or discard it)."""
        headers = ctx.headers
        wanted = set(_claimed_algorithms(headers, params))
        if algorithm:
            wanted.add(algorithm)
        declared_sha = headers.get("x-amz-content-sha256", "")
        check_sha = bool(_SHA256_HEX.match(declared_sha))
        chunked = not isinstance(body, (bytes, bytearray, str, type(None))) and (
            "aws-chunked" in headers.get("content-encoding", "")
            or declared_sha.startswith("STREAMING-"))
        spooled = await spool(body, self.files.temp_path(self.new_file_name()), wanted,
                              want_sha256=check_sha, chunked=chunked,
                              digest_pool=self.digest_pool)
        try:
            if check_sha and spooled.sha256_hex != declared_sha:
                raise XAmzContentSHA256Mismatch(fields={
                    "ClientComputedContentSHA256": declared_sha,
                    "S3ComputedContentSHA256": spooled.sha256_hex})
            _check_md5(params.get("content_md5"), spooled.md5_hex)
            for name in wanted:
                claimed = params.get(param_name(name)) or spooled.trailers.get(
                    header_name(name))
                if claimed is None:
                    continue
                _check_checksum_text(name, claimed)
                if claimed != spooled.checksums[name]:
                    raise BadDigest(f"The {name} you specified did not match the "
                                    "calculated checksum.")
        except BaseException:
            spooled.discard()
            raise
        return spooled


def _claimed_algorithms(headers: Mapping[str, str], params: Mapping[str, Any]) -> list[str]:
    found = [name for name in ALGORITHMS if params.get(param_name(name)) is not None]
    trailer = headers.get("x-amz-trailer", "").strip().lower()
    for name in ALGORITHMS:
        if trailer == header_name(name):
            found.append(name)
    sdk = (params.get("checksum_algorithm") or "").upper()
    if sdk:
        if sdk not in ALGORITHMS:
            raise InvalidRequest("Checksum algorithm provided is unsupported. Please try again "
                                 "with any of the valid types: [CRC32, CRC32C, CRC64NVME, "
                                 "SHA1, SHA256]")
        found.append(sdk)
    if len(set(found)) > 1:
        raise InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum "
                             "Types are not allowed.")
    return found


def _check_md5(content_md5: str | None, md5_hex: str) -> None:
    if content_md5 is None:
        return
    try:
        raw = base64.b64decode(content_md5, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDigest() from None
    if len(raw) != 16:
        raise InvalidDigest()
    if raw.hex() != md5_hex:
        raise BadDigest()


_CHECKSUM_BYTES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


def _check_checksum_text(algorithm: str, value: str) -> None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _CHECKSUM_BYTES[algorithm]:
        raise InvalidRequest(f"Value for {header_name(algorithm)} header is invalid.")


def check_storage_class(storage_class: str | None) -> str:
    if storage_class is None:
        return "STANDARD"
    if storage_class not in STORAGE_CLASSES:
        raise InvalidStorageClass(fields={"StorageClassRequested": storage_class})
    return storage_class


def parse_tagging_header(text: str | None, key: str) -> dict[str, str]:
    """The ``x-amz-tagging`` header: a URL-encoded query string of tags."""
    if not text:
        return {}
    pairs = parse_qsl(text, keep_blank_values=True)
    tags: dict[str, str] = {}
    for name, value in pairs:
        if name in tags:
            raise InvalidArgument("Cannot provide multiple Tags with the same key",
                                  fields={"ArgumentName": "x-amz-tagging"})
        if name.lower().startswith("aws:"):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:", fields={"Key": key})
        tags[name] = value
    validate_tags(tags)
    return tags


def validate_tags(tags: dict[str, str]) -> None:
    if len(tags) > 10:
        raise CommonServiceError("BadRequest", "Object tags cannot be greater than 10")
    for name, value in tags.items():
        if name.lower().startswith("aws:"):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:")
        if not name or len(name) > 128:
            raise InvalidTag("The TagKey you have provided is invalid")
        if len(value) > 256:
            raise InvalidTag("The TagValue you have provided is invalid")

"""Object operations: PutObject, GetObject, HeadObject, CopyObject, DeleteObject(s) and
object tagging. Writes spool the body, check it, rename it into place, commit the row with
its notification outbox rows, then send those; reads answer from the row and stream the body
file."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote

from fogbank.protocol.http import FileBody
from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.checksums import ALGORITHMS, file_checksum_b64
from fogbank.services.s3.common import (
    S3Base,
    check_storage_class,
    parse_tagging_header,
)
from fogbank.services.s3.conditions import (
    byte_range,
    check_copy_source_conditions,
    check_read_conditions,
    check_write_conditions,
)
from fogbank.services.s3.config.notifications import PendingEvent
from fogbank.services.s3.errors import (
    InvalidArgument,
    InvalidObjectState,
    InvalidRange,
    InvalidRequest,
    KeyTooLongError,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchVersion,
)
from fogbank.services.s3.spool import Spooled
from fogbank.services.s3.store import NULL_VERSION, Bucket, ObjectVersion

INLINE_BODY_BYTES = 1024 * 1024  # bodies up to this are read into memory, larger streamed
MAX_KEY_BYTES = 1024
CONTENT_MEMBERS = ("ContentType", "ContentEncoding", "ContentDisposition", "ContentLanguage",
                   "CacheControl", "WebsiteRedirectLocation")
_CONTENT_PARAMS = (("ContentType", "content_type"), ("ContentEncoding", "content_encoding"),
                   ("ContentDisposition", "content_disposition"),
                   ("ContentLanguage", "content_language"), ("CacheControl", "cache_control"),
                   ("WebsiteRedirectLocation", "website_redirect_location"))
_OVERRIDES = {"response_content_type": "ContentType",
              "response_content_language": "ContentLanguage",
              "response_expires": "Expires",
              "response_cache_control": "CacheControl",
              "response_content_disposition": "ContentDisposition",
              "response_content_encoding": "ContentEncoding"}
COLD_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})


def content_attrs(params: dict[str, Any]) -> dict[str, Any]:
    """Content headers and user metadata of a write, as stored with the object."""
    attrs: dict[str, Any] = {}
    for member, param in _CONTENT_PARAMS:
        value = params.get(param)
        if value is not None:
            attrs[member] = value
    encoding = attrs.get("ContentEncoding")
    if encoding is not None:  # aws-chunked is framing, not the object's encoding
        kept = [part.strip() for part in encoding.split(",")
                if part.strip() and part.strip() != "aws-chunked"]
        if kept:
            attrs["ContentEncoding"] = ",".join(kept)
        else:
            del attrs["ContentEncoding"]
    attrs.setdefault("ContentType", "binary/octet-stream")
    expires = params.get("expires")
    if isinstance(expires, datetime):
        attrs["Expires"] = expires.timestamp()
    if params.get("metadata"):
        attrs["Metadata"] = dict(params["metadata"])
    return attrs




def check_key(key: str) -> None:
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise KeyTooLongError(fields={"Size": len(key.encode("utf-8")),
                                      "MaxSizeAllowed": MAX_KEY_BYTES})


def bare_etag(etag: str) -> str:
    return etag.strip('"')


class ObjectOperations(S3Base):
    """Single-object reads and writes (mixin of ``S3Provider``)."""

    # -- writes -------------------------------------------------------------------------

    @operation("PutObject")
    async def put_object(self, ctx: RequestContext, *, bucket: str, key: str,
                         body: Any = None, **params: Any) -> dict[str, Any]:
        return await self.store_object(ctx, bucket, key, body, params, "ObjectCreated:Put")

    async def store_object(self, ctx: RequestContext, bucket: str, key: str, body: Any,
                           params: dict[str, Any], event_name: str) -> dict[str, Any]:
        """Write one object from a body (PutObject, POST uploads); PutObject's result."""
        target = self.require_bucket(bucket)
        check_key(key)
        storage_class = check_storage_class(params.get("storage_class"))
        tags = parse_tagging_header(params.get("tagging"), key)
        spooled = await self.receive_body(ctx, body, params)
        try:
            if_match, if_none_match = params.get("if_match"), params.get("if_none_match")
            if if_match is not None or if_none_match is not None:
                check_write_conditions(self.store.latest(bucket, key), if_match=if_match,
                                       if_none_match=if_none_match)
            attrs = content_attrs(params)
            attrs.update(_checksum_attrs(spooled))
            version_id = self.next_version_id(target)
            event = self.object_event(ctx, bucket, event_name, key=key, size=spooled.size,
                                      etag=spooled.md5_hex,
                                      version_id=version_id if target.versioning else None)
        except BaseException:
            spooled.discard()
            raise
        obj = self.commit_spooled(target, key, spooled, f'"{spooled.md5_hex}"', attrs,
                                  storage_class, tags, version_id=version_id, event=event)
        await self.deliver_object_event(event)
        result: dict[str, Any] = {"ETag": obj.etag, "ServerSideEncryption": "AES256"}
        result.update(checksum_members(obj))
        result.update(self.version_member(target, obj))
        return result

    def commit_spooled(self, bucket: Bucket, key: str, spooled: Spooled, etag: str,
                       attrs: dict[str, Any], storage_class: str,
                       tags: dict[str, str], *, version_id: str | None = None,
                       event: PendingEvent | None = None) -> ObjectVersion:
        """Move the spooled body into place and commit its version row (with ``event``'s
        outbox rows in the same transaction)."""
        file = self.new_file_name()
        self.files.adopt(spooled.path, file)
        obj = ObjectVersion(bucket.name, key, version_id or self.next_version_id(bucket),
                            True, False, spooled.size, etag, self.now_s(), storage_class,
                            file, attrs, tags)
        try:
            replaced = self.store.put_version(obj, event)
        except BaseException:
            self.files.remove([file])
            raise
        self.files.remove(replaced)
        return obj

    def next_version_id(self, bucket: Bucket) -> str:
        return self.new_version_id() if bucket.versioning == "Enabled" else NULL_VERSION

    def now_s(self) -> float:
        return float(int(self.ctx.clock.now()))  # S3 keeps whole seconds

    def version_member(self, bucket: Bucket, obj: ObjectVersion) -> dict[str, str]:
        return {"VersionId": obj.version_id} if bucket.versioning else {}

    def event_version(self, bucket: Bucket, obj: ObjectVersion) -> str | None:
        return obj.version_id if bucket.versioning else None

    # -- reads --------------------------------------------------------------------------

    def find_object(self, bucket: Bucket, key: str, version_id: str | None,
                    *, method: str) -> ObjectVersion:
        """The version a read addresses; NoSuchKey/NoSuchVersion/MethodNotAllowed as S3."""
        if version_id is None:
            obj = self.store.latest(bucket.name, key)
            if obj is None:
                raise NoSuchKey(fields={"Key": key})
            if obj.delete_marker:
                raise NoSuchKey(fields={"Key": key}, headers={
                    "x-amz-delete-marker": "true", "x-amz-version-id": obj.version_id})
            return obj
        if version_id != NULL_VERSION and not plausible_version(version_id):
            raise InvalidArgument("Invalid version id specified",
                                  fields={"ArgumentName": "versionId",
                                          "ArgumentValue": version_id})
        obj = self.store.version(bucket.name, key, version_id)
        if obj is None:
            raise NoSuchVersion(fields={"Key": key, "VersionId": version_id})
        if obj.delete_marker:
            raise MethodNotAllowed(fields={"Method": method, "ResourceType": "DeleteMarker"},
                                   headers={"x-amz-delete-marker": "true",
                                            "x-amz-version-id": version_id,
                                            "Allow": "DELETE"})
        return obj

    @operation("GetObject")
    def get_object(self, ctx: RequestContext, *, bucket: str, key: str,
                   **params: Any) -> dict[str, Any]:
        return self.read_object(bucket, key, params, with_body=True)

    @operation("HeadObject")
    def head_object(self, ctx: RequestContext, *, bucket: str, key: str,
                    **params: Any) -> dict[str, Any]:
        return self.read_object(bucket, key, params, with_body=False)

    def read_object(self, bucket_name: str, key: str, params: dict[str, Any], *,
                    with_body: bool) -> dict[str, Any]:
        bucket = self.require_bucket(bucket_name)
        obj = self.find_object(bucket, key, params.get("version_id"),
                               method="GET" if with_body else "HEAD")
        check_read_conditions(obj, if_match=params.get("if_match"),
                              if_none_match=params.get("if_none_match"),
                              if_modified_since=params.get("if_modified_since"),
                              if_unmodified_since=params.get("if_unmodified_since"))
        restored_until = obj.attrs.get("RestoreExpiry")
        if with_body and obj.storage_class in COLD_CLASSES and (
                restored_until is None or self.ctx.clock.now() >= restored_until):
            raise InvalidObjectState("The operation is not valid for the object's storage "
                                     "class", fields={"StorageClass": obj.storage_class})
        result = self.object_headers(bucket, obj)
        span = self._span(obj, params, result)
        if span is not None:
            first, last = span
            result["ContentRange"] = f"bytes {first}-{last}/{obj.size}"
        else:
            first, last = 0, obj.size - 1
            if params.get("checksum_mode") == "ENABLED":
                result.update(checksum_members(obj))
        length = last - first + 1
        result["ContentLength"] = length
        for param, member in _OVERRIDES.items():
            if params.get(param) is not None:
                result[member] = params[param]
        if with_body and obj.file is not None:
            result["Body"] = self.body_of(obj.file, first, length)
        return result

    def _span(self, obj: ObjectVersion, params: dict[str, Any],
              result: dict[str, Any]) -> tuple[int, int] | None:
        part_number = params.get("part_number")
        if part_number is None:
            return byte_range(params.get("range"), obj.size)
        sizes: list[int] = obj.attrs.get("PartSizes") or [obj.size]
        if part_number < 1 or part_number > len(sizes):
            raise InvalidRange("The requested partnumber is not satisfiable",
                               fields={"PartNumberRequested": part_number,
                                       "ActualPartCount": len(sizes)})
        if "PartSizes" in obj.attrs:
            result["PartsCount"] = len(sizes)
        first = sum(sizes[:part_number - 1])
        return (first, first + sizes[part_number - 1] - 1) if sizes[part_number - 1] else None

    def body_of(self, file: str, offset: int, length: int) -> bytes | FileBody:
        path = self.files.path(file)
        if length <= INLINE_BODY_BYTES:
            with open(path, "rb") as source:
                source.seek(offset)
                return source.read(length)
        return FileBody(str(path), offset, length)

    def object_headers(self, bucket: Bucket, obj: ObjectVersion) -> dict[str, Any]:
        """The members GetObject and HeadObject answer for ``obj`` (without the body)."""
        result: dict[str, Any] = {"AcceptRanges": "bytes", "ETag": obj.etag,
                                  "LastModified": obj.modified,
                                  "ServerSideEncryption": "AES256"}
        attrs = obj.attrs
        for member in CONTENT_MEMBERS:
            if member in attrs:
                result[member] = attrs[member]
        if "Expires" in attrs:
            result["Expires"] = attrs["Expires"]
        if attrs.get("Metadata"):
            result["Metadata"] = attrs["Metadata"]
        if obj.storage_class != "STANDARD":
            result["StorageClass"] = obj.storage_class
        if obj.tags:
            result["TagCount"] = len(obj.tags)
        if "RestoreExpiry" in attrs:
            result["Restore"] = restore_header(attrs)
        if bucket.versioning:
            result["VersionId"] = obj.version_id
        return result

    # -- copy ---------------------------------------------------------------------------

    @operation("CopyObject")
    async def copy_object(self, ctx: RequestContext, *, bucket: str, key: str,
                          copy_source: str, **params: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        check_key(key)
        source_bucket, source = self.copy_source_object(copy_source, params)
        directive = params.get("metadata_directive") or "COPY"
        tag_directive = params.get("tagging_directive") or "COPY"
        if directive not in ("COPY", "REPLACE") or tag_directive not in ("COPY", "REPLACE"):
            raise InvalidArgument("Unknown metadata directive.")
        storage_class = check_storage_class(params.get("storage_class"))
        if source.storage_class in COLD_CLASSES and not (
                source.attrs.get("RestoreExpiry", 0) > self.ctx.clock.now()):
            raise InvalidObjectState("Operation is not valid for the source object's storage "
                                     "class", fields={"StorageClass": source.storage_class})
        if (source_bucket.name == bucket and source.key == key and directive == "COPY"
                and "versionId=" not in copy_source
                and params.get("storage_class") is None
                and params.get("website_redirect_location") is None
                and params.get("server_side_encryption") is None):
            raise InvalidRequest("This copy request is illegal because it is trying to copy "
                                 "an object to itself without changing the object's "
                                 "metadata, storage class, website redirect location or "
                                 "encryption attributes.")
        check_write_conditions(self.store.latest(bucket, key),
                               if_match=params.get("if_match"),
                               if_none_match=params.get("if_none_match"))
        attrs = dict(source.attrs) if directive == "COPY" else content_attrs(params)
        attrs.pop("RestoreExpiry", None)  # a copy is a new object, not a restored one
        if params.get("website_redirect_location") is not None:  # not metadata: never copied
            attrs["WebsiteRedirectLocation"] = params["website_redirect_location"]
        elif directive == "COPY":
            attrs.pop("WebsiteRedirectLocation", None)
        for inherited in ("Checksum", "ChecksumAlgorithm", "ChecksumType", "PartSizes",
                          "PartChecksums"):
            if inherited in source.attrs:
                attrs[inherited] = source.attrs[inherited]
        algorithm = (params.get("checksum_algorithm") or "").upper()
        if algorithm and (algorithm != attrs.get("ChecksumAlgorithm")
                          or attrs.get("ChecksumType") != "FULL_OBJECT"):
            if algorithm not in ALGORITHMS:
                raise InvalidRequest("Checksum algorithm provided is unsupported.")
            assert source.file is not None
            attrs.update(ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT",
                         Checksum=await asyncio.to_thread(
                             file_checksum_b64, algorithm, self.files.path(source.file)))
        tags = (dict(source.tags) if tag_directive == "COPY"
                else parse_tagging_header(params.get("tagging"), key))
        file = self.new_file_name()
        assert source.file is not None
        self.files.link(source.file, file)
        obj = ObjectVersion(bucket, key, self.next_version_id(target), True, False,
                            source.size, source.etag, self.now_s(), storage_class, file,
                            attrs, tags)
        event = self.object_event(ctx, bucket, "ObjectCreated:Copy", key=key, size=obj.size,
                                  etag=bare_etag(obj.etag),
                                  version_id=self.event_version(target, obj))
        try:
            replaced = self.store.put_version(obj, event)
        except BaseException:
            self.files.remove([file])
            raise
        self.files.remove(replaced)
        await self.deliver_object_event(event)
        copy_result: dict[str, Any] = {"ETag": obj.etag, "LastModified": obj.modified}
        copy_result.update(checksum_members(obj))
        result: dict[str, Any] = {"CopyObjectResult": copy_result,
                                  "ServerSideEncryption": "AES256"}
        result.update(self.version_member(target, obj))
        if source_bucket.versioning:
            result["CopySourceVersionId"] = source.version_id
        return result

    def copy_source_object(self, copy_source: str, params: dict[str, Any]
                           ) -> tuple[Bucket, ObjectVersion]:
        """The object ``x-amz-copy-source`` names (``bucket/key[?versionId=…]``, URL-encoded),
        after its ``x-amz-copy-source-if-*`` conditions."""
        path, _, query = copy_source.partition("?")
        path = unquote(path).lstrip("/")
        source_bucket_name, _, source_key = path.partition("/")
        version_id = None
        if query:
            for pair in query.split("&"):
                name, _, value = pair.partition("=")
                if name == "versionId":
                    version_id = unquote(value)
        if not source_bucket_name or not source_key:
            raise InvalidArgument("Invalid copy source object key",
                                  fields={"ArgumentName": "x-amz-copy-source",
                                          "ArgumentValue": copy_source})
        source_bucket = self.require_bucket(source_bucket_name)
        try:
            source = self.find_object(source_bucket, source_key, version_id, method="GET")
        except MethodNotAllowed:
            raise InvalidRequest("The source of a copy request may not specifically refer "
                                 "to a delete marker by version id.") from None
        check_copy_source_conditions(
            source, if_match=params.get("copy_source_if_match"),
            if_none_match=params.get("copy_source_if_none_match"),
            if_modified_since=params.get("copy_source_if_modified_since"),
            if_unmodified_since=params.get("copy_source_if_unmodified_since"))
        return source_bucket, source


def _checksum_attrs(spooled: Spooled) -> dict[str, Any]:
    if not spooled.checksums:
        return {}
    algorithm, value = next(iter(spooled.checksums.items()))
    return {"ChecksumAlgorithm": algorithm, "Checksum": value, "ChecksumType": "FULL_OBJECT"}


def checksum_members(obj: ObjectVersion) -> dict[str, Any]:
    """``ChecksumCRC32`` … and ``ChecksumType`` of an object stored with a checksum."""
    algorithm = obj.attrs.get("ChecksumAlgorithm")
    if not algorithm:
        return {}
    return {f"Checksum{algorithm}": obj.attrs["Checksum"],
            "ChecksumType": obj.attrs.get("ChecksumType", "FULL_OBJECT")}


_VERSION_ID = re.compile(r"^[A-Za-z0-9._]{32}$")


def plausible_version(version_id: str) -> bool:
    """Whether ``version_id`` has the form of an S3 version id (else InvalidArgument)."""
    return _VERSION_ID.match(version_id) is not None


def restore_header(attrs: dict[str, Any]) -> str:
    """The ``x-amz-restore`` value of a restored archived object."""
    return (f'ongoing-request="false", '
            f'expiry-date="{formatdate(attrs["RestoreExpiry"], usegmt=True)}"')

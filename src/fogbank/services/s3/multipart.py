"""Multipart uploads: create, upload (or copy) parts, complete, abort, list.

Parts are body files of their own. Completing checks the list AWS's way (ascending order,
every part present with its ETag, 5 MiB minimum but for the last), concatenates the parts
into one new body file (off the event loop) and commits the object and the end of the upload
in one transaction. ETag: MD5 of the parts' binary MD5s, ``-<count>``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.checksums import (
    ALGORITHMS,
    FULL_OBJECT_CAPABLE,
    composite_b64,
    new_checksum,
    param_name,
)
from fogbank.services.s3.common import S3Base, check_storage_class, parse_tagging_header
from fogbank.services.s3.conditions import byte_range, check_write_conditions
from fogbank.services.s3.errors import (
    BadDigest,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    InvalidPartOrder,
    InvalidRange,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
)
from fogbank.services.s3.objects import (
    ObjectOperations,
    bare_etag,
    check_key,
    checksum_members,
    content_attrs,
)
from fogbank.services.s3.store import ObjectVersion, Part, Upload

MIN_PART_BYTES = 5 * 1024 * 1024
MAX_PART_NUMBER = 10000
COPY_CHUNK_BYTES = 1024 * 1024


class MultipartOperations(ObjectOperations, S3Base):
    """Multipart uploads (mixin of ``S3Provider``)."""

    def _upload(self, bucket: str, key: str, upload_id: str) -> Upload:
        self.require_bucket(bucket)
        upload = self.store.upload(upload_id)
        if upload is None or upload.bucket != bucket or upload.key != key:
            raise NoSuchUpload(fields={"UploadId": upload_id})
        return upload

    @operation("CreateMultipartUpload")
    def create_multipart_upload(self, ctx: RequestContext, *, bucket: str, key: str,
                                **params: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        check_key(key)
        attrs = content_attrs(params)
        attrs["StorageClass"] = check_storage_class(params.get("storage_class"))
        attrs["Tags"] = parse_tagging_header(params.get("tagging"), key)
        algorithm = (params.get("checksum_algorithm") or "").upper() or None
        checksum_type = params.get("checksum_type")
        if algorithm is not None and algorithm not in ALGORITHMS:
            raise InvalidRequest("Checksum algorithm provided is unsupported.")
        if checksum_type not in (None, "COMPOSITE", "FULL_OBJECT"):
            raise InvalidRequest("Value for x-amz-checksum-type header is invalid.")
        if algorithm is None and checksum_type is not None:
            raise InvalidRequest("The x-amz-checksum-type header can only be used with the "
                                 "x-amz-checksum-algorithm header.")
        if algorithm is not None:
            checksum_type = checksum_type or ("FULL_OBJECT" if algorithm == "CRC64NVME"
                                              else "COMPOSITE")
            if checksum_type == "FULL_OBJECT" and algorithm not in FULL_OBJECT_CAPABLE:
                raise InvalidRequest(f"The {algorithm} checksum algorithm does not support "
                                     "the FULL_OBJECT checksum type.")
            if checksum_type == "COMPOSITE" and algorithm == "CRC64NVME":
                raise InvalidRequest("The CRC64NVME checksum algorithm does not support the "
                                     "COMPOSITE checksum type.")
            attrs["ChecksumAlgorithm"] = algorithm
            attrs["ChecksumType"] = checksum_type
        upload = Upload(self.ctx.ids.short(64, "abcdefghijklmnopqrstuvwxyz"
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
                        bucket, key, self.now_s(), attrs)
        self.store.create_upload(upload)
        result: dict[str, Any] = {"Bucket": bucket, "Key": key, "UploadId": upload.upload_id,
                                  "ServerSideEncryption": "AES256"}
        if algorithm is not None:
            result["ChecksumAlgorithm"] = algorithm
            result["ChecksumType"] = checksum_type
        return result

    @operation("UploadPart")
    async def upload_part(self, ctx: RequestContext, *, bucket: str, key: str,
                          part_number: int, upload_id: str, body: Any = None,
                          **params: Any) -> dict[str, Any]:
        upload = self._upload(bucket, key, upload_id)
        _check_part_number(part_number)
        spooled = await self.receive_body(ctx, body, params,
                                          algorithm=upload.attrs.get("ChecksumAlgorithm"))
        file = self.new_file_name()
        self.files.adopt(spooled.path, file)
        part = Part(part_number, spooled.size, f'"{spooled.md5_hex}"', self.now_s(), file,
                    spooled.checksums)
        self._store_part(upload_id, part)
        result: dict[str, Any] = {"ETag": part.etag, "ServerSideEncryption": "AES256"}
        for algorithm, value in part.checksums.items():
            result[f"Checksum{algorithm}"] = value
        return result

    def _store_part(self, upload_id: str, part: Part) -> None:
        try:
            replaced = self.store.put_part(upload_id, part)
        except LookupError:
            self.files.remove([part.file])
            raise NoSuchUpload(fields={"UploadId": upload_id}) from None
        self.files.remove([replaced])

    @operation("UploadPartCopy")
    async def upload_part_copy(self, ctx: RequestContext, *, bucket: str, key: str,
                               part_number: int, upload_id: str, copy_source: str,
                               copy_source_range: str | None = None,
                               **params: Any) -> dict[str, Any]:
        upload = self._upload(bucket, key, upload_id)
        _check_part_number(part_number)
        source_bucket, source = self.copy_source_object(copy_source, params)
        first, last = 0, source.size - 1
        if copy_source_range is not None:
            if not copy_source_range.startswith("bytes=") or copy_source_range.count("-") != 1:
                raise InvalidArgument("The x-amz-copy-source-range value must be of the form "
                                      "bytes=first-last where first and last are the "
                                      "zero-based offsets of the first and last bytes to copy",
                                      fields={"ArgumentName": "x-amz-copy-source-range",
                                              "ArgumentValue": copy_source_range})
            try:
                span = byte_range(copy_source_range, source.size)
            except InvalidRange:
                raise InvalidRange("The requested range is not satisfiable") from None
            if span is None or copy_source_range.endswith("-"):
                raise InvalidArgument("Range specified is not valid for source object of size: "
                                      f"{source.size}")
            first, last = span
        assert source.file is not None
        algorithm = upload.attrs.get("ChecksumAlgorithm")
        temp = self.files.temp_path(self.new_file_name())
        md5_hex, checksums = await asyncio.to_thread(
            _copy_range, self.files.path(source.file), temp, first, max(0, last - first + 1),
            [algorithm] if algorithm else [])
        file = self.new_file_name()
        self.files.adopt(temp, file)
        part = Part(part_number, max(0, last - first + 1), f'"{md5_hex}"', self.now_s(), file,
                    checksums)
        self._store_part(upload_id, part)
        copy_result: dict[str, Any] = {"ETag": part.etag, "LastModified": part.modified}
        for name, value in checksums.items():
            copy_result[f"Checksum{name}"] = value
        result: dict[str, Any] = {"CopyPartResult": copy_result}
        if source_bucket.versioning:
            result["CopySourceVersionId"] = source.version_id
        return result

    @operation("CompleteMultipartUpload")
    async def complete_multipart_upload(self, ctx: RequestContext, *, bucket: str, key: str,
                                        upload_id: str,
                                        multipart_upload: dict[str, Any] | None = None,
                                        **params: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        try:
            upload = self._upload(bucket, key, upload_id)
        except NoSuchUpload:
            earlier = self.store.completed_upload(upload_id, bucket, key)
            if earlier is None:
                raise
            return earlier  # S3 answers a retried completion as the first one
        requested = (multipart_upload or {}).get("Parts") or []
        if not requested:
            raise MalformedXML()
        chosen = self._chosen_parts(upload, requested)
        check_write_conditions(self.store.latest(bucket, key),
                               if_match=params.get("if_match"),
                               if_none_match=params.get("if_none_match"))
        expected_size = params.get("mpu_object_size")
        total = sum(part.size for part in chosen)
        if expected_size is not None and expected_size != total:
            raise InvalidRequest(f"The provided 'x-amz-mp-object-size' header value "
                                 f"{expected_size} does not match what was computed: {total}")
        attrs = dict(upload.attrs)
        storage_class = attrs.pop("StorageClass", "STANDARD")
        tags = attrs.pop("Tags", {})
        algorithm = attrs.get("ChecksumAlgorithm")
        full_object = algorithm if attrs.get("ChecksumType") == "FULL_OBJECT" else None
        temp = self.files.temp_path(self.new_file_name())
        full_value = await asyncio.to_thread(
            _concatenate, [self.files.path(part.file) for part in chosen], temp, full_object)
        if algorithm and not full_object:
            attrs["Checksum"] = composite_b64(algorithm,
                                              [part.checksums[algorithm] for part in chosen])
        elif full_object:
            attrs["Checksum"] = full_value
        try:
            self._check_complete_checksum(attrs, params)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        attrs["PartSizes"] = [part.size for part in chosen]
        if algorithm:
            attrs["PartChecksums"] = [part.checksums.get(algorithm) for part in chosen]
        md5s = b"".join(bytes.fromhex(bare_etag(part.etag)) for part in chosen)
        etag = f'"{hashlib.md5(md5s).hexdigest()}-{len(chosen)}"'
        file = self.new_file_name()
        self.files.adopt(temp, file)
        obj = ObjectVersion(bucket, key, self.next_version_id(target), True, False, total,
                            etag, self.now_s(), storage_class, file, attrs, tags)
        host = ctx.headers.get("host", "s3.amazonaws.com")
        result: dict[str, Any] = {"Location": f"http://{host}/{bucket}/{quote(key)}",
                                  "Bucket": bucket, "Key": key, "ETag": etag,
                                  "ServerSideEncryption": "AES256"}
        result.update(checksum_members(obj))
        result.update(self.version_member(target, obj))
        event = self.object_event(ctx, bucket, "ObjectCreated:CompleteMultipartUpload",
                                  key=key, size=total, etag=bare_etag(etag),
                                  version_id=self.event_version(target, obj))
        try:
            obsolete = self.store.finish_upload(upload_id, obj, result, event)
        except LookupError:
            self.files.remove([file])
            raise NoSuchUpload(fields={"UploadId": upload_id}) from None
        self.files.remove(obsolete)
        await self.deliver_object_event(event)
        return result

    def _chosen_parts(self, upload: Upload, requested: list[dict[str, Any]]) -> list[Part]:
        stored = {part.part_number: part for part in self.store.parts(upload.upload_id)}
        algorithm = upload.attrs.get("ChecksumAlgorithm")
        chosen: list[Part] = []
        previous = 0
        for entry in requested:
            number = int(entry.get("PartNumber") or 0)
            if number <= previous:
                raise InvalidPartOrder(fields={"UploadId": upload.upload_id})
            previous = number
            part = stored.get(number)
            etag = entry.get("ETag")
            if part is None or etag is None or bare_etag(etag) != bare_etag(part.etag):
                raise InvalidPart(fields={"UploadId": upload.upload_id, "PartNumber": number,
                                          "ETag": etag})
            if algorithm and upload.attrs.get("ChecksumType") == "COMPOSITE":
                claimed = entry.get(f"Checksum{algorithm}")
                if claimed is None:
                    raise InvalidRequest(f"The upload was created using a {algorithm.lower()} "
                                         "checksum. The complete request must include the "
                                         f"checksum for each part. It was missing for part "
                                         f"{number} in the request.")
                if claimed != part.checksums.get(algorithm):
                    raise InvalidPart(fields={"UploadId": upload.upload_id,
                                              "PartNumber": number, "ETag": etag})
            chosen.append(part)
        for part in chosen[:-1]:
            if part.size < MIN_PART_BYTES:
                raise EntityTooSmall(fields={"ProposedSize": part.size,
                                             "MinSizeAllowed": MIN_PART_BYTES,
                                             "PartNumber": part.part_number,
                                             "ETag": bare_etag(part.etag)})
        return chosen

    @staticmethod
    def _check_complete_checksum(attrs: dict[str, Any], params: dict[str, Any]) -> None:
        algorithm = attrs.get("ChecksumAlgorithm")
        for name in ALGORITHMS:
            claimed = params.get(param_name(name))
            if claimed is None:
                continue
            if name != algorithm:
                raise BadDigest(f"The {name} you specified did not match the calculated "
                                "checksum.")
            if claimed != attrs["Checksum"] and claimed != attrs["Checksum"].split("-")[0]:
                raise BadDigest(f"The {name} you specified did not match the calculated "
                                "checksum.")

    @operation("AbortMultipartUpload")
    def abort_multipart_upload(self, ctx: RequestContext, *, bucket: str, key: str,
                               upload_id: str, **_: Any) -> dict[str, Any]:
        self._upload(bucket, key, upload_id)
        try:
            self.files.remove(self.store.finish_upload(upload_id, None))
        except LookupError:
            raise NoSuchUpload(fields={"UploadId": upload_id}) from None
        return {}

    @operation("ListParts")
    def list_parts(self, ctx: RequestContext, *, bucket: str, key: str, upload_id: str,
                   max_parts: int | None = None, part_number_marker: int | None = None,
                   **_: Any) -> dict[str, Any]:
        upload = self._upload(bucket, key, upload_id)
        limit = min(max_parts if max_parts is not None else 1000, 1000)
        after = part_number_marker or 0
        remaining = [part for part in self.store.parts(upload_id) if part.part_number > after]
        page = remaining[:limit]
        parts = []
        for part in page:
            entry: dict[str, Any] = {"PartNumber": part.part_number,
                                     "LastModified": part.modified, "ETag": part.etag,
                                     "Size": part.size}
            for name, value in part.checksums.items():
                entry[f"Checksum{name}"] = value
            parts.append(entry)
        result: dict[str, Any] = {
            "Bucket": bucket, "Key": key, "UploadId": upload_id,
            "PartNumberMarker": after, "MaxParts": limit,
            "IsTruncated": len(remaining) > limit, "Parts": parts,
            "Initiator": self.owner(), "Owner": self.owner(),
            "StorageClass": upload.attrs.get("StorageClass", "STANDARD"),
        }
        result["NextPartNumberMarker"] = page[-1].part_number if page else 0
        if upload.attrs.get("ChecksumAlgorithm"):
            result["ChecksumAlgorithm"] = upload.attrs["ChecksumAlgorithm"]
            result["ChecksumType"] = upload.attrs["ChecksumType"]
        return result

    @operation("ListMultipartUploads")
    def list_multipart_uploads(self, ctx: RequestContext, *, bucket: str,
                               prefix: str | None = None, delimiter: str | None = None,
                               key_marker: str | None = None,
                               upload_id_marker: str | None = None,
                               max_uploads: int | None = None,
                               **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        limit = min(max_uploads if max_uploads is not None else 1000, 1000)
        uploads: list[dict[str, Any]] = []
        prefixes: list[str] = []
        truncated = False
        last: tuple[str, str] | None = None
        for upload in self.store.uploads(bucket):
            if prefix and not upload.key.startswith(prefix):
                continue
            if key_marker is not None:
                if upload.key < key_marker or (upload.key == key_marker and (
                        upload_id_marker is None or upload.upload_id <= upload_id_marker)):
                    continue
            if delimiter:
                found = upload.key.find(delimiter, len(prefix or ""))
                if found >= 0:
                    common = upload.key[:found + len(delimiter)]
                    if common not in prefixes:
                        if len(uploads) + len(prefixes) >= limit:
                            truncated = True
                            break
                        prefixes.append(common)
                    continue
            if len(uploads) + len(prefixes) >= limit:
                truncated = True
                break
            entry: dict[str, Any] = {"UploadId": upload.upload_id, "Key": upload.key,
                                     "Initiated": upload.initiated,
                                     "StorageClass": upload.attrs.get("StorageClass",
                                                                      "STANDARD"),
                                     "Owner": self.owner(), "Initiator": self.owner()}
            if upload.attrs.get("ChecksumAlgorithm"):
                entry["ChecksumAlgorithm"] = upload.attrs["ChecksumAlgorithm"]
                entry["ChecksumType"] = upload.attrs["ChecksumType"]
            uploads.append(entry)
            last = (upload.key, upload.upload_id)
        result: dict[str, Any] = {"Bucket": bucket, "KeyMarker": key_marker or "",
                                  "UploadIdMarker": upload_id_marker or "",
                                  "MaxUploads": limit, "IsTruncated": truncated}
        if uploads:
            result["Uploads"] = uploads
        if prefixes:
            result["CommonPrefixes"] = [{"Prefix": p} for p in prefixes]
        if prefix is not None:
            result["Prefix"] = prefix
        if delimiter:
            result["Delimiter"] = delimiter
        if truncated and last is not None:
            result["NextKeyMarker"], result["NextUploadIdMarker"] = last
        return result


def _check_part_number(part_number: int) -> None:
    if not 1 <= part_number <= MAX_PART_NUMBER:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                              fields={"ArgumentName": "partNumber",
                                      "ArgumentValue": part_number})


def _copy_range(source: Path, target: Path, offset: int, length: int,
                algorithms: list[str]) -> tuple[str, dict[str, str]]:
    md5 = hashlib.md5()
    checksums = {name: new_checksum(name) for name in algorithms}
    with open(source, "rb") as reader, open(target, "wb") as writer:
        reader.seek(offset)
        left = length
        while left > 0:
            chunk = reader.read(min(COPY_CHUNK_BYTES, left))
            if not chunk:
                break
            left -= len(chunk)
            writer.write(chunk)
            md5.update(chunk)
            for checksum in checksums.values():
                checksum.update(chunk)
        writer.flush()
    return md5.hexdigest(), {name: base64.b64encode(checksum.digest()).decode()
                             for name, checksum in checksums.items()}


def _concatenate(sources: list[Path], target: Path, full_object: str | None) -> str | None:
    """Write the parts one after another into ``target``; the full-object
    checksum of the result when ``full_object`` names an algorithm."""
    checksum = new_checksum(full_object) if full_object else None
    with open(target, "wb") as writer:
        for source in sources:
            with open(source, "rb") as reader:
                while chunk := reader.read(COPY_CHUNK_BYTES):
                    writer.write(chunk)
                    if checksum is not None:
                        checksum.update(chunk)
        writer.flush()
    return base64.b64encode(checksum.digest()).decode() if checksum is not None else None

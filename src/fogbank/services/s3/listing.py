"""Listing: ListObjects (v1), ListObjectsV2 and ListObjectVersions.

One walker serves all three: it reads rows in key order in batches, rolls keys that contain
the delimiter after the prefix into CommonPrefixes (skipping the rest of a rolled-up prefix
with one query), and stops after MaxKeys entries, where keys and prefixes count alike.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.common import S3Base
from fogbank.services.s3.errors import InvalidArgument
from fogbank.services.s3.store import ObjectVersion

BATCH_ROWS = 1000
MAX_KEYS = 1000
_PAST_PREFIX = "\U0010ffff"  # sorts after every key continuing a prefix

# (key cursor, row cursor, limit) → the next rows in list order
Fetch = Callable[[str, int | None, int], list[ObjectVersion]]


@dataclass
class Walk:
    entries: list[ObjectVersion] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last_key: str | None = None  # key or common prefix the page ended on
    last_entry: ObjectVersion | None = None
    cursor: str = ""  # where the next page starts (exclusive)


def walk(fetch: Fetch, *, prefix: str, delimiter: str | None, after: str,
         after_row: int | None, max_keys: int) -> Walk:
    result = Walk(cursor=after)
    key_cursor, row_cursor = after, after_row
    count = 0
    while True:
        batch = fetch(key_cursor, row_cursor, BATCH_ROWS)
        skipped = False
        for obj in batch:
            key_cursor, row_cursor = obj.key, obj.row_id
            common = _common_prefix(obj.key, prefix, delimiter)
            if common is not None:
                if result.prefixes and result.prefixes[-1] == common:
                    continue
                if count >= max_keys:
                    result.truncated = True
                    return result
                result.prefixes.append(common)
                count += 1
                result.last_key = common
                result.cursor = common + _PAST_PREFIX
                key_cursor, row_cursor = result.cursor, None
                skipped = True
                break
            if count >= max_keys:
                result.truncated = True
                return result
            result.entries.append(obj)
            count += 1
            result.last_key = obj.key
            result.last_entry = obj
            result.cursor = obj.key
        if not skipped and len(batch) < BATCH_ROWS:
            return result


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    found = key.find(delimiter, len(prefix))
    return key[:found + len(delimiter)] if found >= 0 else None


def _encoder(encoding_type: str | None) -> Callable[[str], str]:
    if encoding_type is None:
        return lambda text: text
    if encoding_type != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request",
                              fields={"ArgumentName": "encoding-type",
                                      "ArgumentValue": encoding_type})
    return lambda text: quote_plus(text, safe="/")


def _max_keys(value: int | None) -> int:
    if value is None:
        return MAX_KEYS
    if value < 0:
        raise InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647",
                              fields={"ArgumentName": "maxKeys", "ArgumentValue": value})
    return min(value, MAX_KEYS)


def _token(cursor: str) -> str:
    return base64.urlsafe_b64encode(cursor.encode("utf-8")).decode()


def _untoken(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument("The continuation token provided is incorrect",
                              fields={"ArgumentName": "continuation-token"}) from None


class ListingOperations(S3Base):
    """Object and version listings (mixin of ``S3Provider``)."""

    def _latest_fetch(self, bucket: str, prefix: str) -> Fetch:
        def fetch(after: str, _row: int | None, limit: int) -> list[ObjectVersion]:
            return self.store.latest_page(bucket, after, prefix, limit)
        return fetch

    def _content(self, obj: ObjectVersion, encode: Callable[[str], str],
                 with_owner: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"Key": encode(obj.key), "LastModified": obj.modified,
                                 "ETag": obj.etag, "Size": obj.size,
                                 "StorageClass": obj.storage_class}
        algorithm = obj.attrs.get("ChecksumAlgorithm")
        if algorithm:
            entry["ChecksumAlgorithm"] = [algorithm]
            entry["ChecksumType"] = obj.attrs.get("ChecksumType", "FULL_OBJECT")
        if with_owner:
            entry["Owner"] = self.owner()
        return entry

    @operation("ListObjects")
    def list_objects(self, ctx: RequestContext, *, bucket: str, prefix: str | None = None,
                     delimiter: str | None = None, marker: str | None = None,
                     max_keys: int | None = None, encoding_type: str | None = None,
                     **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        encode = _encoder(encoding_type)
        limit = _max_keys(max_keys)
        after = marker or ""
        if delimiter and after and _common_prefix(after, prefix or "", delimiter) == after:
            after += _PAST_PREFIX  # a NextMarker that was a common prefix
        page = walk(self._latest_fetch(bucket, prefix or ""), prefix=prefix or "",
                    delimiter=delimiter, after=after, after_row=None, max_keys=limit)
        result: dict[str, Any] = {
            "Name": bucket, "Prefix": encode(prefix or ""), "Marker": encode(marker or ""),
            "MaxKeys": limit, "IsTruncated": page.truncated,
            "Contents": [self._content(obj, encode, True) for obj in page.entries],
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes],
        }
        if delimiter:
            result["Delimiter"] = encode(delimiter)
            if page.truncated and page.last_key is not None:
                result["NextMarker"] = encode(page.last_key)
        if encoding_type:
            result["EncodingType"] = encoding_type
        return _drop_empty(result)

    @operation("ListObjectsV2")
    def list_objects_v2(self, ctx: RequestContext, *, bucket: str, prefix: str | None = None,
                        delimiter: str | None = None, max_keys: int | None = None,
                        continuation_token: str | None = None,
                        start_after: str | None = None, encoding_type: str | None = None,
                        fetch_owner: bool | None = None, **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        encode = _encoder(encoding_type)
        limit = _max_keys(max_keys)
        if continuation_token is not None:
            if not continuation_token:
                raise InvalidArgument("The continuation token provided is incorrect",
                                      fields={"ArgumentName": "continuation-token"})
            after = _untoken(continuation_token)
        else:
            after = start_after or ""
        page = walk(self._latest_fetch(bucket, prefix or ""), prefix=prefix or "",
                    delimiter=delimiter, after=after, after_row=None, max_keys=limit)
        result: dict[str, Any] = {
            "Name": bucket, "Prefix": encode(prefix or ""), "MaxKeys": limit,
            "KeyCount": len(page.entries) + len(page.prefixes),
            "IsTruncated": page.truncated,
            "Contents": [self._content(obj, encode, bool(fetch_owner))
                         for obj in page.entries],
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes],
        }
        if delimiter:
            result["Delimiter"] = encode(delimiter)
        if continuation_token is not None:
            result["ContinuationToken"] = continuation_token
        if start_after is not None and continuation_token is None:  # the token wins
            result["StartAfter"] = encode(start_after)
        if page.truncated:
            result["NextContinuationToken"] = _token(page.cursor)
        if encoding_type:
            result["EncodingType"] = encoding_type
        return _drop_empty(result)

    @operation("ListObjectVersions")
    def list_object_versions(self, ctx: RequestContext, *, bucket: str,
                             prefix: str | None = None, delimiter: str | None = None,
                             key_marker: str | None = None,
                             version_id_marker: str | None = None,
                             max_keys: int | None = None, encoding_type: str | None = None,
                             **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        encode = _encoder(encoding_type)
        limit = _max_keys(max_keys)
        if version_id_marker and not key_marker:
            raise InvalidArgument("A version-id marker cannot be specified without a key "
                                  "marker.", fields={"ArgumentName": "version-id-marker",
                                                     "ArgumentValue": version_id_marker})
        after = key_marker or ""
        after_row: int | None = None
        if key_marker and version_id_marker:
            marked = self.store.version(bucket, key_marker, version_id_marker)
            if marked is None:
                raise InvalidArgument("Invalid version id specified",
                                      fields={"ArgumentName": "version-id-marker",
                                              "ArgumentValue": version_id_marker})
            after_row = marked.row_id
        elif delimiter and after and _common_prefix(after, prefix or "", delimiter) == after:
            after += _PAST_PREFIX

        def fetch(key: str, row: int | None, count: int) -> list[ObjectVersion]:
            return self.store.versions_page(bucket, key, row, prefix or "", count)

        page = walk(fetch, prefix=prefix or "", delimiter=delimiter, after=after,
                    after_row=after_row, max_keys=limit)
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        for obj in page.entries:
            common = {"Key": encode(obj.key), "VersionId": obj.version_id,
                      "IsLatest": obj.latest, "LastModified": obj.modified,
                      "Owner": self.owner()}
            if obj.delete_marker:
                markers.append(common)
            else:
                entry = self._content(obj, encode, True)
                entry.update(common)
                versions.append(entry)
        result: dict[str, Any] = {
            "Name": bucket, "Prefix": encode(prefix or ""), "KeyMarker": encode(key_marker or ""),
            "VersionIdMarker": version_id_marker or "", "MaxKeys": limit,
            "IsTruncated": page.truncated, "Versions": versions, "DeleteMarkers": markers,
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes],
        }
        if delimiter:
            result["Delimiter"] = encode(delimiter)
        if page.truncated and page.last_key is not None:
            result["NextKeyMarker"] = encode(page.last_key)
            if page.last_entry is not None and page.last_entry.key == page.last_key:
                result["NextVersionIdMarker"] = page.last_entry.version_id
        if encoding_type:
            result["EncodingType"] = encoding_type
        return _drop_empty(result)


def _drop_empty(result: dict[str, Any]) -> dict[str, Any]:
    """S3 leaves out empty Contents/CommonPrefixes/Versions lists."""
    return {key: value for key, value in result.items() if value != []}

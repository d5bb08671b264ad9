"""Conditional requests (If-Match … on GET/HEAD, copy sources and writes) and byte ranges,
evaluated as S3 does (RFC 7232 order: If-Match, If-Unmodified-Since, If-None-Match,
If-Modified-Since; a passing If-Match overrides a failing If-Unmodified-Since, a failing
If-None-Match makes If-Modified-Since irrelevant)."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import formatdate
from typing import Any

from fogbank.services.s3.errors import InvalidRange, NoSuchKey, NotModified, PreconditionFailed
from fogbank.services.s3.store import ObjectVersion

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


def http_date(epoch_s: float) -> str:
    return formatdate(int(epoch_s), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    bare = etag.strip('"')
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.strip('"') == bare:
            return True
    return False


def _epoch(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    return None


def check_read_conditions(obj: ObjectVersion, *, if_match: str | None = None,
                          if_none_match: str | None = None,
                          if_modified_since: Any = None,
                          if_unmodified_since: Any = None) -> None:
    """Raises PreconditionFailed (412) or NotModified (304) for GET/HEAD conditionals."""
    modified_s = int(obj.modified)
    if if_match is not None:
        if not _etag_matches(if_match, obj.etag):
            raise PreconditionFailed(fields={"Condition": "If-Match"})
    elif (since := _epoch(if_unmodified_since)) is not None and modified_s > since:
        raise PreconditionFailed(fields={"Condition": "If-Unmodified-Since"})
    headers = {"ETag": obj.etag, "Last-Modified": http_date(obj.modified)}
    if if_none_match is not None:
        if _etag_matches(if_none_match, obj.etag):
            raise NotModified(headers=headers)
    elif (since := _epoch(if_modified_since)) is not None and modified_s <= since:
        raise NotModified(headers=headers)


def check_copy_source_conditions(obj: ObjectVersion, *, if_match: str | None = None,
                                 if_none_match: str | None = None,
                                 if_modified_since: Any = None,
                                 if_unmodified_since: Any = None) -> None:
    """The ``x-amz-copy-source-if-*`` conditions: every failure is a 412."""
    modified_s = int(obj.modified)
    if if_match is not None and not _etag_matches(if_match, obj.etag):
        raise PreconditionFailed(fields={"Condition": "x-amz-copy-source-If-Match"})
    if if_none_match is not None and _etag_matches(if_none_match, obj.etag):
        raise PreconditionFailed(fields={"Condition": "x-amz-copy-source-If-None-Match"})
    since = _epoch(if_unmodified_since)
    if if_match is None and since is not None and modified_s > since:
        raise PreconditionFailed(fields={"Condition": "x-amz-copy-source-If-Unmodified-Since"})
    since = _epoch(if_modified_since)
    if if_none_match is None and since is not None and modified_s <= since:
        raise PreconditionFailed(fields={"Condition": "x-amz-copy-source-If-Modified-Since"})


def check_write_conditions(current: ObjectVersion | None, *, if_match: str | None,
                           if_none_match: str | None) -> None:
    """Conditional writes: ``If-None-Match: *`` (create only) and ``If-Match: <etag>``."""
    exists = current is not None and not current.delete_marker
    if if_none_match is not None and exists:
        raise PreconditionFailed(fields={"Condition": "If-None-Match"})
    if if_match is not None:
        if not exists:
            raise NoSuchKey()
        assert current is not None
        if not _etag_matches(if_match, current.etag):
            raise PreconditionFailed(fields={"Condition": "If-Match"})


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` inclusive of a ``Range`` header, None to send the whole object
    (no header, or one S3 ignores: malformed or several ranges); InvalidRange (416) when
    the range starts past the end."""
    if not header:
        return None
    found = _RANGE.match(header)
    if found is None:
        return None
    first_text, last_text = found.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # suffix: the last n bytes
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise _unsatisfiable(header, size)
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None  # an invalid range is ignored
    if first >= size:
        raise _unsatisfiable(header, size)
    return first, min(last, size - 1)


def _unsatisfiable(header: str, size: int) -> InvalidRange:
    return InvalidRange(fields={"RangeRequested": header, "ActualObjectSize": size},
                        headers={"Content-Range": f"bytes */{size}"})

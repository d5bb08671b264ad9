"""CloudWatch Logs provider: log groups, streams, retention and tags (events in ``events.py``)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.logs.errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
    log_group_not_found,
)
from fogbank.services.logs.events import EventOperations
from fogbank.services.logs.store import LogGroup, LogStream

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
LOG_GROUP_NAME = re.compile(r"[\.\-_/#A-Za-z0-9]+\Z")
LOG_STREAM_NAME = re.compile(r"[^:*]*\Z")
MAX_DESCRIBE_LIMIT = 50
MAX_TAGS = 50


class LogsProvider(EventOperations):
    """CloudWatch Logs.

    Log groups, log streams and events live in one SQLite file (``logs.db``) under the
    service's state directory, so they survive restarts. ``subscribe`` is a non-AWS hook for
    live tailing (``fogbank up`` prints function logs with it).

    Deviations from AWS:
    - Retention is applied when reading (expired events are no longer returned) rather than
      by a background deletion some hours later; ``storedBytes`` counts raw message bytes.
    - Filter patterns: terms, quoted terms, ``-`` exclusions, ``?`` OR terms, ``%regex%``,
      JSON patterns (``{ $.a.b = "x*" && $.n > 5 }``) and space-delimited patterns
      (``[ip, ..., status = 4*, bytes > 1000]``) are supported; JSON ``[*]`` selectors are
      rejected with InvalidParameterException. Field indexes, metric filters, subscription filters,
      Logs Insights, KMS encryption, data protection and deletion protection are not
      emulated (``kmsKeyId`` is stored and echoed only).
    - Sequence tokens are ignored, as AWS does since 2023; ``nextSequenceToken`` is still
      returned.
    """

    # -- shaping ------------------------------------------------------------------------

    def _group_out(self, group: LogGroup) -> dict[str, Any]:
        out: dict[str, Any] = {
            "logGroupName": group.name,
            "creationTime": group.created_ms,
            "metricFilterCount": 0,
            "arn": self.group_arn(group) + ":*",
            "storedBytes": group.stored_bytes,
            "logGroupClass": group.log_group_class,
            "logGroupArn": self.group_arn(group),
        }
        if group.retention_days is not None:
            out["retentionInDays"] = group.retention_days
        if group.kms_key_id:
            out["kmsKeyId"] = group.kms_key_id
        return out

    def _stream_out(self, group: LogGroup, stream: LogStream) -> dict[str, Any]:
        out: dict[str, Any] = {
            "logStreamName": stream.name,
            "creationTime": stream.created_ms,
            "arn": f"{self.group_arn(group)}:log-stream:{stream.name}",
            "storedBytes": stream.stored_bytes,
        }
        if stream.first_event_ms is not None:
            out["firstEventTimestamp"] = stream.first_event_ms
            out["lastEventTimestamp"] = stream.last_event_ms
        if stream.last_ingestion_ms is not None:
            out["lastIngestionTime"] = stream.last_ingestion_ms
            out["uploadSequenceToken"] = f"{stream.upload_seq:056d}"
        return out

    # -- log groups ---------------------------------------------------------------------

    @operation("CreateLogGroup")
    def create_log_group(self, ctx: RequestContext, *, log_group_name: str,
                         kms_key_id: str | None = None, tags: dict[str, str] | None = None,
                         log_group_class: str | None = None, **_: Any) -> dict[str, Any]:
        _check_name("logGroupName", log_group_name, LOG_GROUP_NAME,
                    r"[\.\-_/#A-Za-z0-9]+")
        _check_tags(tags or {})
        if log_group_class not in (None, "STANDARD", "INFREQUENT_ACCESS", "DELIVERY"):
            raise InvalidParameterException(
                f"1 validation error detected: Value '{log_group_class}' at 'logGroupClass'"
                " failed to satisfy constraint: Member must satisfy enum value set:"
                " [INFREQUENT_ACCESS, STANDARD, DELIVERY]"
            )
        created = self.store.create_group(
            ctx.region, log_group_name, created_ms=self.now_ms(), kms_key_id=kms_key_id,
            log_group_class=log_group_class or "STANDARD", tags=dict(tags or {}),
        )
        if not created:
            raise ResourceAlreadyExistsException("The specified log group already exists")
        return {}

    @operation("DeleteLogGroup")
    def delete_log_group(self, ctx: RequestContext, *, log_group_name: str,
                         **_: Any) -> dict[str, Any]:
        if not self.store.delete_group(ctx.region, log_group_name):
            raise log_group_not_found()
        return {}

    @operation("DescribeLogGroups")
    def describe_log_groups(self, ctx: RequestContext, *, log_group_name_prefix: str | None = None,
                            log_group_name_pattern: str | None = None,
                            next_token: str | None = None, limit: int | None = None,
                            **_: Any) -> dict[str, Any]:
        if log_group_name_prefix and log_group_name_pattern:
            raise InvalidParameterException(
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive"
                " parameters."
            )
        page_size = _page_size(limit, MAX_DESCRIBE_LIMIT)
        after = _decode_token(next_token) if next_token else None
        groups = self.store.list_groups(
            ctx.region, prefix=log_group_name_prefix, pattern=log_group_name_pattern,
            after_name=after, limit=page_size + 1,
        )
        out: dict[str, Any] = {"logGroups": [self._group_out(g) for g in groups[:page_size]]}
        if len(groups) > page_size:
            out["nextToken"] = _encode_token(groups[page_size - 1].name)
        return out

    @operation("PutRetentionPolicy")
    def put_retention_policy(self, ctx: RequestContext, *, log_group_name: str,
                             retention_in_days: int, **_: Any) -> dict[str, Any]:
        if retention_in_days not in RETENTION_DAYS:
            raise InvalidParameterException(
                f"1 validation error detected: Value '{retention_in_days}' at"
                " 'retentionInDays' failed to satisfy constraint: Member must satisfy enum"
                f" value set: [{', '.join(str(d) for d in RETENTION_DAYS)}]"
            )
        self.store.set_retention(self.group(ctx, log_group_name).group_id, retention_in_days)
        return {}

    @operation("DeleteRetentionPolicy")
    def delete_retention_policy(self, ctx: RequestContext, *, log_group_name: str,
                                **_: Any) -> dict[str, Any]:
        self.store.set_retention(self.group(ctx, log_group_name).group_id, None)
        return {}

    # -- log streams --------------------------------------------------------------------

    @operation("CreateLogStream")
    def create_log_stream(self, ctx: RequestContext, *, log_group_name: str,
                          log_stream_name: str, **_: Any) -> dict[str, Any]:
        _check_name("logStreamName", log_stream_name, LOG_STREAM_NAME, "[^:*]*")
        group = self.group(ctx, log_group_name)
        if not self.store.create_stream(group.group_id, log_stream_name,
                                        created_ms=self.now_ms()):
            raise ResourceAlreadyExistsException("The specified log stream already exists")
        return {}

    @operation("DeleteLogStream")
    def delete_log_stream(self, ctx: RequestContext, *, log_group_name: str,
                          log_stream_name: str, **_: Any) -> dict[str, Any]:
        group = self.group(ctx, log_group_name)
        self.store.delete_stream(self.stream(group, log_stream_name).stream_id)
        return {}

    @operation("DescribeLogStreams")
    def describe_log_streams(self, ctx: RequestContext, *, log_group_name: str | None = None,
                             log_group_identifier: str | None = None,
                             log_stream_name_prefix: str | None = None,
                             order_by: str | None = None, descending: bool = False,
                             next_token: str | None = None, limit: int | None = None,
                             **_: Any) -> dict[str, Any]:
        by_last_event = order_by == "LastEventTime"
        if order_by not in (None, "LogStreamName", "LastEventTime"):
            raise InvalidParameterException(
                f"1 validation error detected: Value '{order_by}' at 'orderBy' failed to"
                " satisfy constraint: Member must satisfy enum value set:"
                " [LogStreamName, LastEventTime]"
            )
        if by_last_event and log_stream_name_prefix:
            raise InvalidParameterException(
                "Cannot order by LastEventTime with a logStreamNamePrefix."
            )
        group = self.group(ctx, log_group_name, log_group_identifier)
        page_size = _page_size(limit, MAX_DESCRIBE_LIMIT)
        offset = 0
        if next_token:
            decoded = _decode_token(next_token)
            if not decoded.isdigit():
                raise InvalidParameterException("The specified nextToken is invalid.")
            offset = int(decoded)
        streams = self.store.list_streams(
            group.group_id, prefix=log_stream_name_prefix, by_last_event=by_last_event,
            descending=bool(descending), offset=offset, limit=page_size + 1,
        )
        out: dict[str, Any] = {
            "logStreams": [self._stream_out(group, s) for s in streams[:page_size]]
        }
        if len(streams) > page_size:
            out["nextToken"] = _encode_token(str(offset + page_size))
        return out

    # -- tags ---------------------------------------------------------------------------

    @operation("TagLogGroup")
    def tag_log_group(self, ctx: RequestContext, *, log_group_name: str,
                      tags: dict[str, str], **_: Any) -> dict[str, Any]:
        self._merge_tags(self.group(ctx, log_group_name), tags, ())
        return {}

    @operation("UntagLogGroup")
    def untag_log_group(self, ctx: RequestContext, *, log_group_name: str,
                        tags: list[str], **_: Any) -> dict[str, Any]:
        self._merge_tags(self.group(ctx, log_group_name), {}, tags)
        return {}

    @operation("ListTagsLogGroup")
    def list_tags_log_group(self, ctx: RequestContext, *, log_group_name: str,
                            **_: Any) -> dict[str, Any]:
        return {"tags": self.group(ctx, log_group_name).tags}

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, *, resource_arn: str, tags: dict[str, str],
                     **_: Any) -> dict[str, Any]:
        self._merge_tags(self.group(ctx, None, resource_arn), tags, ())
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        self._merge_tags(self.group(ctx, None, resource_arn), {}, tag_keys)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        return {"tags": self.group(ctx, None, resource_arn).tags}

    def _merge_tags(self, group: LogGroup, added: dict[str, str],
                    removed: list[str] | tuple[str, ...]) -> None:
        tags = {**group.tags, **added}
        for key in removed:
            tags.pop(key, None)
        _check_tags(tags)
        self.store.set_tags(group.group_id, tags)


def _check_name(member: str, value: str, pattern: re.Pattern[str], shown: str) -> None:
    if not value or len(value) > 512 or not pattern.match(value):
        raise InvalidParameterException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must satisfy regular expression pattern: {shown}"
        )


def _check_tags(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise InvalidParameterException("A resource can have no more than 50 tags.")
    for key in tags:
        if not key or len(key) > 128 or key.startswith("aws:"):
            raise InvalidParameterException(f"Invalid tag key: {key!r}")


def _page_size(limit: int | None, maximum: int) -> int:
    if limit is None:
        return maximum
    if limit < 1 or limit > maximum:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy"
            f" constraint: Member must have value less than or equal to {maximum}"
            if limit > maximum else
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy"
            " constraint: Member must have value greater than or equal to 1"
        )
    return limit


def _encode_token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidParameterException("The specified nextToken is invalid.") from exc

"""Log event operations: PutLogEvents, GetLogEvents, FilterLogEvents, and live tailing.

Paging tokens follow AWS's shapes: GetLogEvents answers ``f/<56 digits>`` and
``b/<56 digits>``, the digits encoding an event position (timestamp, event id). ``f/X`` reads
events after X, ``b/X`` events before X; when nothing is left in that direction the same
token comes back, which is how callers know they reached the end.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Sequence
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.logs.common import LogsBase, TailCallback
from fogbank.services.logs.errors import InvalidParameterException
from fogbank.services.logs.filter_pattern import FilterPatternError, compile_filter_pattern
from fogbank.services.logs.store import START, LogEvent, LogGroup, Position

log = logging.getLogger("fogbank.logs")

EVENT_OVERHEAD_BYTES = 26
MAX_BATCH_BYTES = 1_048_576
MAX_BATCH_EVENTS = 10_000
MAX_EVENT_BYTES = 262_144
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
TOO_NEW_MS = 2 * 3600 * 1000
TOO_OLD_MS = 14 * 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000
MAX_READ_EVENTS = 10_000
MAX_READ_BYTES = 1_048_576


class EventOperations(LogsBase):
    """The event half of ``LogsProvider``."""

    # -- live tailing (not an AWS API) ---------------------------------------------------

    def subscribe(self, callback: TailCallback) -> Callable[[], None]:
        """Call ``callback(log_group_name, log_stream_name, events)`` after each successful
        PutLogEvents (events as ``{"timestamp", "message"}``); returns the unsubscribe."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def _notify(self, group_name: str, stream_name: str, events: list[dict[str, Any]]) -> None:
        for callback in list(self._subscribers):
            try:
                callback(group_name, stream_name, events)
            except Exception:
                log.exception("log tail subscriber failed")

    # -- PutLogEvents -------------------------------------------------------------------

    @operation("PutLogEvents")
    def put_log_events(self, ctx: RequestContext, *, log_group_name: str, log_stream_name: str,
                       log_events: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        found = self.store.stream_for_put(ctx.region, log_group_name, log_stream_name) \
            if log_group_name else None
        if found is None:  # raise the error naming what is missing
            group = self.group(ctx, log_group_name)
            stream, retention_days = self.stream(group, log_stream_name), group.retention_days
        else:
            stream, retention_days = found
        batch = _validate_batch(log_events)
        now_ms = self.now_ms()
        too_old_end = sum(1 for ts, _ in batch if ts < now_ms - TOO_OLD_MS)
        expired_end = 0
        if retention_days is not None:
            horizon = now_ms - retention_days * DAY_MS
            expired_end = sum(1 for ts, _ in batch if ts < horizon)
        too_new_start = next(
            (i for i, (ts, _) in enumerate(batch) if ts > now_ms + TOO_NEW_MS), len(batch)
        )
        first_accepted = max(too_old_end, expired_end)
        accepted = batch[first_accepted:too_new_start]
        upload_seq = self.store.put_events(stream, accepted, ingestion_ms=now_ms)
        out: dict[str, Any] = {"nextSequenceToken": f"{upload_seq:056d}"}
        rejected: dict[str, int] = {}
        if too_new_start < len(batch):
            rejected["tooNewLogEventStartIndex"] = too_new_start
        if too_old_end:
            rejected["tooOldLogEventEndIndex"] = too_old_end
        if expired_end > too_old_end:
            rejected["expiredLogEventEndIndex"] = expired_end
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        if accepted and self._subscribers:
            self._notify(log_group_name, stream.name,
                         [{"timestamp": event["timestamp"], "message": event["message"]}
                          for event in log_events[first_accepted:too_new_start]])
        return out

    # -- GetLogEvents -------------------------------------------------------------------

    @operation("GetLogEvents")
    def get_log_events(self, ctx: RequestContext, *, log_stream_name: str,
                       log_group_name: str | None = None,
                       log_group_identifier: str | None = None,
                       start_time: int | None = None, end_time: int | None = None,
                       next_token: str | None = None, limit: int | None = None,
                       start_from_head: bool | None = None, **_: Any) -> dict[str, Any]:
        group = self.group(ctx, log_group_name, log_group_identifier)
        stream = self.stream(group, log_stream_name)
        page_size = _read_limit(limit)
        start_ms = self._retention_floor(group, start_time)
        # GetLogEvents' endTime is exclusive.
        end_ms = None if end_time is None else end_time - 1
        direction, position = _parse_stream_token(next_token) if next_token else (None, None)
        if direction == "f" or (direction is None and start_from_head):
            events = self.store.stream_events(
                stream.stream_id, after=position or START, start_ms=start_ms, end_ms=end_ms,
                limit=page_size, newest_first=False)
            events = _cap_bytes(events, from_end=False)
        else:
            kwargs: dict[str, Any] = {"before": position} if position else {}
            events = self.store.stream_events(
                stream.stream_id, start_ms=start_ms, end_ms=end_ms, limit=page_size,
                newest_first=True, **kwargs)
            events = _cap_bytes(events, from_end=True)
        if events:
            forward, backward = events[-1].position, events[0].position
        else:
            forward = backward = position or (0, 0)
        return {
            "events": [{"timestamp": e.timestamp_ms, "message": e.message,
                        "ingestionTime": e.ingestion_ms} for e in events],
            "nextForwardToken": "f/" + _position_digits(forward),
            "nextBackwardToken": "b/" + _position_digits(backward),
        }

    # -- FilterLogEvents ----------------------------------------------------------------

    @operation("FilterLogEvents")
    def filter_log_events(self, ctx: RequestContext, *, log_group_name: str | None = None,
                          log_group_identifier: str | None = None,
                          log_stream_names: list[str] | None = None,
                          log_stream_name_prefix: str | None = None,
                          start_time: int | None = None, end_time: int | None = None,
                          filter_pattern: str | None = None, next_token: str | None = None,
                          limit: int | None = None, **_: Any) -> dict[str, Any]:
        if log_stream_names and log_stream_name_prefix:
            raise InvalidParameterException(
                "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
            )
        group = self.group(ctx, log_group_name, log_group_identifier)
        try:
            matches = compile_filter_pattern(filter_pattern)
        except FilterPatternError as exc:
            raise InvalidParameterException(f"Invalid filter pattern: {exc}") from exc
        page_size = _read_limit(limit)
        searched = self._searched_streams(group, log_stream_names, log_stream_name_prefix)
        stream_ids = None if searched is None else list(searched)
        after = _parse_filter_token(next_token) if next_token else START
        found: list[LogEvent] = []
        size = 0
        more = False
        if stream_ids is None or stream_ids:
            for event in self.store.group_events(
                group.group_id, stream_ids=stream_ids, after=after,
                start_ms=self._retention_floor(group, start_time), end_ms=end_time,
            ):
                if not matches(event.message):
                    continue
                event_size = len(event.message.encode()) + EVENT_OVERHEAD_BYTES
                if len(found) >= page_size or (found and size + event_size > MAX_READ_BYTES):
                    more = True
                    break
                found.append(event)
                size += event_size
        names = searched if searched is not None else {
            s.stream_id: s.name for s in self.store.list_streams(group.group_id)}
        out: dict[str, Any] = {
            "events": [{"logStreamName": names[e.stream_id], "timestamp": e.timestamp_ms,
                        "message": e.message, "ingestionTime": e.ingestion_ms,
                        "eventId": _position_digits(e.position)} for e in found],
            "searchedLogStreams": [{"logStreamName": name, "searchedCompletely": not more}
                                   for name in sorted(names.values())],
        }
        if more:
            out["nextToken"] = _encode_filter_token(found[-1].position)
        return out

    def _searched_streams(self, group: LogGroup, names: list[str] | None,
                          prefix: str | None) -> dict[int, str] | None:
        """stream id → name of the streams to search, or ``None`` for all of the group."""
        if names:
            wanted = set(names)
            return {s.stream_id: s.name for s in self.store.list_streams(group.group_id)
                    if s.name in wanted}
        if prefix:
            return {s.stream_id: s.name
                    for s in self.store.list_streams(group.group_id, prefix=prefix)}
        return None

    def _retention_floor(self, group: LogGroup, start_ms: int | None) -> int | None:
        if group.retention_days is None:
            return start_ms
        horizon = self.now_ms() - group.retention_days * DAY_MS
        return horizon if start_ms is None else max(start_ms, horizon)


def _validate_batch(log_events: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
    if not log_events:
        raise InvalidParameterException(
            "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy"
            " constraint: Member must have length greater than or equal to 1"
        )
    if len(log_events) > MAX_BATCH_EVENTS:
        raise InvalidParameterException(
            "1 validation error detected: Value at 'logEvents' failed to satisfy constraint:"
            f" Member must have length less than or equal to {MAX_BATCH_EVENTS}"
        )
    batch: list[tuple[int, str]] = []
    total_bytes = 0
    for event in log_events:
        timestamp, message = event.get("timestamp"), event.get("message")
        if timestamp.__class__ is not int and (
                not isinstance(timestamp, int) or isinstance(timestamp, bool)):
            raise InvalidParameterException("Log event timestamp must be a non-negative long.")
        if timestamp < 0:
            raise InvalidParameterException("Log event timestamp must be a non-negative long.")
        if message.__class__ is not str and not isinstance(message, str) or not message:
            raise InvalidParameterException(
                "1 validation error detected: Value '' at 'logEvents.member.message' failed"
                " to satisfy constraint: Member must have length greater than or equal to 1"
            )
        event_bytes = (len(message) if message.isascii() else len(message.encode())) \
            + EVENT_OVERHEAD_BYTES
        if event_bytes > MAX_EVENT_BYTES:
            raise InvalidParameterException(
                f"Log event too large: {event_bytes} bytes exceeds limit of {MAX_EVENT_BYTES}"
            )
        total_bytes += event_bytes
        batch.append((timestamp, message))
    if total_bytes > MAX_BATCH_BYTES:
        raise InvalidParameterException(
            f"Upload too large: {total_bytes} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )
    stamps = [timestamp for timestamp, _ in batch]
    if stamps != sorted(stamps):
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request must be in chronological order."
        )
    if batch[-1][0] - batch[0][0] > MAX_BATCH_SPAN_MS:
        raise InvalidParameterException(
            "The batch of log events in a single PutLogEvents request cannot span more than"
            " 24 hours."
        )
    return batch


def _read_limit(limit: int | None) -> int:
    if limit is None:
        return MAX_READ_EVENTS
    if limit < 1 or limit > MAX_READ_EVENTS:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy"
            f" constraint: Member must have value between 1 and {MAX_READ_EVENTS}"
        )
    return limit


def _cap_bytes(events: list[LogEvent], *, from_end: bool) -> list[LogEvent]:
    """Keep at most 1 MB of events, counted from the end the read started at."""
    ordered = reversed(events) if from_end else iter(events)
    kept: list[LogEvent] = []
    size = 0
    for event in ordered:
        size += len(event.message.encode()) + EVENT_OVERHEAD_BYTES
        if kept and size > MAX_READ_BYTES:
            break
        kept.append(event)
    return kept[::-1] if from_end else kept


def _position_digits(position: Position) -> str:
    timestamp_ms, event_id = position
    return f"{max(timestamp_ms, 0):020d}{event_id:036d}"


def _parse_position(digits: str) -> Position:
    if len(digits) != 56 or not digits.isdigit():
        raise InvalidParameterException("The specified nextToken is invalid.")
    return int(digits[:20]), int(digits[20:])


def _parse_stream_token(token: str) -> tuple[str, Position]:
    direction, _, digits = token.partition("/")
    if direction not in ("f", "b"):
        raise InvalidParameterException("The specified nextToken is invalid.")
    return direction, _parse_position(digits)


def _encode_filter_token(position: Position) -> str:
    return base64.urlsafe_b64encode(_position_digits(position).encode()).decode()


def _parse_filter_token(token: str) -> Position:
    try:
        digits = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidParameterException("The specified nextToken is invalid.") from exc
    return _parse_position(digits)

"""PutLogEvents validation, GetLogEvents token semantics, FilterLogEvents, live tailing."""

from __future__ import annotations

from typing import Any

import pytest

DAY_MS = 24 * 3600 * 1000


@pytest.fixture
def stream(cloud: Any) -> Any:
    cloud.call("CreateLogGroup", logGroupName="g")
    cloud.call("CreateLogStream", logGroupName="g", logStreamName="s")
    return cloud


def put(cloud: Any, messages: list[tuple[int, str]], stream: str = "s") -> dict[str, Any]:
    return cloud.call("PutLogEvents", logGroupName="g", logStreamName=stream,
                      logEvents=[{"timestamp": ts, "message": m} for ts, m in messages])


def messages(result: dict[str, Any]) -> list[str]:
    return [event["message"] for event in result["events"]]


def test_put_and_get(stream: Any, now_ms: Any) -> None:
    result = put(stream, [(now_ms(), "one"), (now_ms(), "two")])
    assert "rejectedLogEventsInfo" not in result
    assert len(result["nextSequenceToken"]) == 56
    got = stream.call("GetLogEvents", logGroupName="g", logStreamName="s")
    assert messages(got) == ["one", "two"]
    assert got["events"][0]["ingestionTime"] == now_ms()
    described = stream.call("DescribeLogStreams", logGroupName="g")["logStreams"][0]
    assert described["firstEventTimestamp"] == described["lastEventTimestamp"] == now_ms()
    assert described["storedBytes"] == 6


@pytest.mark.parametrize(("events", "fragment"), [
    ([(2, "late"), (1, "early")], "must be in chronological order"),
    ([(0, "a"), (DAY_MS + 1, "b")], "cannot span more than 24 hours"),
    ([(1, "x" * 262_144)], "Log event too large: 262170 bytes exceeds limit of 262144"),
    ([(1, "x" * 200_000)] * 6, "Upload too large"),
    ([(1, "m")] * 10_001, "less than or equal to 10000"),
])
def test_put_validation(stream: Any, now_ms: Any, events: list[tuple[int, str]],
                        fragment: str) -> None:
    base = now_ms() - 1000
    error = stream.error("PutLogEvents", logGroupName="g", logStreamName="s",
                         logEvents=[{"timestamp": base + ts, "message": m} for ts, m in events])
    assert error.error_code == "InvalidParameterException"
    assert fragment in error.message
    assert stream.call("GetLogEvents", logGroupName="g", logStreamName="s")["events"] == []


def test_put_unknown_stream(stream: Any, now_ms: Any) -> None:
    error = stream.error("PutLogEvents", logGroupName="g", logStreamName="nope",
                         logEvents=[{"timestamp": now_ms(), "message": "m"}])
    assert (error.error_code, error.message) == (
        "ResourceNotFoundException", "The specified log stream does not exist.")


def test_rejected_too_old_and_too_new(stream: Any, now_ms: Any) -> None:
    now = now_ms()
    old = now - 15 * DAY_MS
    # Span rule is per batch, so test too old and too new in separate batches.
    result = put(stream, [(old, "old1"), (old + 1, "old2"), (old + DAY_MS - 1, "ok?")])
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 3}
    result = put(stream, [(now, "ok"), (now + 3 * 3600 * 1000, "future")])
    assert result["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    assert messages(stream.call("GetLogEvents", logGroupName="g", logStreamName="s")) == ["ok"]


def test_expired_by_retention(stream: Any, now_ms: Any) -> None:
    stream.call("PutRetentionPolicy", logGroupName="g", retentionInDays=1)
    now = now_ms()
    result = put(stream, [(now - DAY_MS - 500, "expired"), (now - 1000, "fresh")])
    assert result["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    assert messages(stream.call("GetLogEvents", logGroupName="g", logStreamName="s")) == [
        "fresh"]


def test_get_log_events_token_semantics(stream: Any, now_ms: Any) -> None:
    base = now_ms() - 100_000
    put(stream, [(base + i, f"m{i}") for i in range(10)])
    # Default (startFromHead false): the newest `limit` events.
    tail = stream.call("GetLogEvents", logGroupName="g", logStreamName="s", limit=3)
    assert messages(tail) == ["m7", "m8", "m9"]
    assert tail["nextForwardToken"].startswith("f/")
    assert tail["nextBackwardToken"].startswith("b/")
    # Backward from the tail walks to older events, still in time order.
    back = stream.call("GetLogEvents", logGroupName="g", logStreamName="s", limit=3,
                       nextToken=tail["nextBackwardToken"])
    assert messages(back) == ["m4", "m5", "m6"]
    # Forward from the tail: nothing new, the same forward token comes back.
    forward = stream.call("GetLogEvents", logGroupName="g", logStreamName="s",
                          nextToken=tail["nextForwardToken"])
    assert forward["events"] == []
    assert forward["nextForwardToken"] == tail["nextForwardToken"]
    # New events appear through that same token.
    put(stream, [(base + 50, "m-new")])
    fresh = stream.call("GetLogEvents", logGroupName="g", logStreamName="s",
                        nextToken=forward["nextForwardToken"])
    assert messages(fresh) == ["m-new"]
    # From the head, paging forward until the token repeats.
    token = None
    seen: list[str] = []
    for _ in range(10):
        params: dict[str, Any] = {"startFromHead": True, "limit": 4}
        if token:
            params["nextToken"] = token
        page = stream.call("GetLogEvents", logGroupName="g", logStreamName="s", **params)
        seen += messages(page)
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert seen == [f"m{i}" for i in range(10)] + ["m-new"]
    # Backward past the oldest: same backward token returned.
    head = stream.call("GetLogEvents", logGroupName="g", logStreamName="s",
                       startFromHead=True, limit=2)
    before = stream.call("GetLogEvents", logGroupName="g", logStreamName="s",
                         nextToken=head["nextBackwardToken"])
    assert before["events"] == []
    assert before["nextBackwardToken"] == head["nextBackwardToken"]


def test_get_log_events_time_window(stream: Any, now_ms: Any) -> None:
    base = now_ms() - 100_000
    put(stream, [(base + i * 10, f"m{i}") for i in range(5)])
    window = stream.call("GetLogEvents", logGroupName="g", logStreamName="s",
                         startTime=base + 10, endTime=base + 30, startFromHead=True)
    assert messages(window) == ["m1", "m2"]  # endTime is exclusive for GetLogEvents
    error = stream.error("GetLogEvents", logGroupName="g", logStreamName="s",
                         nextToken="x/123")
    assert error.error_code == "InvalidParameterException"


def test_filter_log_events_patterns(stream: Any, now_ms: Any) -> None:
    stream.call("CreateLogStream", logGroupName="g", logStreamName="other")
    now = now_ms()
    put(stream, [(now - 50, "ERROR disk full"), (now - 40, "INFO all good"),
                 (now - 30, '{"level": "WARN", "latency": 250, "user": {"id": "u1"}}')])
    put(stream, [(now - 45, "WARN low memory"), (now - 35, "ERROR [timeout] calling db")],
        stream="other")

    def matching(pattern: str, **extra: Any) -> list[str]:
        return messages(stream.call("FilterLogEvents", logGroupName="g",
                                    filterPattern=pattern, **extra))

    assert matching("ERROR") == ["ERROR disk full", "ERROR [timeout] calling db"]
    assert matching('"[timeout]"') == ["ERROR [timeout] calling db"]
    assert matching("?INFO ?memory") == ["WARN low memory", "INFO all good"]
    assert matching("ERROR -disk") == ["ERROR [timeout] calling db"]
    assert matching('{ $.level = "WARN" }') == [
        '{"level": "WARN", "latency": 250, "user": {"id": "u1"}}']
    assert len(matching("{ $.latency > 200 && $.user.id = u* }")) == 1
    assert matching("{ $.latency < 200 }") == []
    assert len(matching("")) == 5
    assert matching("ERROR", logStreamNames=["other"]) == ["ERROR [timeout] calling db"]
    assert matching("", logStreamNamePrefix="oth") == [
        "WARN low memory", "ERROR [timeout] calling db"]
    assert matching("", startTime=now - 40, endTime=now - 35) == [
        "INFO all good", "ERROR [timeout] calling db"]
    assert matching("[level, ..., word = full]") == ["ERROR disk full"]
    error = stream.error("FilterLogEvents", logGroupName="g", filterPattern="[ip, , x]")
    assert error.error_code == "InvalidParameterException"


def test_filter_log_events_paging_and_searched_streams(stream: Any, now_ms: Any) -> None:
    base = now_ms() - 100_000
    put(stream, [(base + i, f"event {i}") for i in range(25)])
    seen: list[str] = []
    token = None
    while True:
        params: dict[str, Any] = {"limit": 10}
        if token:
            params["nextToken"] = token
        page = stream.call("FilterLogEvents", logGroupName="g", **params)
        seen += messages(page)
        assert page["searchedLogStreams"] == [
            {"logStreamName": "s", "searchedCompletely": "nextToken" not in page}]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == [f"event {i}" for i in range(25)]
    first = stream.call("FilterLogEvents", logGroupName="g", limit=1)["events"][0]
    assert first["logStreamName"] == "s" and len(first["eventId"]) == 56


def test_large_stream_reads_stay_indexed(stream: Any, now_ms: Any) -> None:
    base = now_ms() - 10 * 3600 * 1000
    for batch in range(10):
        put(stream, [(base + batch * 10_000 + i, f"line {batch}-{i}") for i in range(10_000)])
    tail = stream.call("GetLogEvents", logGroupName="g", logStreamName="s", limit=5)
    assert messages(tail)[-1] == "line 9-9999"
    found = stream.call("FilterLogEvents", logGroupName="g", filterPattern='"line 7-123"',
                        startTime=base + 70_000, endTime=base + 80_000)
    assert messages(found) == ["line 7-123", "line 7-1230", "line 7-1231", "line 7-1232",
                               "line 7-1233", "line 7-1234", "line 7-1235", "line 7-1236",
                               "line 7-1237", "line 7-1238", "line 7-1239"]
    plan = stream.logs.store.db.query(
        "EXPLAIN QUERY PLAN SELECT event_id FROM log_events WHERE stream_id = 1"
        " AND (timestamp_ms, event_id) > (0, 0) ORDER BY timestamp_ms DESC, event_id DESC")
    assert any("log_events_by_stream" in str(tuple(row)) for row in plan)


def test_subscribe_gets_accepted_events(stream: Any, now_ms: Any) -> None:
    received: list[tuple[str, str, list[dict[str, Any]]]] = []
    unsubscribe = stream.logs.subscribe(lambda g, s, events: received.append((g, s, events)))
    put(stream, [(now_ms(), "hello")])
    assert received == [("g", "s", [{"timestamp": now_ms(), "message": "hello"}])]
    unsubscribe()
    put(stream, [(now_ms(), "again")])
    assert len(received) == 1


def test_failing_subscriber_does_not_fail_put(stream: Any, now_ms: Any) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("boom")

    stream.logs.subscribe(broken)
    assert "nextSequenceToken" in put(stream, [(now_ms(), "hello")])

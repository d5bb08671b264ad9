"""CloudWatch Logs through botocore's own serializer, parser and paginators (JSON protocol)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.iam.wire import wire_client


@pytest.fixture
def logs(cloud: Any) -> Any:
    return wire_client("logs", cloud.dispatcher)


def test_put_get_filter_over_the_wire(logs: Any, now_ms: Any) -> None:
    logs.create_log_group(logGroupName="/aws/lambda/fn")
    logs.create_log_stream(logGroupName="/aws/lambda/fn", logStreamName="2026/11/27/[$LATEST]a")
    base = now_ms() - 10_000
    logs.put_log_events(logGroupName="/aws/lambda/fn", logStreamName="2026/11/27/[$LATEST]a",
                        logEvents=[{"timestamp": base + i, "message": f"line {i}"}
                                   for i in range(120)])
    got = logs.get_log_events(logGroupName="/aws/lambda/fn",
                              logStreamName="2026/11/27/[$LATEST]a", startFromHead=True,
                              limit=50)
    assert [e["message"] for e in got["events"]][:2] == ["line 0", "line 1"]
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName="/aws/lambda/fn", filterPattern="line", PaginationConfig={"PageSize": 25})
    assert sum(len(page["events"]) for page in pages) == 120
    groups = logs.get_paginator("describe_log_groups").paginate()
    assert [g["logGroupName"] for page in groups for g in page["logGroups"]] == [
        "/aws/lambda/fn"]


def test_errors_over_the_wire(logs: Any) -> None:
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as caught:
        logs.describe_log_streams(logGroupName="missing")
    assert caught.value.response["Error"]["Message"] == "The specified log group does not exist."
    logs.create_log_group(logGroupName="g")
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": 2, "message": "b"},
                                       {"timestamp": 1, "message": "a"}])

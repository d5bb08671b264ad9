"""Log groups, streams, retention and tags, through the dispatcher by AWS operation name."""

from __future__ import annotations

from typing import Any


def test_create_describe_delete_log_group(cloud: Any) -> None:
    cloud.call("CreateLogGroup", logGroupName="/aws/lambda/hello", tags={"team": "a"})
    groups = cloud.call("DescribeLogGroups")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/aws/lambda/hello"]
    group = groups[0]
    assert group["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello:*"
    assert group["logGroupArn"] == group["arn"][:-2]
    assert group["creationTime"] == 1_800_000_000_000
    assert "retentionInDays" not in group
    cloud.call("DeleteLogGroup", logGroupName="/aws/lambda/hello")
    assert cloud.call("DescribeLogGroups")["logGroups"] == []


def test_log_group_errors(cloud: Any) -> None:
    cloud.call("CreateLogGroup", logGroupName="g")
    error = cloud.error("CreateLogGroup", logGroupName="g")
    assert error.error_code == "ResourceAlreadyExistsException"
    assert error.message == "The specified log group already exists"
    error = cloud.error("DeleteLogGroup", logGroupName="missing")
    assert error.error_code == "ResourceNotFoundException"
    assert error.message == "The specified log group does not exist."
    error = cloud.error("CreateLogGroup", logGroupName="bad name")
    assert error.error_code == "InvalidParameterException"
    assert cloud.error("PutRetentionPolicy", logGroupName="g",
                       retentionInDays=2).error_code == "InvalidParameterException"


def test_describe_log_groups_prefix_pattern_and_paging(cloud: Any) -> None:
    names = [f"/app/{i:02d}" for i in range(7)] + ["/other/x", "/app-orders"]
    for name in names:
        cloud.call("CreateLogGroup", logGroupName=name)
    found = cloud.call("DescribeLogGroups", logGroupNamePrefix="/app/")["logGroups"]
    assert len(found) == 7
    assert [g["logGroupName"] for g in
            cloud.call("DescribeLogGroups", logGroupNamePattern="orders")["logGroups"]] == [
        "/app-orders"]
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 4}
        if token:
            params["nextToken"] = token
        page = cloud.call("DescribeLogGroups", **params)
        seen += [g["logGroupName"] for g in page["logGroups"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert seen == sorted(names)
    assert pages == 3
    assert cloud.error("DescribeLogGroups", logGroupNamePrefix="/a",
                       logGroupNamePattern="b").error_code == "InvalidParameterException"


def test_retention_policy(cloud: Any) -> None:
    cloud.call("CreateLogGroup", logGroupName="g")
    cloud.call("PutRetentionPolicy", logGroupName="g", retentionInDays=7)
    assert cloud.call("DescribeLogGroups")["logGroups"][0]["retentionInDays"] == 7
    cloud.call("DeleteRetentionPolicy", logGroupName="g")
    assert "retentionInDays" not in cloud.call("DescribeLogGroups")["logGroups"][0]


def test_log_streams_order_and_paging(cloud: Any, clock: Any, now_ms: Any) -> None:
    cloud.call("CreateLogGroup", logGroupName="g")
    for name in ["c", "a", "b"]:
        cloud.call("CreateLogStream", logGroupName="g", logStreamName=name)
    for name in ["b", "c", "a"]:
        clock.advance(1)
        cloud.call("PutLogEvents", logGroupName="g", logStreamName=name,
                   logEvents=[{"timestamp": now_ms(), "message": name}])
    by_name = cloud.call("DescribeLogStreams", logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in by_name] == ["a", "b", "c"]
    assert by_name[0]["arn"] == (
        "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:a")
    latest = cloud.call("DescribeLogStreams", logGroupName="g", orderBy="LastEventTime",
                        descending=True)["logStreams"]
    assert [s["logStreamName"] for s in latest] == ["a", "c", "b"]
    assert latest[0]["lastEventTimestamp"] == now_ms()
    page = cloud.call("DescribeLogStreams", logGroupName="g", limit=2)
    rest = cloud.call("DescribeLogStreams", logGroupName="g", limit=2,
                      nextToken=page["nextToken"])
    assert [s["logStreamName"] for s in page["logStreams"] + rest["logStreams"]] == [
        "a", "b", "c"]
    assert "nextToken" not in rest
    assert [s["logStreamName"] for s in cloud.call(
        "DescribeLogStreams", logGroupName="g", logStreamNamePrefix="b")["logStreams"]] == ["b"]
    error = cloud.error("DescribeLogStreams", logGroupName="g", orderBy="LastEventTime",
                        logStreamNamePrefix="a")
    assert error.error_code == "InvalidParameterException"


def test_log_stream_errors(cloud: Any) -> None:
    error = cloud.error("CreateLogStream", logGroupName="missing", logStreamName="s")
    assert error.message == "The specified log group does not exist."
    cloud.call("CreateLogGroup", logGroupName="g")
    cloud.call("CreateLogStream", logGroupName="g", logStreamName="s")
    error = cloud.error("CreateLogStream", logGroupName="g", logStreamName="s")
    assert error.error_code == "ResourceAlreadyExistsException"
    assert error.message == "The specified log stream already exists"
    error = cloud.error("DeleteLogStream", logGroupName="g", logStreamName="other")
    assert error.message == "The specified log stream does not exist."
    cloud.call("DeleteLogStream", logGroupName="g", logStreamName="s")
    assert cloud.call("DescribeLogStreams", logGroupName="g")["logStreams"] == []


def test_tags_both_apis(cloud: Any) -> None:
    cloud.call("CreateLogGroup", logGroupName="g", tags={"a": "1"})
    cloud.call("TagLogGroup", logGroupName="g", tags={"b": "2"})
    assert cloud.call("ListTagsLogGroup", logGroupName="g")["tags"] == {"a": "1", "b": "2"}
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:g"
    cloud.call("UntagResource", resourceArn=arn, tagKeys=["a"])
    cloud.call("TagResource", resourceArn=arn, tags={"c": "3"})
    assert cloud.call("ListTagsForResource", resourceArn=arn)["tags"] == {"b": "2", "c": "3"}
    cloud.call("UntagLogGroup", logGroupName="g", tags=["b"])
    assert cloud.call("ListTagsLogGroup", logGroupName="g")["tags"] == {"c": "3"}
    error = cloud.error("ListTagsForResource",
                        resourceArn="arn:aws:logs:us-east-1:000000000000:log-group:nope")
    assert error.error_code == "ResourceNotFoundException"


def test_regions_are_separate(cloud: Any) -> None:
    cloud.call("CreateLogGroup", logGroupName="g", region="eu-west-1")
    assert cloud.call("DescribeLogGroups")["logGroups"] == []
    assert len(cloud.call("DescribeLogGroups", region="eu-west-1")["logGroups"]) == 1


def test_state_survives_restart(make_cloud: Any, now_ms: Any) -> None:
    first = make_cloud()
    first.call("CreateLogGroup", logGroupName="g")
    first.call("CreateLogStream", logGroupName="g", logStreamName="s")
    first.call("PutRetentionPolicy", logGroupName="g", retentionInDays=30)
    first.call("PutLogEvents", logGroupName="g", logStreamName="s",
               logEvents=[{"timestamp": now_ms(), "message": "kept"}])
    first.logs.store.close()
    second = make_cloud()
    assert second.call("DescribeLogGroups")["logGroups"][0]["retentionInDays"] == 30
    events = second.call("GetLogEvents", logGroupName="g", logStreamName="s")["events"]
    assert [e["message"] for e in events] == ["kept"]

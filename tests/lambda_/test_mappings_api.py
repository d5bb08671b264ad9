"""The event source mapping API: AWS's validation, output shapes, listing and states
(the botocore model checks the output shape through the edge elsewhere; here the rules)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest

from fogbank.core.errors import ServiceError
from tests.lambda_.cloud_harness import CloudHarness

HANDLER = "def handler(event, context):\n    return None\n"


@pytest.fixture(scope="module")
def cloud(runner: asyncio.Runner,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudHarness]:
    harness = CloudHarness(runner, tmp_path_factory.mktemp("esm-api"))
    yield harness
    harness.stop()


def _error(cloud: CloudHarness, code: str, operation: str, **params: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        cloud.call("lambda", operation, **params)
    assert caught.value.error_code == code, caught.value
    return str(caught.value.message)


def _queue(cloud: CloudHarness, fifo: bool = False) -> str:
    name = cloud.unique("q") + (".fifo" if fifo else "")
    url = cloud.call("sqs", "CreateQueue", QueueName=name,
                     Attributes={"FifoQueue": "true"} if fifo else {})["QueueUrl"]
    return str(cloud.call("sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=[
        "QueueArn"])["Attributes"]["QueueArn"])


def _stream(cloud: CloudHarness) -> str:
    result = cloud.call("dynamodb", "CreateTable", TableName=cloud.unique("t"),
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        BillingMode="PAY_PER_REQUEST",
                        StreamSpecification={"StreamEnabled": True,
                                             "StreamViewType": "KEYS_ONLY"})
    return str(result["TableDescription"]["LatestStreamArn"])


def _output_members() -> set[str]:
    model = botocore.session.get_session().get_service_model("lambda")
    return set(model.shape_for("EventSourceMappingConfiguration").members)


def test_sqs_mapping_output_and_defaults(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER)
    arn = _queue(cloud)
    created = cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                         EventSourceArn=arn)
    assert set(created) <= _output_members()
    assert created["BatchSize"] == 10 and created["MaximumBatchingWindowInSeconds"] == 0
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{function}"
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{created['UUID']}")
    assert created["State"] == "Creating" and created["FunctionResponseTypes"] == []
    assert isinstance(created["LastModified"], float)
    got = cloud.call("lambda", "GetEventSourceMapping", UUID=created["UUID"])
    assert got["State"] == "Enabled"
    deleted = cloud.call("lambda", "DeleteEventSourceMapping", UUID=created["UUID"])
    assert deleted["State"] == "Deleting"
    _error(cloud, "ResourceNotFoundException", "GetEventSourceMapping", UUID=created["UUID"])
    _error(cloud, "ResourceNotFoundException", "DeleteEventSourceMapping", UUID=created["UUID"])


def test_stream_mapping_output_and_defaults(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER)
    created = cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                         EventSourceArn=_stream(cloud), StartingPosition="TRIM_HORIZON",
                         Enabled=False)
    assert set(created) <= _output_members()
    assert created["BatchSize"] == 100 and created["ParallelizationFactor"] == 1
    assert created["MaximumRetryAttempts"] == -1 and created["MaximumRecordAgeInSeconds"] == -1
    assert created["BisectBatchOnFunctionError"] is False
    assert created["DestinationConfig"] == {"OnFailure": {}}
    assert created["LastProcessingResult"] == "No records processed"
    assert cloud.call("lambda", "GetEventSourceMapping",
                      UUID=created["UUID"])["State"] == "Disabled"
    updated = cloud.call("lambda", "UpdateEventSourceMapping", UUID=created["UUID"],
                         BatchSize=5, MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
                         TumblingWindowInSeconds=30, ParallelizationFactor=2)
    assert updated["State"] == "Updating"
    assert (updated["BatchSize"], updated["MaximumRetryAttempts"]) == (5, 3)
    assert updated["TumblingWindowInSeconds"] == 30 and updated["ParallelizationFactor"] == 2


def test_validation_errors(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER)
    queue = _queue(cloud)
    stream = _stream(cloud)
    create = "CreateEventSourceMapping"
    assert "greater than 10" in _error(cloud, "InvalidParameterValueException", create,
                                       FunctionName=function, EventSourceArn=queue,
                                       BatchSize=11)
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=queue, StartingPosition="LATEST")
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=queue, MaximumRetryAttempts=1)
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=_queue(cloud, fifo=True), BatchSize=11,
           MaximumBatchingWindowInSeconds=1)
    _error(cloud, "ValidationException", create, FunctionName=function, EventSourceArn=queue,
           BatchSize=10001, MaximumBatchingWindowInSeconds=1)
    _error(cloud, "ValidationException", create, FunctionName=function, EventSourceArn=queue,
           ScalingConfig={"MaximumConcurrency": 1})
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=stream)
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=stream, StartingPosition="AT_TIMESTAMP")
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=stream, StartingPosition="LATEST",
           DestinationConfig={"OnFailure": {
               "Destination": "arn:aws:lambda:us-east-1:000000000000:function:x"}})
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=queue, FilterCriteria={"Filters": [{"Pattern": "not json"}]})
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=queue, FunctionResponseTypes=["Everything"])
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn="arn:aws:sns:us-east-1:000000000000:topic")
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn="arn:aws:sqs:us-east-1:000000000000:no-such-queue")
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn=stream.replace("stream/", "stream/x"), StartingPosition="LATEST")
    _error(cloud, "ResourceNotFoundException", create, FunctionName="no-such-function",
           EventSourceArn=queue)
    _error(cloud, "InvalidParameterValueException", create, FunctionName=function,
           EventSourceArn="arn:aws:kinesis:us-east-1:000000000000:stream/s",
           StartingPosition="LATEST")


def test_queue_visibility_must_cover_the_function_timeout(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER, Timeout=60)
    message = _error(cloud, "InvalidParameterValueException", "CreateEventSourceMapping",
                     FunctionName=function, EventSourceArn=_queue(cloud))
    assert message == ("Queue visibility timeout: 30 seconds is less than Function timeout:"
                       " 60 seconds")


def test_duplicate_mapping_conflicts(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER)
    queue = _queue(cloud)
    first = cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                       EventSourceArn=queue)
    message = _error(cloud, "ResourceConflictException", "CreateEventSourceMapping",
                     FunctionName=function, EventSourceArn=queue)
    assert first["UUID"] in message


def test_list_by_function_and_source_with_pagination(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER)
    other = cloud.function(HANDLER)
    queues = [_queue(cloud) for _ in range(3)]
    for queue in queues:
        cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                   EventSourceArn=queue, Enabled=False)
    cloud.call("lambda", "CreateEventSourceMapping", FunctionName=other,
               EventSourceArn=queues[0], Enabled=False)
    mine = cloud.call("lambda", "ListEventSourceMappings", FunctionName=function)
    assert [m["EventSourceArn"] for m in mine["EventSourceMappings"]] == queues
    by_source = cloud.call("lambda", "ListEventSourceMappings", EventSourceArn=queues[0])
    assert len(by_source["EventSourceMappings"]) == 2
    page = cloud.call("lambda", "ListEventSourceMappings", FunctionName=function, MaxItems=2)
    assert len(page["EventSourceMappings"]) == 2
    rest = cloud.call("lambda", "ListEventSourceMappings", FunctionName=function,
                      Marker=page["NextMarker"])
    assert [m["EventSourceArn"] for m in rest["EventSourceMappings"]] == queues[2:]
    assert "NextMarker" not in rest


def test_qualified_function_and_update_of_the_function(cloud: CloudHarness) -> None:
    function = cloud.function(HANDLER)
    cloud.call("lambda", "PublishVersion", FunctionName=function)
    created = cloud.call("lambda", "CreateEventSourceMapping", FunctionName=f"{function}:1",
                         EventSourceArn=_queue(cloud), Enabled=False)
    assert created["FunctionArn"].endswith(f":function:{function}:1")
    listed = cloud.call("lambda", "ListEventSourceMappings", FunctionName=f"{function}:1")
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [created["UUID"]]
    other = cloud.function(HANDLER)
    updated = cloud.call("lambda", "UpdateEventSourceMapping", UUID=created["UUID"],
                         FunctionName=other, BatchSize=3)
    assert updated["FunctionArn"].endswith(f":function:{other}")
    assert updated["BatchSize"] == 3


def test_mappings_survive_a_restart(runner: asyncio.Runner, tmp_path) -> None:
    first = CloudHarness(runner, tmp_path)
    function = first.function(HANDLER)
    queue = _queue(first)
    created = first.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                         EventSourceArn=queue, BatchSize=7)
    first.stop()
    second = CloudHarness(runner, tmp_path)
    try:
        got = second.call("lambda", "GetEventSourceMapping", UUID=created["UUID"])
        assert got["BatchSize"] == 7 and got["State"] == "Enabled"
        assert created["UUID"] in second.lam.mapping_pollers._tasks
    finally:
        second.stop()

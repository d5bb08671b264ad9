"""Custom resources: the function gets CloudFormation's request and answers at ResponseURL,
here PUT through the provider's HTTP route handler (as the edge would call it)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fogbank.protocol.http import HttpRequest
from fogbank.services.cloudformation.custom_responses import CUSTOM_RESOURCE_PATH, ROUTE_PREFIX

from .conftest import Harness

TOKEN_ARN = "arn:aws:lambda:us-east-1:000000000000:function:provider-fn"


def body(value: str = "v1") -> str:
    return json.dumps({"Resources": {"Thing": {"Type": "Custom::Thing", "Properties": {
        "ServiceToken": TOKEN_ARN, "Size": 3, "Flag": True, "Name": value}}},
        "Outputs": {"Greeting": {"Value": {"Fn::GetAtt": ["Thing", "Greeting"]}},
                    "Id": {"Value": {"Ref": "Thing"}}}})


def function_answering(harness: Harness, events: list[dict[str, Any]], status: str = "SUCCESS",
                       reason: str = "") -> None:
    async def invoke(params: dict[str, Any]) -> dict[str, Any]:
        event = json.loads(params["Payload"])
        events.append(event)
        assert params["InvocationType"] == "RequestResponse"
        response = {"Status": status, "Reason": reason, "PhysicalResourceId": "thing-1",
                    "StackId": event["StackId"], "RequestId": event["RequestId"],
                    "LogicalResourceId": event["LogicalResourceId"],
                    "Data": {"Greeting": f"hello {event['ResourceProperties']['Name']}"}}
        url = event["ResponseURL"]
        assert url.startswith("http://127.0.0.1:4566" + CUSTOM_RESOURCE_PATH)
        reply = await harness.provider.custom_responses.handle(HttpRequest(
            method="PUT", path=url.removeprefix("http://127.0.0.1:4566"),
            body=json.dumps(response).encode()))
        assert reply.status == 200
        return {"StatusCode": 200, "Payload": b"null"}

    harness.client.responders[("lambda", "Invoke")] = invoke


def test_custom_resource_round_trip(harness: Harness) -> None:
    events: list[dict[str, Any]] = []
    function_answering(harness, events)

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="custom", template_body=body())
        stack = await harness.provider.wait_for_stack("custom")
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        assert outputs == {"Greeting": "hello v1", "Id": "thing-1"}
        create = events[0]
        assert create["RequestType"] == "Create"
        assert create["ResourceType"] == "Custom::Thing"
        assert create["LogicalResourceId"] == "Thing"
        assert create["ResourceProperties"] == {
            "ServiceToken": TOKEN_ARN, "Size": "3", "Flag": "true", "Name": "v1"}
        assert "PhysicalResourceId" not in create

        await harness.call("UpdateStack", stack_name="custom", template_body=body("v2"))
        stack = await harness.provider.wait_for_stack("custom")
        assert stack["StackStatus"] == "UPDATE_COMPLETE"
        update = events[1]
        assert update["RequestType"] == "Update"
        assert update["PhysicalResourceId"] == "thing-1"
        assert update["OldResourceProperties"]["Name"] == "v1"
        assert {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["Greeting"] == \
            "hello v2"

        await harness.call("DeleteStack", stack_name="custom")
        await harness.provider.wait_for_stack(stack["StackId"])
        assert events[2]["RequestType"] == "Delete"
        assert events[2]["PhysicalResourceId"] == "thing-1"

    asyncio.run(scenario())


def test_failed_response_fails_the_resource_with_its_reason(harness: Harness) -> None:
    events: list[dict[str, Any]] = []
    function_answering(harness, events, status="FAILED", reason="bucket is not empty")

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="custom", template_body=body())
        stack = await harness.provider.wait_for_stack("custom")
        assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
        failed = [e for e in await harness.events("custom") if e[1] == "CREATE_FAILED"]
        assert "Received response status [FAILED] from custom resource. Message returned:" \
            " bucket is not empty" in str(failed[0][2])

    asyncio.run(scenario())


def test_function_error_without_response_fails_fast(harness: Harness) -> None:
    harness.client.responders[("lambda", "Invoke")] = lambda params: {
        "StatusCode": 200, "FunctionError": "Unhandled", "Payload": b'{"errorMessage": "boom"}'}

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="custom", template_body=body())
        stack = await harness.provider.wait_for_stack("custom")
        assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
        failed = [e for e in await harness.events("custom") if e[1] == "CREATE_FAILED"]
        assert "boom" in str(failed[0][2])

    asyncio.run(scenario())


def test_route_rejects_unknown_tokens_and_bad_bodies(harness: Harness) -> None:
    (route,) = harness.provider.http_routes()
    assert route.prefix == ROUTE_PREFIX

    async def scenario() -> None:
        unknown = await route.handler(HttpRequest(
            method="PUT", path=CUSTOM_RESOURCE_PATH + "nope", body=b'{"Status": "SUCCESS"}'))
        assert unknown.status == 404
        harness.provider.custom_responses.expect("tok")
        bad = await route.handler(HttpRequest(method="PUT", path=CUSTOM_RESOURCE_PATH + "tok",
                                              body=b"not json"))
        assert bad.status == 400
        good = await route.handler(HttpRequest(method="PUT", path=CUSTOM_RESOURCE_PATH + "tok",
                                               body=b'{"Status": "SUCCESS"}'))
        assert good.status == 200
        assert await harness.provider.custom_responses.wait("tok", 1.0) == {"Status": "SUCCESS"}

    asyncio.run(scenario())


def test_no_response_times_out_with_aws_message(harness: Harness) -> None:
    harness.provider.env.services.custom_resource_timeout_s = 0.05
    harness.client.responders[("lambda", "Invoke")] = lambda params: {"StatusCode": 202}

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="custom", template_body=body())
        stack = await harness.provider.wait_for_stack("custom")
        assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
        failed = [e for e in await harness.events("custom") if e[1] == "CREATE_FAILED"]
        assert "CloudFormation did not receive a response from your Custom Resource" in str(
            failed[0][2])

    asyncio.run(scenario())


def replacing_body(name: str, breaker: str = "good") -> str:
    """``Thing``'s physical id follows its Name (a new Name → a new physical resource);
    ``Breaker`` (updated after Thing) fails when its Mode is ``bad``."""
    return json.dumps({"Resources": {
        "Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": TOKEN_ARN,
                                                          "Name": name}},
        "Breaker": {"Type": "Custom::Breaker", "DependsOn": "Thing",
                    "Properties": {"ServiceToken": TOKEN_ARN, "Mode": breaker}}},
        "Outputs": {"Id": {"Value": {"Ref": "Thing"}}}})


def replacing_function(harness: Harness, events: list[dict[str, Any]]) -> None:
    async def invoke(params: dict[str, Any]) -> dict[str, Any]:
        event = json.loads(params["Payload"])
        events.append(event)
        properties = event["ResourceProperties"]
        status, physical_id = "SUCCESS", event.get("PhysicalResourceId")
        if event["LogicalResourceId"] == "Thing" and event["RequestType"] != "Delete":
            physical_id = f"thing-{properties['Name']}"
        elif event["LogicalResourceId"] == "Breaker":
            physical_id = physical_id or "breaker-1"
            if event["RequestType"] != "Delete" and properties["Mode"] == "bad":
                status = "FAILED"
        response = {"Status": status, "Reason": "broken on purpose",
                    "PhysicalResourceId": physical_id, "StackId": event["StackId"],
                    "RequestId": event["RequestId"],
                    "LogicalResourceId": event["LogicalResourceId"]}
        url = event["ResponseURL"].removeprefix("http://127.0.0.1:4566")
        await harness.provider.custom_responses.handle(
            HttpRequest(method="PUT", path=url, body=json.dumps(response).encode()))
        return {"StatusCode": 200, "Payload": b"null"}

    harness.client.responders[("lambda", "Invoke")] = invoke


def requests_for(events: list[dict[str, Any]], logical_id: str) -> list[tuple[str, str | None]]:
    return [(e["RequestType"], e.get("PhysicalResourceId")) for e in events
            if e["LogicalResourceId"] == logical_id]


def test_replaced_custom_resource_is_deleted_in_cleanup(harness: Harness) -> None:
    events: list[dict[str, Any]] = []
    replacing_function(harness, events)

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="cr", template_body=replacing_body("v1"))
        assert (await harness.provider.wait_for_stack("cr"))["StackStatus"] == "CREATE_COMPLETE"
        await harness.call("UpdateStack", stack_name="cr",
                           template_body=replacing_body("v2", breaker="still-good"))
        stack = await harness.provider.wait_for_stack("cr")
        assert stack["StackStatus"] == "UPDATE_COMPLETE"
        assert stack["Outputs"][0]["OutputValue"] == "thing-v2"
        # The old resource is deleted last, after every other resource was updated.
        assert [(e["LogicalResourceId"], e["RequestType"]) for e in events[2:]] == [
            ("Thing", "Update"), ("Breaker", "Update"), ("Thing", "Delete")]
        delete = events[-1]
        assert delete["PhysicalResourceId"] == "thing-v1"
        assert delete["ResourceProperties"]["Name"] == "v1"
        statuses = [(logical, status) for logical, status, _ in await harness.events("cr")]
        cleanup = statuses.index(("cr", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
        assert statuses.index(("Thing", "DELETE_COMPLETE")) > cleanup

    asyncio.run(scenario())


def test_rollback_keeps_the_old_custom_resource_and_deletes_the_new(harness: Harness) -> None:
    events: list[dict[str, Any]] = []
    replacing_function(harness, events)

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="cr", template_body=replacing_body("v1"))
        assert (await harness.provider.wait_for_stack("cr"))["StackStatus"] == "CREATE_COMPLETE"
        await harness.call("UpdateStack", stack_name="cr",
                           template_body=replacing_body("v2", breaker="bad"))
        stack = await harness.provider.wait_for_stack("cr")
        assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
        thing = requests_for(events, "Thing")
        assert ("Delete", "thing-v1") not in thing
        assert thing == [("Create", None), ("Update", "thing-v1"), ("Delete", "thing-v2")]
        assert stack["Outputs"][0]["OutputValue"] == "thing-v1"
        statuses = [(logical, status) for logical, status, _ in await harness.events("cr")]
        cleanup = statuses.index(("cr", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"))
        assert statuses.index(("Thing", "DELETE_COMPLETE")) > cleanup
        resource = await harness.call("DescribeStackResource", stack_name="cr",
                                      logical_resource_id="Thing")
        assert resource["StackResourceDetail"]["PhysicalResourceId"] == "thing-v1"

        # The restored resource is the one a later delete removes.
        await harness.call("DeleteStack", stack_name="cr")
        await harness.provider.wait_for_stack(stack["StackId"])
        assert requests_for(events, "Thing")[-1] == ("Delete", "thing-v1")

    asyncio.run(scenario())

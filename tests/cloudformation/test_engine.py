"""The stack engine through the provider, with a fake internal client recording calls:
dependency order, update diffs, replacement, rollback, delete order, restart."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fogbank.core.errors import CommonServiceError

from .conftest import Harness

ROLE = {"Type": "AWS::IAM::Role", "Properties": {
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
    "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]}}


def function(timeout: int = 3, **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "app.handler", "Timeout": timeout,
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Code": {"S3Bucket": "hot-reload", "S3Key": "/code/app"},
        "Environment": {"Variables": {"TOPIC": {"Ref": "Topic"}}}, **extra}}


def template(**resources: Any) -> str:
    body = {"Resources": {"Topic": {"Type": "AWS::Kinesis::Stream"}, **resources},
            "Outputs": {"FunctionArn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}}}}
    return json.dumps(body)


V1 = template(
    Logs={"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn}"}, "RetentionInDays": 7}},
    Fn=function(), Role=ROLE)
V2 = template(Fn=function(timeout=30), Role=ROLE, Perm={
    "Type": "AWS::Lambda::Permission", "Properties": {
        "FunctionName": {"Ref": "Fn"}, "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com"}})


async def deploy(harness: Harness, operation: str, body: str, name: str = "demo") -> dict:
    await harness.call(operation, stack_name=name, template_body=body)
    return await harness.provider.wait_for_stack(name)


def test_create_update_delete_follow_dependencies(harness: Harness) -> None:
    async def scenario() -> None:
        created = await deploy(harness, "CreateStack", V1)
        assert created["StackStatus"] == "CREATE_COMPLETE"
        assert harness.client.ops() == [
            "iam:CreateRole", "iam:AttachRolePolicy", "lambda:CreateFunction",
            "logs:CreateLogGroup", "logs:PutRetentionPolicy"]
        (create_fn,) = harness.client.params("lambda", "CreateFunction")
        name = create_fn["FunctionName"]
        assert name.startswith("demo-Fn-") and len(name) <= 64
        role_name = harness.client.params("iam", "CreateRole")[0]["RoleName"]
        assert create_fn["Role"] == f"arn:aws:iam::000000000000:role/{role_name}"
        assert create_fn["Environment"]["Variables"]["TOPIC"].startswith("Topic-")
        assert create_fn["Code"] == {"S3Bucket": "hot-reload", "S3Key": "/code/app"}
        assert harness.client.params("logs", "CreateLogGroup") == [
            {"logGroupName": f"/aws/lambda/{name}"}]
        assert created["Outputs"] == [{"OutputKey": "FunctionArn", "OutputValue":
                                       f"arn:aws:lambda:us-east-1:000000000000:function:{name}"}]
        assert harness.provider.unsupported_types("demo") == ["AWS::Kinesis::Stream"]
        events = await harness.events("demo")
        assert events[0] == ("demo", "CREATE_IN_PROGRESS", "User Initiated")
        assert events[-1][:2] == ("demo", "CREATE_COMPLETE")
        assert ("Topic", "CREATE_COMPLETE",
                "Resource type AWS::Kinesis::Stream is not emulated by fogbank; Ref and Fn::GetAtt"
                " give placeholder values") in events

        harness.client.calls.clear()
        updated = await deploy(harness, "UpdateStack", V2)
        assert updated["StackStatus"] == "UPDATE_COMPLETE"
        assert harness.client.ops() == [
            "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "logs:DeleteLogGroup"]
        (config,) = harness.client.params("lambda", "UpdateFunctionConfiguration")
        assert config["FunctionName"] == name and config["Timeout"] == 30
        resources = await harness.call("ListStackResources", stack_name="demo")
        assert sorted(r["LogicalResourceId"] for r in resources["StackResourceSummaries"]) == [
            "Fn", "Perm", "Role", "Topic"]

        harness.client.calls.clear()
        deleted = await harness.call("DeleteStack", stack_name="demo")
        assert deleted == {}
        final = await harness.provider.wait_for_stack(
            (await harness.call("ListStacks"))["StackSummaries"][0]["StackId"])
        assert final["StackStatus"] == "DELETE_COMPLETE"
        assert harness.client.ops() == [
            "lambda:RemovePermission", "lambda:DeleteFunction", "iam:DetachRolePolicy",
            "iam:DeleteRole"]

    asyncio.run(scenario())


def test_code_change_updates_function_code_only(harness: Harness) -> None:
    async def scenario() -> None:
        await deploy(harness, "CreateStack", V1)
        harness.client.calls.clear()
        changed = V1.replace("/code/app", "/code/app2")
        assert (await deploy(harness, "UpdateStack", changed))["StackStatus"] == "UPDATE_COMPLETE"
        assert harness.client.ops() == ["lambda:UpdateFunctionCode"]
        assert harness.client.params("lambda", "UpdateFunctionCode")[0]["S3Key"] == "/code/app2"

    asyncio.run(scenario())


def test_changing_an_immutable_name_replaces_the_resource(harness: Harness) -> None:
    async def scenario() -> None:
        body = template(Fn=function(FunctionName="first"), Role=ROLE)
        await deploy(harness, "CreateStack", body)
        harness.client.calls.clear()
        renamed = template(Fn=function(FunctionName="second"), Role=ROLE)
        assert (await deploy(harness, "UpdateStack", renamed))["Outputs"][0]["OutputValue"]\
            .endswith(":function:second")
        assert harness.client.ops() == ["lambda:CreateFunction", "lambda:DeleteFunction"]
        assert harness.client.params("lambda", "DeleteFunction") == [{"FunctionName": "first"}]
        events = await harness.events("demo")
        assert ("Fn", "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new"
                " physical resource; hence creating one.") in events

    asyncio.run(scenario())


def test_failed_create_rolls_back_what_was_created(harness: Harness) -> None:
    harness.client.failures[("lambda", "CreateFunction")] = CommonServiceError(
        "InvalidParameterValueException", "The runtime parameter of python0 is not supported")

    async def scenario() -> None:
        stack = await deploy(harness, "CreateStack", V1)
        assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
        assert "Outputs" not in stack
        assert harness.client.ops() == [
            "iam:CreateRole", "iam:AttachRolePolicy", "lambda:CreateFunction",
            "iam:DetachRolePolicy", "iam:DeleteRole"]
        events = await harness.events("demo")
        (failed,) = [e for e in events if e[1] == "CREATE_FAILED"]
        assert failed[0] == "Fn" and "python0 is not supported" in str(failed[2])
        assert ("demo", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create:"
                " [Fn]. Rollback requested by user.") in events
        assert events[-1][:2] == ("demo", "ROLLBACK_COMPLETE")

    asyncio.run(scenario())


def test_failed_update_rolls_back_to_the_previous_configuration(harness: Harness) -> None:
    async def scenario() -> None:
        await deploy(harness, "CreateStack", V1)
        harness.client.calls.clear()
        harness.client.failures[("lambda", "AddPermission")] = CommonServiceError(
            "ResourceConflictException", "The statement id already exists")
        stack = await deploy(harness, "UpdateStack", V2)
        assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
        timeouts = [p["Timeout"] for p in harness.client.params(
            "lambda", "UpdateFunctionConfiguration")]
        assert timeouts == [30, 3]
        assert "logs:DeleteLogGroup" not in harness.client.ops()
        resources = await harness.call("DescribeStackResources", stack_name="demo")
        assert sorted(r["LogicalResourceId"] for r in resources["StackResources"]) == [
            "Fn", "Logs", "Role", "Topic"]
        template_now = await harness.call("GetTemplate", stack_name="demo")
        assert template_now["TemplateBody"] == V1

    asyncio.run(scenario())


def test_stacks_and_events_survive_a_restart(harness: Harness) -> None:
    async def scenario() -> None:
        await deploy(harness, "CreateStack", V1)

    asyncio.run(scenario())
    harness.provider = harness.build()

    async def after() -> None:
        stack = (await harness.call("DescribeStacks", stack_name="demo"))["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        assert (await harness.events("demo"))[-1][1] == "CREATE_COMPLETE"
        detail = await harness.call("DescribeStackResource", stack_name="demo",
                                    logical_resource_id="Fn")
        assert detail["StackResourceDetail"]["ResourceStatus"] == "CREATE_COMPLETE"

    asyncio.run(after())


def test_exports_and_imports_between_stacks(harness: Harness) -> None:
    exporter = json.dumps({"Resources": {"Topic": {"Type": "AWS::Kinesis::Stream"}}, "Outputs": {
        "TopicArn": {"Value": {"Fn::GetAtt": ["Topic", "Arn"]},
                     "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-topic"}}}}})
    importer = json.dumps({"Resources": {"Group": {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": {"Fn::ImportValue": "shared-topic"}}}}})

    async def scenario() -> None:
        await deploy(harness, "CreateStack", exporter, name="shared")
        exports = (await harness.call("ListExports"))["Exports"]
        assert [e["Name"] for e in exports] == ["shared-topic"]
        assert exports[0]["Value"].startswith("arn:aws:kinesis:us-east-1:000000000000:Topic-")
        assert (await deploy(harness, "CreateStack", importer, name="user"))[
            "StackStatus"] == "CREATE_COMPLETE"
        assert harness.client.params("logs", "CreateLogGroup")[0]["logGroupName"] == exports[
            0]["Value"]
        try:
            await harness.call("DeleteStack", stack_name="shared")
        except Exception as error:  # noqa: BLE001
            assert "Export shared-topic cannot be deleted as it is in use by user" in str(error)
        else:
            raise AssertionError("deleting an imported export must fail")

    asyncio.run(scenario())


def test_processed_sam_app_deploys_through_the_handlers(harness: Harness) -> None:
    from pathlib import Path

    from fogbank.templates import load_template

    processed = load_template(Path(__file__).parent.parent / "templates" / "sam_app").processed

    async def scenario() -> None:
        stack = await deploy(harness, "CreateStack", json.dumps(processed), name="samapp")
        assert stack["StackStatus"] == "CREATE_COMPLETE", await harness.events("samapp")
        ops = harness.client.ops()
        assert ops.index("lambda:PublishLayerVersion") < ops.index("lambda:CreateFunction")
        assert ops.index("apigatewayv2:ImportApi") > ops.index("lambda:CreateFunction")
        assert ops.index("apigateway:CreateDeployment") < ops.index("apigateway:CreateStage")
        (http_api,) = harness.client.params("apigatewayv2", "ImportApi")
        body = json.loads(http_api["Body"])
        uri = body["paths"]["/hello"]["get"]["x-amazon-apigateway-integration"]["uri"]
        hello = harness.client.params("lambda", "CreateFunction")[0]["FunctionName"]
        assert uri == ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                       f"arn:aws:lambda:us-east-1:000000000000:function:{hello}/invocations")
        (stage,) = harness.client.params("apigatewayv2", "CreateStage")
        assert stage["ApiId"] == "httpapi1" and stage["StageName"] == "$default"
        permissions = harness.client.params("lambda", "AddPermission")
        assert {p["SourceArn"] for p in permissions} >= {
            "arn:aws:execute-api:us-east-1:000000000000:httpapi1/*/GET/hello",
            "arn:aws:execute-api:us-east-1:000000000000:restapi1/*/POST/orders"}
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        assert outputs["HelloApiUrl"] == "https://httpapi1.execute-api.us-east-1.amazonaws.com/hello"
        assert harness.provider.unsupported_types("samapp") == []
        assert harness.client.params("sqs", "CreateQueue")
        assert harness.client.params("events", "PutRule")
        (table,) = harness.client.params("dynamodb", "CreateTable")
        assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
        (mapping,) = harness.client.params("lambda", "CreateEventSourceMapping")
        assert mapping["EventSourceArn"].startswith("arn:aws:sqs:us-east-1:000000000000:")
        assert mapping["BatchSize"] == 5

    asyncio.run(scenario())


def test_update_the_service_cannot_do_in_place_becomes_a_replacement(harness: Harness) -> None:
    from fogbank.core.errors import NotImplementedOperation

    async def scenario() -> None:
        await deploy(harness, "CreateStack", V1)
        harness.client.calls.clear()
        harness.client.failures[("lambda", "UpdateFunctionConfiguration")] = \
            NotImplementedOperation("lambda", "UpdateFunctionConfiguration")
        stack = await deploy(harness, "UpdateStack", V1.replace('"Timeout": 3', '"Timeout": 9'))
        assert stack["StackStatus"] == "UPDATE_COMPLETE"
        assert harness.client.ops()[:2] == ["lambda:UpdateFunctionConfiguration",
                                            "lambda:CreateFunction"]
        assert "lambda:DeleteFunction" in harness.client.ops()

    asyncio.run(scenario())


def test_auto_publish_alias_publishes_a_version_and_points_the_alias(harness: Harness) -> None:
    from fogbank.templates import process_template

    code = harness.tmp_path / "src"
    code.mkdir()
    sam = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Fn": {
        "Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": "src", "Handler": "app.handler", "Runtime": "python3.12",
            "AutoPublishAlias": "live"}}}}
    processed, problems = process_template(sam, harness.tmp_path, region="us-east-1")
    assert problems == [] and processed is not None

    async def scenario() -> None:
        stack = await deploy(harness, "CreateStack", json.dumps(processed), name="alias")
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        function_name = harness.client.params("lambda", "CreateFunction")[0]["FunctionName"]
        assert harness.client.params("lambda", "PublishVersion")[0]["FunctionName"] == \
            function_name
        (alias,) = harness.client.params("lambda", "CreateAlias")
        assert alias == {"FunctionName": function_name, "Name": "live", "FunctionVersion": "1"}

    asyncio.run(scenario())

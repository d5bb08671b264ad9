"""CloudFormation operations: validation errors, change sets, summaries, SAM bodies."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from fogbank.services.cloudformation.errors import (
    AlreadyExistsException,
    InsufficientCapabilitiesException,
    InvalidChangeSetStatusException,
    ValidationError,
)

from .conftest import Harness

SIMPLE = json.dumps({
    "Description": "simple",
    "Parameters": {
        "Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
        "Secret": {"Type": "String", "NoEcho": True, "Default": "s3cr3t"},
        "Retention": {"Type": "Number", "Default": 7},
    },
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
    "Resources": {
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": {"Fn::Sub": "/app/${Stage}"},
            "RetentionInDays": {"Ref": "Retention"}}},
        "ProdOnly": {"Type": "AWS::Logs::LogGroup", "Condition": "IsProd",
                     "Properties": {"LogGroupName": "/prod-only"}},
    },
    "Outputs": {"Group": {"Value": {"Ref": "Logs"}, "Description": "the group"}},
})


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


def test_describe_unknown_stack_is_a_validation_error(harness: Harness) -> None:
    with pytest.raises(ValidationError, match="Stack with id nope does not exist"):
        run(harness.call("DescribeStacks", stack_name="nope"))
    assert run(harness.call("DeleteStack", stack_name="nope")) == {}


def test_parameters_conditions_and_no_echo(harness: Harness) -> None:
    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="simple", template_body=SIMPLE)
        stack = await harness.provider.wait_for_stack("simple")
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        assert stack["Description"] == "simple"
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
        assert parameters == {"Stage": "dev", "Secret": "****", "Retention": "7"}
        assert harness.client.ops("logs") == ["logs:CreateLogGroup", "logs:PutRetentionPolicy"]
        assert harness.client.params("logs", "PutRetentionPolicy")[0]["retentionInDays"] == 7
        assert stack["Outputs"] == [{"OutputKey": "Group", "OutputValue": "/app/dev",
                                     "Description": "the group"}]
        with pytest.raises(AlreadyExistsException):
            await harness.call("CreateStack", stack_name="simple", template_body=SIMPLE)
        with pytest.raises(ValidationError, match="No updates are to be performed."):
            await harness.call("UpdateStack", stack_name="simple", template_body=SIMPLE)
        await harness.call("UpdateStack", stack_name="simple", use_previous_template=True,
                           parameters=[{"ParameterKey": "Stage", "ParameterValue": "prod"}])
        stack = await harness.provider.wait_for_stack("simple")
        assert stack["StackStatus"] == "UPDATE_COMPLETE"
        groups = [p["logGroupName"] for p in harness.client.params("logs", "CreateLogGroup")]
        assert groups == ["/app/dev", "/app/prod", "/prod-only"]
        assert harness.client.params("logs", "DeleteLogGroup") == [{"logGroupName": "/app/dev"}]

    run(scenario())


def test_bad_input_gets_aws_errors(harness: Harness) -> None:
    async def scenario() -> None:
        with pytest.raises(ValidationError, match="must be one of AllowedValues"):
            await harness.call("CreateStack", stack_name="bad", template_body=SIMPLE,
                               parameters=[{"ParameterKey": "Stage", "ParameterValue": "qa"}])
        with pytest.raises(ValidationError, match="do not exist in the template"):
            await harness.call("CreateStack", stack_name="bad", template_body=SIMPLE,
                               parameters=[{"ParameterKey": "Nope", "ParameterValue": "x"}])
        with pytest.raises(ValidationError, match="regular expression"):
            await harness.call("CreateStack", stack_name="1bad", template_body=SIMPLE)
        with pytest.raises(ValidationError, match="Template format error"):
            await harness.call("CreateStack", stack_name="bad", template_body="Resources: [")
        dangling = json.dumps({"Resources": {"A": {"Type": "AWS::Logs::LogGroup",
                                                   "Properties": {"LogGroupName": {
                                                       "Ref": "Missing"}}}}})
        with pytest.raises(ValidationError, match="Missing"):
            await harness.call("CreateStack", stack_name="bad", template_body=dangling)
        role = json.dumps({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {}}}}})
        with pytest.raises(InsufficientCapabilitiesException,
                           match=r"Requires capabilities : \[CAPABILITY_IAM\]"):
            await harness.call("CreateStack", internal=False, stack_name="bad",
                               template_body=role)

    run(scenario())


def test_change_sets_create_then_update(harness: Harness) -> None:
    async def scenario() -> None:
        created = await harness.call("CreateChangeSet", stack_name="cs", change_set_name="one",
                                     change_set_type="CREATE", template_body=SIMPLE)
        described = await harness.call("DescribeChangeSet", change_set_name="one",
                                       stack_name="cs")
        assert described["Status"] == "CREATE_COMPLETE"
        assert described["ExecutionStatus"] == "AVAILABLE"
        assert [c["ResourceChange"]["Action"] for c in described["Changes"]] == ["Add"]
        stack = (await harness.call("DescribeStacks", stack_name="cs"))["Stacks"][0]
        assert stack["StackStatus"] == "REVIEW_IN_PROGRESS"
        await harness.call("ExecuteChangeSet", change_set_name=created["Id"])
        stack = await harness.provider.wait_for_stack("cs")
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        with pytest.raises(InvalidChangeSetStatusException):
            await harness.call("ExecuteChangeSet", change_set_name=created["Id"])

        same = await harness.call("CreateChangeSet", stack_name="cs", change_set_name="two",
                                  template_body=SIMPLE)
        described = await harness.call("DescribeChangeSet", change_set_name=same["Id"])
        assert described["Status"] == "FAILED"
        assert described["StatusReason"].startswith("The submitted information didn't contain")

        changed = SIMPLE.replace('"/app/${Stage}"', '"/app2/${Stage}"')
        update = await harness.call("CreateChangeSet", stack_name="cs",
                                    change_set_name="three", template_body=changed)
        described = await harness.call("DescribeChangeSet", change_set_name=update["Id"])
        (change,) = described["Changes"]
        assert change["ResourceChange"]["Action"] == "Modify"
        assert change["ResourceChange"]["Replacement"] == "True"
        await harness.call("ExecuteChangeSet", change_set_name="three", stack_name="cs")
        assert (await harness.provider.wait_for_stack("cs"))["StackStatus"] == "UPDATE_COMPLETE"
        assert harness.client.params("logs", "DeleteLogGroup") == [{"logGroupName": "/app/dev"}]
        summaries = (await harness.call("ListChangeSets", stack_name="cs"))["Summaries"]
        assert {s["ChangeSetName"]: s["ExecutionStatus"] for s in summaries}["three"] == \
            "EXECUTE_COMPLETE"
        await harness.call("DeleteChangeSet", change_set_name="two", stack_name="cs")

    run(scenario())


def test_sam_template_body_is_transformed_server_side(harness: Harness) -> None:
    code = harness.tmp_path / "src"
    code.mkdir()
    sam = ("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
           "    Type: AWS::Serverless::Function\n"
           "    Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12}\n")

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="sam", template_body=sam)
        stack = await harness.provider.wait_for_stack("sam")
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        (create,) = harness.client.params("lambda", "CreateFunction")
        assert create["Code"] == {"S3Bucket": "hot-reload", "S3Key": str(code.resolve())}
        processed = await harness.call("GetTemplate", stack_name="sam",
                                       template_stage="Processed")
        assert "AWS::Lambda::Function" in processed["TemplateBody"]
        original = await harness.call("GetTemplate", stack_name="sam")
        assert original["TemplateBody"] == sam
        with pytest.raises(InsufficientCapabilitiesException, match="CAPABILITY_AUTO_EXPAND"):
            await harness.call("CreateStack", internal=False, stack_name="sam2",
                               template_body=sam, capabilities=["CAPABILITY_IAM"])

    run(scenario())


def test_template_summary_and_validate_template(harness: Harness) -> None:
    async def scenario() -> None:
        summary = await harness.call("GetTemplateSummary", template_body=SIMPLE)
        assert summary["ResourceTypes"] == ["AWS::Logs::LogGroup"]
        stage = next(p for p in summary["Parameters"] if p["ParameterKey"] == "Stage")
        assert stage == {"ParameterKey": "Stage", "NoEcho": False, "DefaultValue": "dev",
                         "ParameterType": "String",
                         "ParameterConstraints": {"AllowedValues": ["dev", "prod"]}}
        validated = await harness.call("ValidateTemplate", template_body=SIMPLE)
        assert validated["Description"] == "simple"
        assert {p["ParameterKey"] for p in validated["Parameters"]} == {
            "Stage", "Secret", "Retention"}
        with pytest.raises(ValidationError, match="At least one Resources member"):
            await harness.call("ValidateTemplate", template_body='{"Resources": {}}')

    run(scenario())


def test_interrupted_operations_are_marked_failed_on_restart(harness: Harness,
                                                             tmp_path: Path) -> None:
    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="simple", template_body=SIMPLE)
        await harness.provider.wait_for_stack("simple")

    run(scenario())
    stack = harness.provider.store.live_by_name("simple")
    assert stack is not None
    stack.status = "UPDATE_IN_PROGRESS"
    harness.provider.store.save(stack)
    harness.provider = harness.build()
    described = run(harness.call("DescribeStacks", stack_name="simple"))["Stacks"][0]
    assert described["StackStatus"] == "UPDATE_ROLLBACK_FAILED"


def test_ssm_parameter_types_read_the_local_parameter_store(harness: Harness) -> None:
    harness.client.responders[("ssm", "GetParameter")] = lambda params: {
        "Parameter": {"Name": params["Name"], "Value": "from-ssm"}}
    body = json.dumps({
        "Parameters": {"Prefix": {"Type": "AWS::SSM::Parameter::Value<String>",
                                  "Default": "/app/prefix"}},
        "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": {"Ref": "Prefix"}}}}})

    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="ssm", template_body=body)
        assert (await harness.provider.wait_for_stack("ssm"))["StackStatus"] == "CREATE_COMPLETE"
        assert harness.client.params("ssm", "GetParameter") == [{"Name": "/app/prefix"}]
        assert harness.client.params("logs", "CreateLogGroup") == [{"logGroupName": "from-ssm"}]

    run(scenario())


def test_continue_update_rollback_restores_the_last_good_template(harness: Harness) -> None:
    async def scenario() -> None:
        await harness.call("CreateStack", stack_name="simple", template_body=SIMPLE)
        await harness.provider.wait_for_stack("simple")
        stack = harness.provider.store.live_by_name("simple")
        assert stack is not None
        stack.status = "UPDATE_ROLLBACK_FAILED"
        stack.resources["Logs"].properties["RetentionInDays"] = 30  # as left half-updated
        harness.provider.store.save(stack)
        with pytest.raises(ValidationError, match="can not be updated"):
            await harness.call("UpdateStack", stack_name="simple", template_body=SIMPLE)
        await harness.call("ContinueUpdateRollback", stack_name="simple")
        final = await harness.provider.wait_for_stack("simple")
        assert final["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
        assert harness.client.params("logs", "PutRetentionPolicy")[-1]["retentionInDays"] == 7

    run(scenario())

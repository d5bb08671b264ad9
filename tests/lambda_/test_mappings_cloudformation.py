"""AWS::Lambda::EventSourceMapping and AWS::Lambda::EventInvokeConfig through the local
CloudFormation engine: create with every property passed through, in-place update
(a removed property is cleared), delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from fogbank.testing import run_app

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
PATTERN = json.dumps({"body": {"kind": ["keep"]}})


def _template(mapping: dict[str, Any] | None, invoke_config: dict[str, Any] | None) -> str:
    resources: dict[str, Any] = {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Failures": {"Type": "AWS::SQS::Queue"},
        "Worker": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "Role": ROLE,
            "Code": {"ZipFile": "def handler(event, context):\n    return None\n"}}},
    }
    if mapping is not None:
        resources["Mapping"] = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "Worker"},
            "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]}, **mapping}}
    if invoke_config is not None:
        resources["AsyncConfig"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": "Worker"}, "Qualifier": "$LATEST", **invoke_config}}
    return yaml.safe_dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})


def test_mapping_and_invoke_config_lifecycle(tmp_path: Path) -> None:
    template = tmp_path / "app" / "template.yaml"
    template.parent.mkdir()
    failures_arn = {"Fn::GetAtt": ["Failures", "Arn"]}
    template.write_text(_template(
        {"BatchSize": 5, "Enabled": "false", "FunctionResponseTypes": ["ReportBatchItemFailures"],
         "FilterCriteria": {"Filters": [{"Pattern": PATTERN}]},
         "ScalingConfig": {"MaximumConcurrency": 3}},
        {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": "120",
         "DestinationConfig": {"OnFailure": {"Destination": failures_arn}}}))
    with run_app(template.parent, state_dir=tmp_path / "state") as app:
        client = app.client("lambda")
        function = app.function_name("Worker")
        uuid = app.stack.physical_id("Mapping")
        mapping = client.get_event_source_mapping(UUID=uuid)
        assert mapping["BatchSize"] == 5 and mapping["State"] == "Disabled"
        assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": PATTERN}]}
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": 3}
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        config = client.get_function_event_invoke_config(FunctionName=function)
        assert (config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"]) == (1, 120)
        assert config["DestinationConfig"]["OnFailure"]["Destination"].endswith(
            app.stack.physical_id("Failures").rsplit("/", 1)[1])

        template.write_text(_template({"BatchSize": 8}, {"MaximumRetryAttempts": 0}))
        app.redeploy()
        mapping = client.get_event_source_mapping(UUID=uuid)
        assert mapping["BatchSize"] == 8 and mapping["State"] == "Enabled"
        assert "FilterCriteria" not in mapping and "ScalingConfig" not in mapping
        assert mapping["FunctionResponseTypes"] == []
        config = client.get_function_event_invoke_config(FunctionName=function)
        assert config["MaximumRetryAttempts"] == 0 and "MaximumEventAgeInSeconds" not in config
        assert config["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}

        template.write_text(_template(None, None))
        app.redeploy()
        assert client.list_event_source_mappings(FunctionName=function)[
            "EventSourceMappings"] == []
        assert client.list_function_event_invoke_configs(FunctionName=function)[
            "FunctionEventInvokeConfigs"] == []

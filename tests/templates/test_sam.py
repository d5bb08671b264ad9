"""A representative SAM application goes through the offline transform with local code
mapped to hot-reload locations; cfn-lint judges the processed template."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fogbank.templates import HOT_RELOAD_BUCKET, TemplateError, load_template

SAM_APP = Path(__file__).parent / "sam_app"


def _resources_of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {lid: res for lid, res in template["Resources"].items() if res["Type"] == resource_type}


def test_sam_app_expands_to_plain_cloudformation() -> None:
    loaded = load_template(SAM_APP)
    processed = loaded.processed
    assert loaded.source_path == (SAM_APP / "template.yaml").resolve()
    assert loaded.base_dir == SAM_APP.resolve()
    assert "Transform" in loaded.original and "Transform" not in processed
    types = {res["Type"] for res in processed["Resources"].values()}
    assert not any(t.startswith("AWS::Serverless::") for t in types)
    assert {"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::Lambda::LayerVersion",
            "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::RestApi",
            "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage", "AWS::Lambda::Permission",
            "AWS::DynamoDB::Table"} <= types


def test_function_code_and_layer_content_become_hot_reload_locations() -> None:
    processed = load_template(SAM_APP).processed
    functions = _resources_of_type(processed, "AWS::Lambda::Function")
    assert functions["HelloFunction"]["Properties"]["Code"] == {
        "S3Bucket": HOT_RELOAD_BUCKET, "S3Key": str((SAM_APP / "src" / "hello").resolve())}
    assert functions["OrdersFunction"]["Properties"]["Code"]["S3Key"] == str(
        (SAM_APP / "src" / "orders").resolve())
    (layer,) = _resources_of_type(processed, "AWS::Lambda::LayerVersion").values()
    assert layer["Properties"]["Content"] == {
        "S3Bucket": HOT_RELOAD_BUCKET, "S3Key": str((SAM_APP / "layers" / "shared").resolve())}


def test_globals_and_policies_are_applied() -> None:
    processed = load_template(SAM_APP).processed
    hello = processed["Resources"]["HelloFunction"]["Properties"]
    assert hello["Runtime"] == "python3.11" and hello["MemorySize"] == 256
    assert hello["Environment"]["Variables"]["STAGE"] == {"Ref": "Stage"}
    role = processed["Resources"]["HelloFunctionRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    orders_role = processed["Resources"]["OrdersFunctionRole"]["Properties"]
    (policy,) = orders_role["Policies"]
    actions = policy["PolicyDocument"]["Statement"][0]["Action"]
    assert "dynamodb:PutItem" in actions and "dynamodb:Query" in actions


def test_globals_code_uri_and_definition_uri_are_mapped(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Function:\n    CodeUri: code\n    Runtime: python3.12\n"
        "Resources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: app.handler}\n"
        "  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties: {DefinitionUri: api.yaml}\n")
    processed = load_template(tmp_path).processed
    assert processed["Resources"]["Fn"]["Properties"]["Code"]["S3Key"] == str(
        (tmp_path / "code").resolve())
    body = processed["Resources"]["Api"]["Properties"]["Body"]
    assert body["openapi"] == "3.0.1"


def test_missing_code_directory_is_a_template_problem(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: nowhere, Handler: a.b, Runtime: python3.12}\n")
    with pytest.raises(TemplateError) as caught:
        load_template(tmp_path)
    (problem,) = caught.value.problems
    assert problem.logical_id == "Fn"
    assert problem.path == "Resources.Fn.Properties.CodeUri"


def test_plain_cloudformation_passes_through(tmp_path: Path) -> None:
    (tmp_path / "template.json").write_text(json.dumps(
        {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))
    loaded = load_template(tmp_path / "template.json")
    assert loaded.processed == loaded.original


@pytest.mark.skipif(shutil.which("cfn-lint") is None and not shutil.which(
    "cfn-lint", path=str(Path(sys.executable).parent)), reason="cfn-lint is not installed")
def test_cfn_lint_finds_no_errors_in_the_processed_sam_app(tmp_path: Path) -> None:
    processed = load_template(SAM_APP).processed
    target = tmp_path / "processed.json"
    target.write_text(json.dumps(processed, indent=1))
    executable = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
    run = subprocess.run([executable, "--format", "parseable", "--regions", "us-east-1",
                          str(target)], capture_output=True, text=True, timeout=110)
    errors = [line for line in run.stdout.splitlines() if ":E" in line]
    assert errors == [], run.stdout + run.stderr


def test_plain_cloudformation_local_code_paths_are_mapped(tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties: {Code: fn, Handler: a.b, Runtime: python3.12, Role: arn:role}\n")
    loaded = load_template(tmp_path)
    assert loaded.processed["Resources"]["Fn"]["Properties"]["Code"] == {
        "S3Bucket": HOT_RELOAD_BUCKET, "S3Key": str((tmp_path / "fn").resolve())}
    assert loaded.original["Resources"]["Fn"]["Properties"]["Code"] == "fn"

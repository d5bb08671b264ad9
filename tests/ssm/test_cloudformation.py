"""AWS::SSM::Parameter and AWS::SecretsManager::Secret through the stack engine, with real
SSM and Secrets Manager providers behind the internal client, and dynamic references."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import ServiceContext
from fogbank.services.cloudformation import CloudFormationProvider
from fogbank.services.dispatch import Dispatcher
from fogbank.services.secretsmanager import SecretsManagerProvider
from fogbank.services.ssm import SsmProvider


class Stacks:
    def __init__(self, tmp_path: Path) -> None:
        config = CloudConfig(state_dir=tmp_path, region="us-east-1")
        self.dispatcher = Dispatcher([], region="us-east-1", account_id="000000000000",
                                     ids=Ids(seed=11))
        clock = ManualClock()

        def context(service: str) -> ServiceContext:
            return ServiceContext(config, clock, self.dispatcher.ids, self.dispatcher,
                                  config.service_dir(service))

        self.cfn = CloudFormationProvider(context("cloudformation"),
                                          custom_resource_timeout_s=5.0,
                                          template_base_dir=tmp_path)
        for provider in (SsmProvider(context("ssm")),
                         SecretsManagerProvider(context("secretsmanager")), self.cfn):
            self.dispatcher.add(provider)

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        return asyncio.run(self.dispatcher.call(service, operation, params))

    def deploy(self, template: dict[str, Any], operation: str = "CreateStack",
               name: str = "demo") -> dict[str, Any]:
        async def run() -> dict[str, Any]:
            await self.dispatcher.call("cloudformation", operation, {
                "StackName": name, "TemplateBody": json.dumps(template)})
            return await self.cfn.wait_for_stack(name)  # type: ignore[no-any-return]
        return asyncio.run(run())

    def delete(self, name: str = "demo") -> None:
        async def run() -> None:
            described = await self.dispatcher.call("cloudformation", "DescribeStacks",
                                                   {"StackName": name})
            stack_id = described["Stacks"][0]["StackId"]
            await self.dispatcher.call("cloudformation", "DeleteStack", {"StackName": name})
            await self.cfn.wait_for_stack(stack_id)
        asyncio.run(run())

    def reasons(self, name: str = "demo") -> list[str]:
        events = self.call("cloudformation", "DescribeStackEvents", StackName=name)
        return [e.get("ResourceStatusReason", "") for e in events["StackEvents"]
                if e["ResourceStatus"].endswith("FAILED")]


@pytest.fixture
def stacks(tmp_path: Path) -> Stacks:
    return Stacks(tmp_path)


def _status(stack: dict[str, Any]) -> str:
    return str(stack.get("StackStatus") or stack.get("status"))


PARAM = {"Type": "AWS::SSM::Parameter",
         "Properties": {"Name": "/app/url", "Type": "String", "Value": "v1",
                        "Tags": {"team": "a"}}}


def test_parameter_create_update_delete(stacks: Stacks) -> None:
    stack = stacks.deploy({"Resources": {"Url": PARAM, "Generated": {
        "Type": "AWS::SSM::Parameter", "Properties": {"Type": "StringList", "Value": "a,b"}}},
        "Outputs": {"Name": {"Value": {"Ref": "Generated"}},
                    "Type": {"Value": {"Fn::GetAtt": ["Generated", "Type"]}}}})
    assert "COMPLETE" in _status(stack) and "ROLLBACK" not in _status(stack)
    described = stacks.call("cloudformation", "DescribeStacks", StackName="demo")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    assert outputs["Name"].startswith("CFN-Generated-") and outputs["Type"] == "StringList"
    assert stacks.call("ssm", "GetParameter", Name=outputs["Name"])["Parameter"]["Value"] == "a,b"

    updated = {"Type": "AWS::SSM::Parameter",
               "Properties": {"Name": "/app/url", "Type": "String", "Value": "v2",
                              "Tags": {"team": "b", "env": "prod"}}}
    stacks.deploy({"Resources": {"Url": updated}}, "UpdateStack")
    got = stacks.call("ssm", "GetParameter", Name="/app/url")["Parameter"]
    assert (got["Value"], got["Version"]) == ("v2", 2)
    tags = stacks.call("ssm", "ListTagsForResource", ResourceType="Parameter",
                       ResourceId="/app/url")["TagList"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "prod"), ("team", "b")]
    with pytest.raises(ServiceError):
        stacks.call("ssm", "GetParameter", Name=outputs["Name"])

    stacks.delete()
    with pytest.raises(ServiceError) as caught:
        stacks.call("ssm", "GetParameter", Name="/app/url")
    assert caught.value.error_code == "ParameterNotFound"


def test_securestring_parameter_is_rejected(stacks: Stacks) -> None:
    stack = stacks.deploy({"Resources": {"Secure": {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Name": "/s", "Type": "SecureString", "Value": "x"}}}})
    assert "ROLLBACK" in _status(stack)
    assert any("Properties validation failed for resource Secure" in r
               for r in stacks.reasons())


def test_secret_generate_and_template_and_delete(stacks: Stacks) -> None:
    stacks.deploy({"Resources": {
        "Db": {"Type": "AWS::SecretsManager::Secret", "Properties": {
            "Name": "db", "Tags": [{"Key": "k", "Value": "v"}],
            "GenerateSecretString": {"SecretStringTemplate": "{\"user\": \"u\"}",
                                     "GenerateStringKey": "pw", "PasswordLength": 16,
                                     "ExcludeCharacters": "abc"}}},
        "Default": {"Type": "AWS::SecretsManager::Secret"}},
        "Outputs": {"Arn": {"Value": {"Ref": "Db"}},
                    "Id": {"Value": {"Fn::GetAtt": ["Default", "Id"]}}}})
    value = json.loads(stacks.call("secretsmanager", "GetSecretValue",
                                   SecretId="db")["SecretString"])
    assert value["user"] == "u" and len(value["pw"]) == 16
    assert not set("abc") & set(value["pw"])
    described = stacks.call("cloudformation", "DescribeStacks", StackName="demo")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    default = stacks.call("secretsmanager", "GetSecretValue", SecretId=outputs["Id"])
    assert len(default["SecretString"]) == 32 and default["Name"].startswith("Default-")
    assert stacks.call("secretsmanager", "DescribeSecret",
                       SecretId=outputs["Arn"])["Tags"] == [{"Key": "k", "Value": "v"}]
    stacks.delete()
    assert stacks.call("secretsmanager", "ListSecrets",
                       IncludePlannedDeletion=True)["SecretList"] == []


def test_dynamic_references_resolve_in_properties(stacks: Stacks) -> None:
    stacks.call("ssm", "PutParameter", Name="/base", Value="one", Type="String")
    stacks.call("ssm", "PutParameter", Name="/base", Value="two", Overwrite=True)
    stacks.call("ssm", "PutParameter", Name="/secure", Value="hush", Type="SecureString")
    created = stacks.call("secretsmanager", "CreateSecret", Name="creds",
                          SecretString=json.dumps({"user": "u", "port": 5432}))
    arn, first_version = created["ARN"], created["VersionId"]
    stacks.call("secretsmanager", "PutSecretValue", SecretId="creds",
                SecretString=json.dumps({"user": "new", "port": 1}))

    def value_of(text: str) -> str:
        name = f"/copy/{abs(hash(text))}"
        stack = stacks.deploy({"Resources": {"Copy": {"Type": "AWS::SSM::Parameter",
                                                      "Properties": {"Name": name,
                                                                     "Type": "String",
                                                                     "Value": text}}}},
                              name=f"s{abs(hash(text))}")
        assert "ROLLBACK" not in _status(stack), stacks.reasons(f"s{abs(hash(text))}")
        return str(stacks.call("ssm", "GetParameter", Name=name)["Parameter"]["Value"])

    assert value_of("{{resolve:ssm:/base}}") == "two"
    events = stacks.call("cloudformation", "DescribeStackEvents",
                         StackName=f"s{abs(hash('{{resolve:ssm:/base}}'))}")["StackEvents"]
    recorded = [e["ResourceProperties"] for e in events if e.get("ResourceProperties")]
    assert recorded and all("{{resolve:ssm:/base}}" in text for text in recorded)
    assert value_of("x-{{resolve:ssm:/base:1}}-y") == "x-one-y"
    assert value_of("{{resolve:ssm-secure:/secure}}") == "hush"
    assert value_of("{{resolve:secretsmanager:creds:SecretString:user}}") == "new"
    assert value_of("{{resolve:secretsmanager:creds:SecretString:user:AWSPREVIOUS}}") == "u"
    assert value_of(f"{{{{resolve:secretsmanager:{arn}:SecretString:port}}}}") == "1"
    assert json.loads(value_of("{{resolve:secretsmanager:creds}}"))["user"] == "new"
    assert value_of("{{resolve:secretsmanager:creds:SecretString:user::"
                    f"{first_version}}}}}") == "u"
    assert json.loads(value_of(f"{{{{resolve:secretsmanager:{arn[:-7]}}}}}"))["port"] == 1


@pytest.mark.parametrize(("reference", "reason"), [
    ("{{resolve:ssm:/missing}}", "Parameters: [ssm:/missing] cannot be found."),
    ("{{resolve:ssm:/base:9}}", "Parameters: [ssm:/base:9] cannot be found."),
    ("{{resolve:ssm:/secure}}", "Parameters [/secure] referenced by template have types not"
                                " supported by CloudFormation."),
    ("{{resolve:secretsmanager:nope}}", "Secrets Manager can't find the specified secret."),
    ("{{resolve:secretsmanager:creds:SecretString:absent}}", "Could not find key absent"),
    ("{{resolve:secretsmanager:creds:SecretBinary}}", "only SecretString is supported"),
    ("{{resolve:secretsmanager:creds:SecretString:a:AWSCURRENT:" + "b" * 36 + "}}",
     "You can't specify both version-stage and version-id"),
])
def test_unresolvable_reference_fails_the_resource(stacks: Stacks, reference: str,
                                                   reason: str) -> None:
    stacks.call("ssm", "PutParameter", Name="/base", Value="one", Type="String")
    stacks.call("ssm", "PutParameter", Name="/secure", Value="hush", Type="SecureString")
    stacks.call("secretsmanager", "CreateSecret", Name="creds", SecretString="{\"a\": 1}")
    stack = stacks.deploy({"Resources": {"Copy": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": "/copy", "Type": "String", "Value": reference}}}})
    assert "ROLLBACK" in _status(stack)
    assert any(reason in r for r in stacks.reasons()), stacks.reasons()


def test_ssm_parameter_types_in_template_parameters(stacks: Stacks) -> None:
    stacks.call("ssm", "PutParameter", Name="/env/name", Value="staging", Type="String")
    stacks.call("ssm", "PutParameter", Name="/env/zones", Value="a,b", Type="StringList")
    stack = stacks.deploy({
        "Parameters": {
            "EnvName": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/env/name"},
            "Zones": {"Type": "AWS::SSM::Parameter::Value<List<String>>",
                      "Default": "/env/zones"}},
        "Resources": {"Copy": {"Type": "AWS::SSM::Parameter", "Properties": {
            "Name": "/copy", "Type": "String",
            "Value": {"Fn::Join": ["-", [{"Ref": "EnvName"}, {"Fn::Select": [
                1, {"Ref": "Zones"}]}]]}}}}})
    assert "ROLLBACK" not in _status(stack), stacks.reasons()
    assert stacks.call("ssm", "GetParameter", Name="/copy")["Parameter"]["Value"] == "staging-b"


def test_dynamic_references_resolve_on_update(stacks: Stacks) -> None:
    stacks.call("ssm", "PutParameter", Name="/base", Value="one", Type="String")
    stacks.call("ssm", "PutParameter", Name="/base", Value="two", Overwrite=True)

    def template(version: int) -> dict[str, Any]:
        return {"Resources": {"Copy": {"Type": "AWS::SSM::Parameter", "Properties": {
            "Name": "/copy", "Type": "String", "Value": f"{{{{resolve:ssm:/base:{version}}}}}"}}}}

    stacks.deploy(template(1))
    assert stacks.call("ssm", "GetParameter", Name="/copy")["Parameter"]["Value"] == "one"
    stack = stacks.deploy(template(2), "UpdateStack")
    assert _status(stack) == "UPDATE_COMPLETE", stacks.reasons()
    got = stacks.call("ssm", "GetParameter", Name="/copy")["Parameter"]
    assert (got["Value"], got["Version"]) == ("two", 2)

"""Resource handlers turn properties into the right AWS operations and parameters."""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.core.ids import Ids
from fogbank.services.cloudformation.custom_responses import CustomResponses
from fogbank.services.cloudformation.resources import HANDLERS, HandlerServices, ResourceRequest

from .conftest import FakeClient


def request(resource_type: str, properties: dict[str, Any], *, physical_id: str | None = None,
            old: dict[str, Any] | None = None) -> ResourceRequest:
    return ResourceRequest(logical_id="Thing", resource_type=resource_type,
                           properties=properties, stack_name="stack", stack_id="arn:stack",
                           region="us-east-1", account_id="000000000000",
                           physical_id=physical_id, old_properties=old)


def services(client: FakeClient) -> HandlerServices:
    return HandlerServices(client=client, ids=Ids(seed=1),
                           custom_responses=CustomResponses(lambda: "http://edge"))


def test_iam_role_update_diffs_policies() -> None:
    client = FakeClient()
    handler = HANDLERS["AWS::IAM::Role"]
    old = {"AssumeRolePolicyDocument": {"a": 1}, "ManagedPolicyArns": ["arn:one", "arn:two"],
           "Policies": [{"PolicyName": "keep", "PolicyDocument": {"k": 1}},
                        {"PolicyName": "gone", "PolicyDocument": {"g": 1}}]}
    new = {"AssumeRolePolicyDocument": {"a": 1}, "ManagedPolicyArns": ["arn:two", "arn:three"],
           "Policies": [{"PolicyName": "keep", "PolicyDocument": {"k": 2}}]}
    asyncio.run(handler.update(request("AWS::IAM::Role", new, physical_id="role", old=old),
                               services(client)))
    assert client.ops() == ["iam:DetachRolePolicy", "iam:AttachRolePolicy",
                            "iam:DeleteRolePolicy", "iam:PutRolePolicy"]
    assert client.params("iam", "PutRolePolicy") == [
        {"RoleName": "role", "PolicyName": "keep", "PolicyDocument": '{"k": 2}'}]


def test_rest_api_method_puts_method_integration_and_responses() -> None:
    client = FakeClient()
    props = {"RestApiId": "api", "ResourceId": "res", "HttpMethod": "get",
             "AuthorizationType": "NONE",
             "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                             "Uri": "arn:uri", "IntegrationResponses": [{"StatusCode": "200"}]},
             "MethodResponses": [{"StatusCode": "200"}]}
    result = asyncio.run(HANDLERS["AWS::ApiGateway::Method"].create(
        request("AWS::ApiGateway::Method", props), services(client)))
    assert client.ops() == ["apigateway:PutMethod", "apigateway:PutMethodResponse",
                            "apigateway:PutIntegration", "apigateway:PutIntegrationResponse"]
    assert client.params("apigateway", "PutIntegration") == [{
        "restApiId": "api", "resourceId": "res", "httpMethod": "GET", "type": "AWS_PROXY",
        "integrationHttpMethod": "POST", "uri": "arn:uri"}]
    assert result.physical_id == "api-res-GET"


def test_rest_api_without_body_is_created_and_finds_its_root() -> None:
    client = FakeClient()
    client.responders[("apigateway", "CreateRestApi")] = lambda params: {"id": "a1"}
    client.responders[("apigateway", "GetResources")] = lambda params: {
        "items": [{"id": "r0", "path": "/"}, {"id": "r1", "path": "/x"}]}
    result = asyncio.run(HANDLERS["AWS::ApiGateway::RestApi"].create(
        request("AWS::ApiGateway::RestApi", {"Name": "api", "EndpointConfiguration": {
            "Types": ["REGIONAL"]}}), services(client)))
    assert client.params("apigateway", "CreateRestApi") == [
        {"name": "api", "endpointConfiguration": {"types": ["REGIONAL"]}}]
    assert result.attributes["RootResourceId"] == "r0"


def test_layer_version_delete_uses_the_version_number() -> None:
    client = FakeClient()
    arn = "arn:aws:lambda:us-east-1:000000000000:layer:shared:3"
    asyncio.run(HANDLERS["AWS::Lambda::LayerVersion"].delete(
        request("AWS::Lambda::LayerVersion", {}, physical_id=arn), services(client)))
    assert client.params("lambda", "DeleteLayerVersion") == [
        {"LayerName": "arn:aws:lambda:us-east-1:000000000000:layer:shared", "VersionNumber": 3}]


def test_function_inline_code_and_tags_are_converted() -> None:
    client = FakeClient()
    props = {"Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:role",
             "Code": {"ZipFile": "def handler(e, c): return 1"}, "KmsKeyArn": "arn:kms",
             "Tags": [{"Key": "team", "Value": "a"}], "ReservedConcurrentExecutions": 2}
    asyncio.run(HANDLERS["AWS::Lambda::Function"].create(
        request("AWS::Lambda::Function", props), services(client)))
    (params,) = client.params("lambda", "CreateFunction")
    assert isinstance(params["Code"]["ZipFile"], bytes)
    assert params["KMSKeyArn"] == "arn:kms" and params["Tags"] == {"team": "a"}
    assert client.params("lambda", "PutFunctionConcurrency") == [
        {"FunctionName": params["FunctionName"], "ReservedConcurrentExecutions": 2}]


def test_function_update_clears_removed_environment() -> None:
    client = FakeClient()
    old = {"Runtime": "python3.12", "Handler": "a.b", "Role": "r",
           "Environment": {"Variables": {"A": "1"}}, "Code": {"S3Bucket": "b", "S3Key": "k"}}
    new = {key: value for key, value in old.items() if key != "Environment"}
    asyncio.run(HANDLERS["AWS::Lambda::Function"].update(
        request("AWS::Lambda::Function", new, physical_id="fn", old=old), services(client)))
    (params,) = client.params("lambda", "UpdateFunctionConfiguration")
    assert params["Environment"] == {"Variables": {}}
    assert "lambda:UpdateFunctionCode" not in client.ops()


def test_http_api_child_resources_pass_properties_through() -> None:
    client = FakeClient()
    client.responders[("apigatewayv2", "CreateRoute")] = lambda params: {"RouteId": "rt1"}
    result = asyncio.run(HANDLERS["AWS::ApiGatewayV2::Route"].create(
        request("AWS::ApiGatewayV2::Route", {"ApiId": "a", "RouteKey": "GET /x",
                                              "Target": "integrations/i1"}), services(client)))
    assert client.params("apigatewayv2", "CreateRoute") == [
        {"ApiId": "a", "RouteKey": "GET /x", "Target": "integrations/i1"}]
    assert result.physical_id == "rt1" and result.attributes == {"RouteId": "rt1"}

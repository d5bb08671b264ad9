"""Control-plane operations of both providers through the dispatcher, with results checked
against botocore's output shapes, errors, and persistence across a restart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.errors import ServiceError
from tests.apigateway.harness import Cloud, lambda_uri
from tests.apigateway.model_check import assert_output_shape

SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "pets", "version": "1"},
    "x-amazon-apigateway-binary-media-types": ["image/*"],
    "paths": {
        "/pets": {
            "get": {
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": lambda_uri("pets"),
                },
                "responses": {},
            }
        },
        "/pets/{id}": {
            "x-amazon-apigateway-any-method": {
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": lambda_uri("pets"),
                }
            }
        },
    },
}


def _v1(cloud: Cloud, operation: str, **params: object) -> dict[str, Any]:
    result = cloud.call("apigateway", operation, **params)
    assert_output_shape("apigateway", operation, result)
    return result


def _v2(cloud: Cloud, operation: str, **params: object) -> dict[str, Any]:
    result = cloud.call("apigatewayv2", operation, **params)
    assert_output_shape("apigatewayv2", operation, result)
    return result


def test_rest_api_lifecycle_shapes(cloud: Cloud) -> None:
    api = _v1(cloud, "ImportRestApi", body=json.dumps(SWAGGER).encode())
    api_id = api["id"]
    assert len(api_id) == 10 and api_id.isalnum() and api_id == api_id.lower()
    assert api["name"] == "pets" and api["binaryMediaTypes"] == ["image/*"]
    assert _v1(cloud, "GetRestApis")["items"][0]["id"] == api_id
    resources = _v1(cloud, "GetResources", restApiId=api_id)["items"]
    pets = next(r for r in resources if r["path"] == "/pets")
    assert pets["resourceMethods"] == {"GET": {}}
    method = _v1(cloud, "GetMethod", restApiId=api_id, resourceId=pets["id"], httpMethod="GET")
    assert method["methodIntegration"]["uri"] == lambda_uri("pets")
    _v1(cloud, "GetIntegration", restApiId=api_id, resourceId=pets["id"], httpMethod="GET")
    _v1(
        cloud,
        "PutMethodResponse",
        restApiId=api_id,
        resourceId=pets["id"],
        httpMethod="GET",
        statusCode="200",
    )
    _v1(
        cloud,
        "PutIntegrationResponse",
        restApiId=api_id,
        resourceId=pets["id"],
        httpMethod="GET",
        statusCode="200",
        selectionPattern="",
    )
    child = _v1(cloud, "CreateResource", restApiId=api_id, parentId=pets["id"], pathPart="toys")
    assert child["path"] == "/pets/toys" and child["parentId"] == pets["id"]
    _v1(cloud, "GetResource", restApiId=api_id, resourceId=child["id"], embed=["methods"])
    deployment = _v1(cloud, "CreateDeployment", restApiId=api_id, description="first")
    assert _v1(cloud, "GetDeployments", restApiId=api_id)["items"] == [deployment]
    _v1(
        cloud,
        "GetDeployment",
        restApiId=api_id,
        deploymentId=deployment["id"],
        embed=["apisummary"],
    )
    stage = _v1(
        cloud,
        "CreateStage",
        restApiId=api_id,
        stageName="prod",
        deploymentId=deployment["id"],
        variables={"a": "1"},
    )
    assert stage["variables"] == {"a": "1"}
    updated = _v1(
        cloud,
        "UpdateStage",
        restApiId=api_id,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/variables/b", "value": "2"},
            {"op": "remove", "path": "/variables/a"},
        ],
    )
    assert updated["variables"] == {"b": "2"}
    assert _v1(cloud, "GetStages", restApiId=api_id)["item"][0]["stageName"] == "prod"
    _v1(cloud, "GetStage", restApiId=api_id, stageName="prod")
    authorizer = _v1(
        cloud,
        "CreateAuthorizer",
        restApiId=api_id,
        name="a",
        type="TOKEN",
        authorizerUri=lambda_uri("auth"),
        identitySource="method.request.header.Authorization",
    )
    assert _v1(cloud, "GetAuthorizers", restApiId=api_id)["items"] == [authorizer]
    _v1(cloud, "DeleteResource", restApiId=api_id, resourceId=pets["id"])
    remaining = {r["path"] for r in _v1(cloud, "GetResources", restApiId=api_id)["items"]}
    assert remaining == {"/"}
    _v1(cloud, "DeleteStage", restApiId=api_id, stageName="prod")
    _v1(cloud, "DeleteRestApi", restApiId=api_id)
    assert _v1(cloud, "GetRestApis")["items"] == []


def test_put_rest_api_overwrite_and_merge(cloud: Cloud) -> None:
    api_id = _v1(cloud, "ImportRestApi", body=json.dumps(SWAGGER).encode())["id"]
    other = {
        "swagger": "2.0",
        "info": {"title": "renamed"},
        "paths": {"/other": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}},
    }
    _v1(cloud, "PutRestApi", restApiId=api_id, mode="merge", body=json.dumps(other).encode())
    paths = {r["path"] for r in _v1(cloud, "GetResources", restApiId=api_id)["items"]}
    assert {"/pets", "/other"} <= paths
    result = _v1(
        cloud, "PutRestApi", restApiId=api_id, mode="overwrite", body=json.dumps(other).encode()
    )
    assert result["name"] == "renamed"
    paths = {r["path"] for r in _v1(cloud, "GetResources", restApiId=api_id)["items"]}
    assert paths == {"/", "/other"}


def test_import_openapi3_yaml(cloud: Cloud) -> None:
    body = b"""openapi: 3.0.1
info: {title: yaml-api}
paths:
  /x:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/\
          arn:aws:lambda:us-east-1:000000000000:function:f/invocations"
"""
    assert _v1(cloud, "ImportRestApi", body=body)["name"] == "yaml-api"


@pytest.mark.parametrize(
    ("operation", "params", "code", "status"),
    [
        ("GetRestApi", {"restApiId": "missing123"}, "NotFoundException", 404),
        ("ImportRestApi", {"body": b"not: [valid"}, "BadRequestException", 400),
        ("ImportRestApi", {"body": b"{}"}, "BadRequestException", 400),
        ("CreateRestApi", {"name": ""}, "BadRequestException", 400),
    ],
)
def test_rest_errors(
    cloud: Cloud, operation: str, params: dict[str, Any], code: str, status: int
) -> None:
    with pytest.raises(ServiceError) as raised:
        cloud.call("apigateway", operation, **params)
    assert raised.value.error_code == code and type(raised.value).status == status


def test_rest_conflicts_and_validation(cloud: Cloud) -> None:
    api = _v1(cloud, "CreateRestApi", name="x")
    root = api["rootResourceId"]
    _v1(cloud, "CreateResource", restApiId=api["id"], parentId=root, pathPart="a")
    with pytest.raises(ServiceError, match="same parent"):
        cloud.call("apigateway", "CreateResource", restApiId=api["id"], parentId=root, pathPart="a")
    with pytest.raises(ServiceError, match="doesn't contain any methods"):
        cloud.call("apigateway", "CreateDeployment", restApiId=api["id"], stageName="s")
    with pytest.raises(ServiceError, match="Invalid Method"):
        cloud.call(
            "apigateway",
            "PutIntegration",
            restApiId=api["id"],
            resourceId=root,
            httpMethod="GET",
            type="MOCK",
        )
    with pytest.raises(ServiceError, match="Cannot delete root"):
        cloud.call("apigateway", "DeleteResource", restApiId=api["id"], resourceId=root)
    with pytest.raises(ServiceError, match="Invalid Stage"):
        cloud.call("apigateway", "GetStage", restApiId=api["id"], stageName="nope")


def test_http_api_lifecycle_shapes(cloud: Cloud) -> None:
    api = _v2(
        cloud,
        "CreateApi",
        Name="h",
        ProtocolType="HTTP",
        CorsConfiguration={"AllowOrigins": ["*"], "MaxAge": 10},
    )
    api_id = api["ApiId"]
    assert len(api_id) == 10 and api["ApiEndpoint"].startswith(
        f"http://{api_id}.execute-api.localhost"
    )
    integration = _v2(
        cloud,
        "CreateIntegration",
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=lambda_uri("f"),
        PayloadFormatVersion="2.0",
    )
    route = _v2(
        cloud,
        "CreateRoute",
        ApiId=api_id,
        RouteKey="GET /a",
        Target=f"integrations/{integration['IntegrationId']}",
    )
    assert _v2(cloud, "GetRoutes", ApiId=api_id)["Items"] == [route]
    assert _v2(cloud, "GetIntegrations", ApiId=api_id)["Items"] == [integration]
    authorizer = _v2(
        cloud,
        "CreateAuthorizer",
        ApiId=api_id,
        AuthorizerType="REQUEST",
        Name="a",
        AuthorizerUri=lambda_uri("auth"),
        AuthorizerPayloadFormatVersion="2.0",
        IdentitySource=["$request.header.Authorization"],
        EnableSimpleResponses=True,
    )
    assert _v2(cloud, "GetAuthorizers", ApiId=api_id)["Items"] == [authorizer]
    stage = _v2(cloud, "CreateStage", ApiId=api_id, StageName="beta", StageVariables={"x": "1"})
    deployment = _v2(cloud, "CreateDeployment", ApiId=api_id, StageName="beta")
    assert _v2(cloud, "GetDeployments", ApiId=api_id)["Items"] == [deployment]
    stages = _v2(cloud, "GetStages", ApiId=api_id)["Items"]
    assert stages[0]["DeploymentId"] == deployment["DeploymentId"] and stage["StageName"] == "beta"
    assert _v2(cloud, "GetApis")["Items"][0]["ApiId"] == api_id
    _v2(cloud, "GetApi", ApiId=api_id)
    _v2(cloud, "DeleteApi", ApiId=api_id)
    assert _v2(cloud, "GetApis")["Items"] == []


def test_http_quick_create_serves_requests(cloud: Cloud) -> None:
    from fogbank.services.apigateway.dataplane.model import function_arn_of

    cloud.client.register("quick", lambda e: {"route": e["routeKey"]})
    arn = function_arn_of(lambda_uri("quick"))
    api = _v2(cloud, "CreateApi", Name="q", ProtocolType="HTTP", Target=arn)
    stages = _v2(cloud, "GetStages", ApiId=api["ApiId"])["Items"]
    assert [s["StageName"] for s in stages] == ["$default"] and stages[0]["AutoDeploy"] is True
    response = cloud.request("PATCH", "/any/path", api_id=api["ApiId"])
    assert response.status == 200 and json.loads(response.body) == {"route": "$default"}


def test_reimport_replaces_routes(cloud: Cloud) -> None:
    def doc(path: str) -> str:
        return json.dumps(
            {
                "openapi": "3.0.1",
                "info": {"title": "t"},
                "paths": {
                    path: {
                        "get": {
                            "x-amazon-apigateway-integration": {
                                "type": "aws_proxy",
                                "uri": lambda_uri("f"),
                                "payloadFormatVersion": "2.0",
                            }
                        }
                    }
                },
            }
        )

    api_id = _v2(cloud, "ImportApi", Body=doc("/one"))["ApiId"]
    _v2(cloud, "ReimportApi", ApiId=api_id, Body=doc("/two"))
    assert [r["RouteKey"] for r in _v2(cloud, "GetRoutes", ApiId=api_id)["Items"]] == ["GET /two"]


@pytest.mark.parametrize(
    ("operation", "params", "code"),
    [
        ("GetApi", {"ApiId": "nope"}, "NotFoundException"),
        ("CreateApi", {"Name": "w", "ProtocolType": "WEBSOCKET"}, "BadRequestException"),
        ("ImportApi", {"Body": "[]"}, "BadRequestException"),
    ],
)
def test_http_errors(cloud: Cloud, operation: str, params: dict[str, Any], code: str) -> None:
    with pytest.raises(ServiceError) as raised:
        cloud.call("apigatewayv2", operation, **params)
    assert raised.value.error_code == code


def test_http_route_validation(cloud: Cloud) -> None:
    api_id = _v2(cloud, "CreateApi", Name="h", ProtocolType="HTTP")["ApiId"]
    with pytest.raises(ServiceError, match="Invalid route key"):
        cloud.call("apigatewayv2", "CreateRoute", ApiId=api_id, RouteKey="FETCH /a")
    with pytest.raises(ServiceError, match="Invalid integration target"):
        cloud.call(
            "apigatewayv2",
            "CreateRoute",
            ApiId=api_id,
            RouteKey="GET /a",
            Target="integrations/zzz",
        )
    _v2(cloud, "CreateRoute", ApiId=api_id, RouteKey="GET /a")
    with pytest.raises(ServiceError) as raised:
        cloud.call("apigatewayv2", "CreateRoute", ApiId=api_id, RouteKey="GET /a")
    assert raised.value.error_code == "ConflictException"


def test_state_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / ".fogbank"
    first = Cloud(state)
    first.client.register("pets", lambda e: {"statusCode": 200, "body": "pets"})
    rest_id = first.call("apigateway", "ImportRestApi", body=json.dumps(SWAGGER).encode())["id"]
    first.call("apigateway", "CreateDeployment", restApiId=rest_id, stageName="live")
    http_id = first.call(
        "apigatewayv2",
        "CreateApi",
        Name="q",
        ProtocolType="HTTP",
        Target="arn:aws:lambda:us-east-1:000000000000:function:pets",
    )["ApiId"]
    first.close()
    second = Cloud(state)
    try:
        second.client.register("pets", lambda e: {"statusCode": 200, "body": "pets"})
        assert second.call("apigateway", "GetRestApi", restApiId=rest_id)["name"] == "pets"
        assert second.request("GET", "/live/pets", api_id=rest_id).body == b"pets"
        assert second.request("GET", "/x", api_id=http_id).body == b"pets"
    finally:
        second.close()


def test_update_rest_api_and_delete_method_integration_authorizer(cloud: Cloud) -> None:
    api = _v1(cloud, "ImportRestApi", body=json.dumps(SWAGGER).encode())
    api_id = api["id"]
    updated = _v1(
        cloud,
        "UpdateRestApi",
        restApiId=api_id,
        patchOperations=[
            {"op": "replace", "path": "/name", "value": "renamed"},
            {"op": "add", "path": "/binaryMediaTypes/application~1pdf"},
            {"op": "remove", "path": "/binaryMediaTypes/image~1*"},
        ],
    )
    assert updated["name"] == "renamed" and updated["binaryMediaTypes"] == ["application/pdf"]
    with pytest.raises(ServiceError, match="Invalid patch path"):
        cloud.call(
            "apigateway",
            "UpdateRestApi",
            restApiId=api_id,
            patchOperations=[{"op": "replace", "path": "/nope", "value": "x"}],
        )
    pets = next(
        r for r in _v1(cloud, "GetResources", restApiId=api_id)["items"] if r["path"] == "/pets"
    )
    _v1(cloud, "DeleteIntegration", restApiId=api_id, resourceId=pets["id"], httpMethod="GET")
    with pytest.raises(ServiceError, match="Invalid Integration"):
        cloud.call(
            "apigateway",
            "GetIntegration",
            restApiId=api_id,
            resourceId=pets["id"],
            httpMethod="GET",
        )
    _v1(cloud, "DeleteMethod", restApiId=api_id, resourceId=pets["id"], httpMethod="GET")
    assert "resourceMethods" not in _v1(
        cloud, "GetResource", restApiId=api_id, resourceId=pets["id"]
    )
    authorizer = _v1(
        cloud,
        "CreateAuthorizer",
        restApiId=api_id,
        name="a",
        type="REQUEST",
        authorizerUri=lambda_uri("auth"),
    )
    _v1(cloud, "DeleteAuthorizer", restApiId=api_id, authorizerId=authorizer["id"])
    assert _v1(cloud, "GetAuthorizers", restApiId=api_id)["items"] == []


def test_http_update_api_and_deletes(cloud: Cloud) -> None:
    api_id = _v2(cloud, "CreateApi", Name="h", ProtocolType="HTTP")["ApiId"]
    updated = _v2(
        cloud, "UpdateApi", ApiId=api_id, Name="h2", CorsConfiguration={"AllowOrigins": ["*"]}
    )
    assert updated["Name"] == "h2" and updated["CorsConfiguration"] == {"AllowOrigins": ["*"]}
    integration = _v2(
        cloud,
        "CreateIntegration",
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=lambda_uri("f"),
        PayloadFormatVersion="2.0",
    )
    _v2(cloud, "DeleteIntegration", ApiId=api_id, IntegrationId=integration["IntegrationId"])
    authorizer = _v2(
        cloud,
        "CreateAuthorizer",
        ApiId=api_id,
        AuthorizerType="JWT",
        Name="j",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "https://issuer", "Audience": ["a"]},
    )
    _v2(cloud, "DeleteAuthorizer", ApiId=api_id, AuthorizerId=authorizer["AuthorizerId"])
    assert _v2(cloud, "GetIntegrations", ApiId=api_id)["Items"] == []
    assert _v2(cloud, "GetAuthorizers", ApiId=api_id)["Items"] == []


def test_parsed_template_bodies_are_accepted(cloud: Cloud) -> None:
    rest = cloud.call("apigateway", "ImportRestApi", body=SWAGGER)
    assert rest["name"] == "pets"
    http = cloud.call(
        "apigatewayv2", "ImportApi", Body={"openapi": "3.0.1", "info": {"title": "d"}, "paths": {}}
    )
    assert http["Name"] == "d"


def test_every_registered_operation_is_in_botocore(cloud: Cloud) -> None:
    import botocore.session

    session = botocore.session.get_session()
    for provider, service in ((cloud.v1, "apigateway"), (cloud.v2, "apigatewayv2")):
        known = set(session.get_service_model(service).operation_names)
        assert set(provider.operations()) <= known


def test_rest_update_deployment_and_authorizer(cloud: Cloud) -> None:
    api_id = _v1(cloud, "ImportRestApi", body=json.dumps(SWAGGER).encode())["id"]
    deployment = _v1(cloud, "CreateDeployment", restApiId=api_id)
    updated = _v1(
        cloud,
        "UpdateDeployment",
        restApiId=api_id,
        deploymentId=deployment["id"],
        patchOperations=[{"op": "replace", "path": "/description", "value": "v2"}],
    )
    assert updated["description"] == "v2"
    authorizer = _v1(
        cloud,
        "CreateAuthorizer",
        restApiId=api_id,
        name="a",
        type="TOKEN",
        authorizerUri=lambda_uri("auth"),
        identitySource="method.request.header.Authorization",
    )
    changed = _v1(
        cloud,
        "UpdateAuthorizer",
        restApiId=api_id,
        authorizerId=authorizer["id"],
        patchOperations=[
            {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"},
            {"op": "replace", "path": "/identitySource", "value": "method.request.header.X-Token"},
        ],
    )
    assert changed["authorizerResultTtlInSeconds"] == 0
    assert changed["identitySource"] == "method.request.header.X-Token"


def test_http_child_updates(cloud: Cloud) -> None:
    api_id = _v2(cloud, "CreateApi", Name="u", ProtocolType="HTTP")["ApiId"]
    integration = _v2(
        cloud,
        "CreateIntegration",
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=lambda_uri("f"),
        PayloadFormatVersion="2.0",
    )
    route = _v2(
        cloud,
        "CreateRoute",
        ApiId=api_id,
        RouteKey="GET /a",
        Target=f"integrations/{integration['IntegrationId']}",
    )
    moved = _v2(cloud, "UpdateRoute", ApiId=api_id, RouteId=route["RouteId"], RouteKey="POST /b")
    assert moved["RouteKey"] == "POST /b" and moved["Target"] == route["Target"]
    with pytest.raises(ServiceError, match="Invalid route key"):
        cloud.call(
            "apigatewayv2", "UpdateRoute", ApiId=api_id, RouteId=route["RouteId"], RouteKey="nope"
        )
    retimed = _v2(
        cloud,
        "UpdateIntegration",
        ApiId=api_id,
        IntegrationId=integration["IntegrationId"],
        TimeoutInMillis=5000,
    )
    assert retimed["TimeoutInMillis"] == 5000
    authorizer = _v2(
        cloud,
        "CreateAuthorizer",
        ApiId=api_id,
        AuthorizerType="REQUEST",
        Name="a",
        AuthorizerUri=lambda_uri("auth"),
        AuthorizerPayloadFormatVersion="2.0",
        IdentitySource=["$request.header.Authorization"],
    )
    renamed = _v2(
        cloud, "UpdateAuthorizer", ApiId=api_id, AuthorizerId=authorizer["AuthorizerId"], Name="b"
    )
    assert renamed["Name"] == "b"
    deployment = _v2(cloud, "CreateDeployment", ApiId=api_id)
    described = _v2(
        cloud,
        "UpdateDeployment",
        ApiId=api_id,
        DeploymentId=deployment["DeploymentId"],
        Description="d",
    )
    assert described["Description"] == "d"
    _v2(cloud, "DeleteDeployment", ApiId=api_id, DeploymentId=deployment["DeploymentId"])
    assert _v2(cloud, "GetDeployments", ApiId=api_id)["Items"] == []

"""Gateway responses: SAM's GatewayResponses and PutGatewayResponse customise the errors
API Gateway itself answers with."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.apigateway.harness import Cloud, body_json
from tests.apigateway.model_check import assert_output_shape
from tests.apigateway.sam_apps import AUTH, deploy, translate

TEMPLATE: dict[str, Any] = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Api": {
            "Type": "AWS::Serverless::Api",
            "Properties": {
                "StageName": "p",
                "Auth": {
                    "DefaultAuthorizer": "Tok",
                    "Authorizers": {"Tok": {"FunctionArn": AUTH + "tok"}},
                },
                "GatewayResponses": {
                    "DEFAULT_4XX": {
                        "ResponseParameters": {"Headers": {"Access-Control-Allow-Origin": "'*'"}}
                    },
                    "UNAUTHORIZED": {
                        "StatusCode": 401,
                        "ResponseTemplates": {
                            "application/json": '{"error":$context.error.messageString}'
                        },
                        "ResponseParameters": {"Headers": {"WWW-Authenticate": "'Bearer'"}},
                    },
                },
            },
        },
        "F": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "a.b",
                "InlineCode": "x",
                "Events": {
                    "E": {
                        "Type": "Api",
                        "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/a", "Method": "get"},
                    }
                },
            },
        },
    },
}


@pytest.fixture
def app(cloud: Cloud) -> tuple[Cloud, str]:
    cloud.client.register("F", lambda e: {"statusCode": 200, "body": "ok"})
    cloud.client.register(
        "tok",
        lambda e: {
            "principalId": "p",
            "policyDocument": {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
        },
    )
    return cloud, deploy(cloud, translate(TEMPLATE))["Api"]


def test_unauthorized_is_customised(app: tuple[Cloud, str]) -> None:
    cloud, api_id = app
    response = cloud.request("GET", "/p/a", api_id=api_id)
    assert response.status == 401
    assert json.loads(response.body) == {"error": "Unauthorized"}
    assert response.header("WWW-Authenticate") == "Bearer"


def test_default_4xx_applies_to_other_client_errors(app: tuple[Cloud, str]) -> None:
    cloud, api_id = app
    missing = cloud.request("GET", "/p/nothing", api_id=api_id)
    assert missing.status == 403 and body_json(missing) == {
        "message": "Missing Authentication Token"
    }
    assert missing.header("Access-Control-Allow-Origin") == "*"
    denied = cloud.request("GET", "/p/a", api_id=api_id, headers={"Authorization": "t"})
    assert denied.status == 403 and denied.header("Access-Control-Allow-Origin") == "*"


def test_gateway_response_operations(cloud: Cloud) -> None:
    api_id = cloud.call("apigateway", "CreateRestApi", name="g")["id"]
    put = cloud.call(
        "apigateway",
        "PutGatewayResponse",
        restApiId=api_id,
        responseType="THROTTLED",
        statusCode="503",
        responseParameters={"gatewayresponse.header.Retry-After": "'5'"},
    )
    assert_output_shape("apigateway", "PutGatewayResponse", put)
    listed = cloud.call("apigateway", "GetGatewayResponses", restApiId=api_id)
    assert_output_shape("apigateway", "GetGatewayResponses", listed)
    by_type = {r["responseType"]: r for r in listed["items"]}
    assert by_type["THROTTLED"]["defaultResponse"] is False
    assert by_type["UNAUTHORIZED"] == {
        "responseType": "UNAUTHORIZED",
        "defaultResponse": True,
        "statusCode": "401",
        "responseParameters": {},
        "responseTemplates": {"application/json": '{"message":$context.error.messageString}'},
    }
    got = cloud.call("apigateway", "GetGatewayResponse", restApiId=api_id, responseType="THROTTLED")
    assert got == put
    cloud.call("apigateway", "DeleteGatewayResponse", restApiId=api_id, responseType="THROTTLED")
    again = cloud.call(
        "apigateway", "GetGatewayResponse", restApiId=api_id, responseType="THROTTLED"
    )
    assert again["defaultResponse"] is True


def test_throttled_customisation_is_served(cloud: Cloud) -> None:
    from tests.apigateway.builders import rest_api

    api_id = rest_api(cloud, [("GET", "/t", "throttled")])
    cloud.call(
        "apigateway",
        "PutGatewayResponse",
        restApiId=api_id,
        responseType="THROTTLED",
        statusCode="503",
        responseParameters={"gatewayresponse.header.Retry-After": "'5'"},
    )
    assert cloud.request("GET", "/dev/t", api_id=api_id).status == 429  # not deployed yet
    cloud.call("apigateway", "CreateDeployment", restApiId=api_id, stageName="dev")
    response = cloud.request("GET", "/dev/t", api_id=api_id)
    assert response.status == 503 and response.header("Retry-After") == "5"

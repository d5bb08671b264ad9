"""JWT authorizers (HTTP APIs) and Cognito user-pool authorizers (REST APIs), from real
SAM templates."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)

from tests.apigateway.harness import Cloud, body_json
from tests.apigateway.sam_apps import deploy, translate

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1"
POOL_ARN = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Pool1"


def token(**claims: Any) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


TEMPLATE: dict[str, Any] = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Http": {
            "Type": "AWS::Serverless::HttpApi",
            "Properties": {
                "Auth": {
                    "DefaultAuthorizer": "Jwt",
                    "Authorizers": {
                        "Jwt": {
                            "IdentitySource": "$request.header.Authorization",
                            "JwtConfiguration": {"issuer": ISSUER, "audience": ["client-1"]},
                        }
                    },
                }
            },
        },
        "Rest": {
            "Type": "AWS::Serverless::Api",
            "Properties": {
                "StageName": "v1",
                "Auth": {
                    "DefaultAuthorizer": "Pool",
                    "Authorizers": {"Pool": {"UserPoolArn": POOL_ARN}},
                },
            },
        },
        "Fn": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "app.handler",
                "InlineCode": "x",
                "Events": {
                    "H": {
                        "Type": "HttpApi",
                        "Properties": {
                            "ApiId": {"Ref": "Http"},
                            "Path": "/me",
                            "Method": "GET",
                            "Auth": {"AuthorizationScopes": ["read"]},
                        },
                    },
                    "R": {
                        "Type": "Api",
                        "Properties": {
                            "RestApiId": {"Ref": "Rest"},
                            "Path": "/me",
                            "Method": "get",
                        },
                    },
                },
            },
        },
    },
}


@pytest.fixture
def app(cloud: Cloud) -> tuple[Cloud, dict[str, str]]:
    cloud.client.register("Fn", lambda e: {"statusCode": 200, "body": "me"})
    return cloud, deploy(cloud, translate(TEMPLATE))


def test_http_jwt_authorizer(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    now = int(cloud.clock.now())
    good = token(
        iss=ISSUER, aud="client-1", sub="u1", scope="read write", exp=now + 60, groups=["a", "b"]
    )
    response = cloud.request(
        "GET", "/me", api_id=ids["Http"], headers={"Authorization": f"Bearer {good}"}
    )
    assert response.status == 200
    event = cloud.client.events["Fn"][-1]
    model = APIGatewayProxyEventV2Model.model_validate(event)
    assert model.requestContext.authorizer is not None
    jwt = model.requestContext.authorizer.jwt
    assert jwt is not None and jwt.claims["sub"] == "u1" and jwt.claims["groups"] == "[a b]"
    assert jwt.scopes == ["read", "write"]
    missing = cloud.request("GET", "/me", api_id=ids["Http"])
    assert missing.status == 401 and body_json(missing) == {"message": "Unauthorized"}
    expired = token(iss=ISSUER, aud="client-1", scope="read", exp=now - 1)
    assert (
        cloud.request("GET", "/me", api_id=ids["Http"], headers={"Authorization": expired}).status
        == 401
    )
    stranger = token(iss="https://other", aud="client-1", scope="read")
    rejected = cloud.request("GET", "/me", api_id=ids["Http"], headers={"Authorization": stranger})
    assert rejected.status == 401 and "invalid_token" in (rejected.header("www-authenticate") or "")
    no_scope = token(iss=ISSUER, aud="client-1", scope="write")
    assert (
        cloud.request("GET", "/me", api_id=ids["Http"], headers={"Authorization": no_scope}).status
        == 403
    )
    garbage = cloud.request(
        "GET", "/me", api_id=ids["Http"], headers={"Authorization": "not-a-jwt"}
    )
    assert garbage.status == 401


def test_rest_cognito_authorizer(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    authorizer = cloud.call("apigateway", "GetAuthorizers", restApiId=ids["Rest"])["items"][0]
    assert authorizer["type"] == "COGNITO_USER_POOLS" and authorizer["providerARNs"] == [POOL_ARN]
    good = token(iss=ISSUER, client_id="c", email="a@b.c", exp=int(cloud.clock.now()) + 60)
    response = cloud.request("GET", "/v1/me", api_id=ids["Rest"], headers={"Authorization": good})
    assert response.status == 200
    event = cloud.client.events["Fn"][-1]
    model = APIGatewayProxyEventModel.model_validate(event)
    assert model.requestContext.authorizer is not None
    assert model.requestContext.authorizer.claims == {
        "iss": ISSUER,
        "client_id": "c",
        "email": "a@b.c",
        "exp": str(int(cloud.clock.now()) + 60),
    }
    assert cloud.request("GET", "/v1/me", api_id=ids["Rest"]).status == 401
    other_pool = token(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")
    assert (
        cloud.request(
            "GET", "/v1/me", api_id=ids["Rest"], headers={"Authorization": other_pool}
        ).status
        == 401
    )

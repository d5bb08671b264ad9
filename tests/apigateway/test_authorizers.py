"""Lambda authorizers: TOKEN and REQUEST (REST), REQUEST with simple and IAM responses
(HTTP), identity sources, policies, context passing and the result cache."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)
from aws_lambda_powertools.utilities.parser.models.apigw import (
    ApiGatewayAuthorizerRequest,
    ApiGatewayAuthorizerToken,
)
from aws_lambda_powertools.utilities.parser.models.apigwv2 import ApiGatewayAuthorizerRequestV2

from fogbank.services.apigateway.dataplane.authorizers import evaluate_policy
from tests.apigateway.builders import http_api, rest_api
from tests.apigateway.harness import Cloud, body_json, lambda_uri

OK = {"statusCode": 200, "body": "ok"}


def policy(effect: str, resource: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "principalId": "user-1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": context or {},
    }


def token_authorizer(event: dict[str, Any]) -> dict[str, Any]:
    if event["authorizationToken"] == "boom":
        raise RuntimeError("Unauthorized")
    effect = "Allow" if event["authorizationToken"] == "allow" else "Deny"
    return policy(effect, event["methodArn"], {"user": "alice", "n": 3})


def test_rest_token_authorizer_allow_deny_missing(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register("auth", token_authorizer)
    api_id = rest_api(
        cloud,
        [("GET", "/s/{id}", "fn")],
        authorizer={
            "name": "tok",
            "type": "TOKEN",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": 0,
        },
    )
    missing = cloud.request("GET", "/dev/s/1", api_id=api_id)
    assert missing.status == 401 and body_json(missing) == {"message": "Unauthorized"}
    assert "auth" not in cloud.client.events
    denied = cloud.request("GET", "/dev/s/1", api_id=api_id, headers={"Authorization": "nope"})
    assert denied.status == 403
    assert body_json(denied) == {
        "Message": "User is not authorized to access this resource with an explicit deny"
    }
    allowed = cloud.request("GET", "/dev/s/1", api_id=api_id, headers={"Authorization": "allow"})
    assert allowed.status == 200
    auth_event = cloud.client.events["auth"][-1]
    ApiGatewayAuthorizerToken.model_validate(auth_event)
    assert (
        auth_event["methodArn"]
        == f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/dev/GET/s/1"
    )
    event = cloud.client.events["fn"][-1]
    APIGatewayProxyEventModel.model_validate(event)
    assert event["requestContext"]["authorizer"]["principalId"] == "user-1"
    assert event["requestContext"]["authorizer"]["user"] == "alice"
    assert event["requestContext"]["authorizer"]["n"] == 3
    raised = cloud.request("GET", "/dev/s/1", api_id=api_id, headers={"Authorization": "boom"})
    assert raised.status == 401


def test_rest_authorizer_policy_for_other_resource_is_forbidden(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register(
        "auth", lambda e: policy("Allow", "arn:aws:execute-api:*:*:*/*/GET/other")
    )
    api_id = rest_api(
        cloud,
        [("GET", "/s", "fn")],
        authorizer={
            "name": "tok",
            "type": "TOKEN",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.Authorization",
        },
    )
    response = cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "x"})
    assert response.status == 403
    assert body_json(response) == {"Message": "User is not authorized to access this resource"}


def test_rest_authorizer_cache_by_token_with_ttl(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register("auth", lambda e: policy("Allow", "arn:aws:execute-api:*:*:*/*/*/*"))
    api_id = rest_api(
        cloud,
        [("GET", "/s", "fn")],
        authorizer={
            "name": "tok",
            "type": "TOKEN",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": 60,
        },
    )
    for _ in range(3):
        assert (
            cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "t1"}).status
            == 200
        )
    assert len(cloud.client.events["auth"]) == 1
    cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "t2"})
    assert len(cloud.client.events["auth"]) == 2
    cloud.clock.advance(61)
    cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "t1"})
    assert len(cloud.client.events["auth"]) == 3


def test_rest_token_validation_expression(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register("auth", lambda e: policy("Allow", e["methodArn"]))
    api_id = rest_api(
        cloud,
        [("GET", "/s", "fn")],
        authorizer={
            "name": "tok",
            "type": "TOKEN",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.Authorization",
            "identityValidationExpression": "Bearer .+",
        },
    )
    assert (
        cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "Basic x"}).status
        == 401
    )
    assert (
        cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "Bearer x"}).status
        == 200
    )


def test_rest_request_authorizer(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register(
        "auth",
        lambda e: policy(
            "Allow" if e["queryStringParameters"].get("k") == "good" else "Deny",
            e["methodArn"],
            {"who": "bob"},
        ),
    )
    api_id = rest_api(
        cloud,
        [("GET", "/r/{x}", "fn")],
        variables={"sv": "1"},
        authorizer={
            "name": "req",
            "type": "REQUEST",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.X-Key, method.request.querystring.k, "
            "stageVariables.sv",
        },
    )
    assert cloud.request("GET", "/dev/r/1", api_id=api_id, query="k=good").status == 401
    response = cloud.request(
        "GET", "/dev/r/1", api_id=api_id, query="k=good", headers={"X-Key": "1"}
    )
    assert response.status == 200
    auth_event = cloud.client.events["auth"][-1]
    ApiGatewayAuthorizerRequest.model_validate(auth_event)
    assert auth_event["type"] == "REQUEST" and auth_event["pathParameters"] == {"x": "1"}
    assert cloud.client.events["fn"][-1]["requestContext"]["authorizer"]["who"] == "bob"
    assert (
        cloud.request(
            "GET", "/dev/r/1", api_id=api_id, query="k=bad", headers={"X-Key": "1"}
        ).status
        == 403
    )


def test_rest_authorizer_bad_answer_is_500(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register("auth", lambda e: {"nonsense": True})
    api_id = rest_api(
        cloud,
        [("GET", "/s", "fn")],
        authorizer={
            "name": "tok",
            "type": "TOKEN",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.Authorization",
        },
    )
    response = cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "x"})
    assert response.status == 500 and body_json(response) == {"message": None}


def test_http_simple_response_authorizer(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register(
        "auth",
        lambda e: {
            "isAuthorized": e["headers"]["authorization"] == "yes",
            "context": {"tenant": "t1"},
        },
    )
    api_id = http_api(
        cloud,
        [("GET /p/{id}", "fn")],
        authorizer={
            "Name": "simple",
            "AuthorizerType": "REQUEST",
            "AuthorizerUri": lambda_uri("auth"),
            "IdentitySource": ["$request.header.Authorization"],
            "AuthorizerPayloadFormatVersion": "2.0",
            "EnableSimpleResponses": True,
            "AuthorizerResultTtlInSeconds": 0,
        },
    )
    missing = cloud.request("GET", "/p/1", api_id=api_id)
    assert missing.status == 401 and body_json(missing) == {"message": "Unauthorized"}
    denied = cloud.request("GET", "/p/1", api_id=api_id, headers={"Authorization": "no"})
    assert denied.status == 403 and body_json(denied) == {"message": "Forbidden"}
    assert (
        cloud.request("GET", "/p/1", api_id=api_id, headers={"Authorization": "yes"}).status == 200
    )
    auth_event = cloud.client.events["auth"][-1]
    ApiGatewayAuthorizerRequestV2.model_validate(auth_event)
    assert auth_event["identitySource"] == ["yes"]
    assert (
        auth_event["routeArn"]
        == f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/$default/GET/p/1"
    )
    event = cloud.client.events["fn"][-1]
    model = APIGatewayProxyEventV2Model.model_validate(event)
    assert model.requestContext.authorizer is not None
    assert model.requestContext.authorizer.lambda_value == {"tenant": "t1"}


def test_http_iam_policy_authorizer_payload_1_0(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    cloud.client.register(
        "auth",
        lambda e: policy(
            "Allow" if e["identitySource"] == "k1" else "Deny", e["methodArn"], {"role": "admin"}
        ),
    )
    api_id = http_api(
        cloud,
        [("ANY /q", "fn")],
        authorizer={
            "Name": "iam",
            "AuthorizerType": "REQUEST",
            "AuthorizerUri": lambda_uri("auth"),
            "IdentitySource": ["$request.querystring.key"],
            "AuthorizerPayloadFormatVersion": "1.0",
            "AuthorizerResultTtlInSeconds": 300,
        },
    )
    assert cloud.request("POST", "/q", api_id=api_id, query="key=k1").status == 200
    assert cloud.request("POST", "/q", api_id=api_id, query="key=k2").status == 403
    assert cloud.client.events["fn"][-1]["requestContext"]["authorizer"] == {
        "lambda": {"role": "admin"}
    }
    cloud.request("POST", "/q", api_id=api_id, query="key=k1")
    assert len(cloud.client.events["auth"]) == 2  # k1 cached


def test_policy_evaluation_wildcards() -> None:
    arn = "arn:aws:execute-api:us-east-1:000000000000:abc/dev/GET/pets/1"
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "execute-api:*",
                "Resource": ["arn:aws:execute-api:*:*:abc/*"],
            },
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "arn:aws:execute-api:*:*:abc/dev/DELETE/*",
            },
        ]
    }
    assert evaluate_policy(doc, arn) == "Allow"
    assert evaluate_policy(doc, arn.replace("GET", "DELETE")) == "Deny"
    assert evaluate_policy({"Statement": []}, arn) == "None"
    assert (
        evaluate_policy(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "execute-api:Invoke",
                    "Resource": "arn:aws:execute-api:us-east-1:000000000000:abc/dev/GET/pets/?",
                }
            },
            arn,
        )
        == "Allow"
    )

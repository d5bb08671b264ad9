"""Real SAM templates, translated by aws-sam-translator and deployed through the providers,
served by the data plane."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.apigateway.harness import Cloud, body_json
from tests.apigateway.sam_apps import SAM_TEMPLATE, deploy, translate


def echo(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": __import__("json").dumps({"path": event.get("path") or event.get("rawPath")}),
    }


@pytest.fixture
def app(cloud: Cloud) -> tuple[Cloud, dict[str, str]]:
    cloud.client.register("Hello", echo)
    cfn = translate(SAM_TEMPLATE)
    return cloud, deploy(cloud, cfn)


def test_rest_api_routes_with_stage_prefix(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    response = cloud.request("GET", "/Prod/hello/world", api_id=ids["RestApi"])
    assert response.status == 200, response.body
    event = cloud.client.events["Hello"][-1]
    assert event["resource"] == "/hello/{name}"
    assert event["path"] == "/hello/world"
    assert event["pathParameters"] == {"name": "world"}
    assert event["stageVariables"] == {"color": "blue"}
    assert event["requestContext"]["stage"] == "Prod"
    assert event["requestContext"]["path"] == "/Prod/hello/world"
    assert response.header("x-amzn-RequestId") == event["requestContext"]["requestId"]


def test_rest_api_greedy_path_and_any_method(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    response = cloud.request("DELETE", "/Prod/files/a/b/c.txt", api_id=ids["RestApi"])
    assert response.status == 200
    event = cloud.client.events["Hello"][-1]
    assert event["pathParameters"] == {"proxy": "a/b/c.txt"}
    assert event["resource"] == "/files/{proxy+}"
    assert event["httpMethod"] == "DELETE"


def test_rest_api_unknown_route_and_stage(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    missing = cloud.request("GET", "/Prod/nowhere", api_id=ids["RestApi"])
    assert missing.status == 403
    assert body_json(missing) == {"message": "Missing Authentication Token"}
    wrong_method = cloud.request("POST", "/Prod/hello/x", api_id=ids["RestApi"])
    assert wrong_method.status == 403
    no_stage = cloud.request("GET", "/Dev/hello/x", api_id=ids["RestApi"])
    assert no_stage.status == 403


def test_sam_deployment_stage_also_serves(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    assert cloud.request("GET", "/Stage/hello/x", api_id=ids["RestApi"]).status == 200
    assert cloud.client.events["Hello"][-1]["stageVariables"] is None


def test_rest_cors_preflight_from_mock_integration(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    response = cloud.request(
        "OPTIONS",
        "/Prod/hello/x",
        api_id=ids["RestApi"],
        headers={"Origin": "https://a.test", "Access-Control-Request-Method": "GET"},
    )
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert response.header("Access-Control-Allow-Methods") == "GET,OPTIONS"
    assert "Hello" not in cloud.client.events


def test_rest_binary_media_types_from_template(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    png = b"\x89PNG\r\n\x1a\n\x00\x01"
    cloud.request(
        "PUT",
        "/Prod/files/img.png",
        api_id=ids["RestApi"],
        body=png,
        headers={"Content-Type": "image/png"},
    )
    event = cloud.client.events["Hello"][-1]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == png
    cloud.request(
        "PUT",
        "/Prod/files/a.txt",
        api_id=ids["RestApi"],
        body=b"hi",
        headers={"Content-Type": "text/plain"},
    )
    assert cloud.client.events["Hello"][-1]["body"] == "hi"


def test_http_api_default_stage_routes(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    response = cloud.request("GET", "/items/42", api_id=ids["HttpApi"], query="a=1&a=2")
    assert response.status == 200
    event = cloud.client.events["Hello"][-1]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"a": "1,2"}
    assert event["requestContext"]["stage"] == "$default"
    assert response.header("Apigw-Requestid") == event["requestContext"]["requestId"]


def test_http_api_default_route_catches_the_rest(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    response = cloud.request("POST", "/anything/else", api_id=ids["HttpApi"])
    assert response.status == 200
    assert cloud.client.events["Hello"][-1]["routeKey"] == "$default"


def test_http_api_cors_preflight_and_actual(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    preflight = cloud.request(
        "OPTIONS",
        "/items/1",
        api_id=ids["HttpApi"],
        headers={"Origin": "https://example.com", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 204
    assert preflight.header("Access-Control-Allow-Origin") == "https://example.com"
    assert preflight.header("Access-Control-Allow-Methods") == "GET,POST"
    assert preflight.header("Access-Control-Allow-Headers") == "content-type"
    assert preflight.header("Access-Control-Max-Age") == "600"
    stranger = cloud.request(
        "OPTIONS",
        "/items/1",
        api_id=ids["HttpApi"],
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"},
    )
    assert stranger.header("Access-Control-Allow-Origin") is None
    actual = cloud.request(
        "GET", "/items/1", api_id=ids["HttpApi"], headers={"Origin": "https://example.com"}
    )
    assert actual.header("Access-Control-Allow-Origin") == "https://example.com"


def test_local_front_serves_all_apis_without_stage(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, _ = app
    assert cloud.request("GET", "/hello/there").status == 200
    assert cloud.client.events["Hello"][-1]["requestContext"]["stage"] == "Prod"
    assert cloud.request("GET", "/items/9").status == 200
    assert cloud.client.events["Hello"][-1]["version"] == "2.0"
    summary = cloud.front.route_summary()
    assert {"GET /hello/{name}", "GET /items/{id}", "$default $default"} <= {
        f"{r['method']} {r['path']}" for r in summary
    }
    assert all(
        set(r) == {"api_id", "api_name", "kind", "method", "path", "function_arn"} for r in summary
    )
    assert {r["kind"] for r in summary} == {"REST", "HTTP"}


def test_execute_api_edge_path(app: tuple[Cloud, dict[str, str]]) -> None:
    import asyncio

    from fogbank.protocol.http import HttpRequest, HttpResponse

    cloud, ids = app
    route = cloud.v1.http_routes()[0]
    assert route.prefix == "/_aws/execute-api/"

    def edge(path: str) -> HttpResponse:
        async def run() -> HttpResponse:
            response: HttpResponse = await route.handler(HttpRequest("GET", path))
            return response

        return asyncio.run(run())

    response = edge(f"/_aws/execute-api/{ids['RestApi']}/Prod/hello/edge")
    assert response.status == 200
    assert cloud.client.events["Hello"][-1]["pathParameters"] == {"name": "edge"}
    response = edge(f"/_aws/execute-api/{ids['HttpApi']}/items/3")
    assert response.status == 200
    assert (
        cloud.front.api_id_for_host(f"{ids['HttpApi']}.execute-api.localhost:4566")
        == ids["HttpApi"]
    )
    assert cloud.front.api_id_for_host("localhost:3000") is None


def test_sam_token_and_request_authorizers(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    cloud.client.register(
        "tokenauth",
        lambda e: {
            "principalId": "u",
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Action": "execute-api:Invoke",
                        "Effect": "Allow" if e["authorizationToken"] == "ok" else "Deny",
                        "Resource": e["methodArn"],
                    }
                ],
            },
        },
    )
    cloud.client.register(
        "requestauth",
        lambda e: {
            "principalId": "u",
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": e["methodArn"]}
                ],
            },
            "context": {"header": e["headers"]["x-user"]},
        },
    )
    api_id = ids["RestApi"]
    assert cloud.request("GET", "/Prod/secret", api_id=api_id).status == 401
    assert (
        cloud.request("GET", "/Prod/secret", api_id=api_id, headers={"Authorization": "no"}).status
        == 403
    )
    assert (
        cloud.request("GET", "/Prod/secret", api_id=api_id, headers={"Authorization": "ok"}).status
        == 200
    )
    assert cloud.request("GET", "/Prod/members", api_id=api_id).status == 401
    assert (
        cloud.request("GET", "/Prod/members", api_id=api_id, headers={"X-User": "ann"}).status
        == 200
    )
    assert cloud.client.events["Hello"][-1]["requestContext"]["authorizer"]["header"] == "ann"
    authorizers = cloud.call("apigateway", "GetAuthorizers", restApiId=api_id)["items"]
    by_name = {a["name"]: a for a in authorizers}
    assert by_name["TokenAuth"]["type"] == "TOKEN"
    assert by_name["TokenAuth"]["identitySource"] == "method.request.header.Authorization"
    assert by_name["RequestAuth"]["authorizerResultTtlInSeconds"] == 60


def test_sam_http_simple_authorizer(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    cloud.client.register(
        "httpauth", lambda e: {"isAuthorized": e["identitySource"] == ["letmein"]}
    )
    api_id = ids["HttpApi"]
    assert cloud.request("GET", "/private", api_id=api_id).status == 401
    assert (
        cloud.request("GET", "/private", api_id=api_id, headers={"Authorization": "x"}).status
        == 403
    )
    assert (
        cloud.request("GET", "/private", api_id=api_id, headers={"Authorization": "letmein"}).status
        == 200
    )
    assert (
        cloud.request("GET", "/items/1", api_id=api_id).status == 200
    )  # no authorizer on this route


def test_imported_rest_api_shape(app: tuple[Cloud, dict[str, str]]) -> None:
    cloud, ids = app
    api = cloud.call("apigateway", "GetRestApi", restApiId=ids["RestApi"])
    assert api["name"] == "sam-app" and api["binaryMediaTypes"] == ["image/png"]
    resources = cloud.call(
        "apigateway", "GetResources", restApiId=ids["RestApi"], embed=["methods"]
    )["items"]
    paths = {r["path"]: r for r in resources}
    assert {
        "/",
        "/hello",
        "/hello/{name}",
        "/files",
        "/files/{proxy+}",
        "/secret",
        "/members",
    } <= set(paths)
    get = paths["/hello/{name}"]["resourceMethods"]["GET"]
    assert get["methodIntegration"]["type"] == "AWS_PROXY"
    assert get["methodIntegration"]["uri"].endswith(":function:Hello/invocations")
    assert paths["/files/{proxy+}"]["resourceMethods"]["ANY"]["authorizationType"] == "NONE"
    assert paths["/secret"]["resourceMethods"]["GET"]["authorizationType"] == "CUSTOM"
    routes = cloud.call("apigatewayv2", "GetRoutes", ApiId=ids["HttpApi"])["Items"]
    assert {r["RouteKey"] for r in routes} == {"GET /items/{id}", "GET /private", "$default"}
    http = cloud.call("apigatewayv2", "GetApi", ApiId=ids["HttpApi"])
    assert http["CorsConfiguration"]["AllowOrigins"] == ["https://example.com"]

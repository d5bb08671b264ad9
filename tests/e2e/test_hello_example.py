"""examples/hello end to end over real HTTP: Powertools resolvers behind an HTTP API (v2)
and a REST API (v1), environment Refs, a function calling another with boto3."""

from __future__ import annotations

import json

import pytest
import requests

from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(EXAMPLES / "hello")


def test_http_api_route_with_path_parameter(fogbank_app):
    reply = requests.get(fogbank_app.api_url + "/hello/world", timeout=60)
    assert reply.status_code == 200
    assert reply.json() == {"message": "hello world"}
    assert reply.headers["content-type"].startswith("application/json")


def test_http_api_post_body_and_query(fogbank_app):
    reply = requests.post(fogbank_app.api_url + "/echo?x=1", json={"a": [1, 2]}, timeout=60)
    assert reply.status_code == 200
    assert reply.json() == {"echo": {"a": [1, 2]}, "contentType": "application/json",
                            "query": {"x": "1"}}
    bad = requests.post(fogbank_app.api_url + "/echo", data=b"not json", timeout=60)
    assert bad.status_code == 400


def test_environment_refs_are_real_names(fogbank_app):
    config = requests.get(fogbank_app.api_url + "/config", timeout=60).json()
    assert config["auditLogGroup"] == fogbank_app.stack.physical_id("AuditLogGroup")
    assert config["plainFunction"] == fogbank_app.function_name("PlainFunction")
    assert config["region"] == fogbank_app.region


def test_function_invokes_another_with_unmodified_boto3(fogbank_app):
    reply = requests.get(fogbank_app.api_url + "/plain", timeout=60).json()
    assert reply["statusCode"] == 200
    assert reply["payload"]["functionName"] == fogbank_app.function_name("PlainFunction")


def test_rest_api_routes(fogbank_app):
    item = requests.get(fogbank_app.api_url + "/items/1", timeout=60)
    assert item.status_code == 200
    assert item.json() == {"item_id": "1", "name": "notebook", "price_cents": 450}
    missing = requests.get(fogbank_app.api_url + "/items/9", timeout=60)
    assert missing.status_code == 404
    greeting = requests.get(fogbank_app.api_url + "/greeting", params={"name": "Ada"},
                            timeout=60).json()
    assert greeting == {"greeting": "hello Ada", "stage": "Prod"}


def test_apis_on_the_edge_with_stage_and_by_host(fogbank_app):
    rest_api_id = fogbank_app.stack.physical_id("RestApi")
    http_api_id = fogbank_app.stack.physical_id("ServerlessHttpApi")
    by_path = requests.get(
        f"{fogbank_app.edge_url}/_aws/execute-api/{rest_api_id}/Prod/items/2", timeout=60)
    assert by_path.json()["name"] == "pencil"
    by_host = requests.get(f"{fogbank_app.edge_url}/hello/host",
                           headers={"Host": f"{http_api_id}.execute-api.localhost"}, timeout=60)
    assert by_host.json() == {"message": "hello host"}


def test_unknown_routes(fogbank_app):
    http_api_id = fogbank_app.stack.physical_id("ServerlessHttpApi")
    rest_api_id = fogbank_app.stack.physical_id("RestApi")
    v2 = requests.get(f"{fogbank_app.edge_url}/_aws/execute-api/{http_api_id}/$default/nope",
                      timeout=60)
    assert (v2.status_code, v2.json()) == (404, {"message": "Not Found"})
    v1 = requests.get(f"{fogbank_app.edge_url}/_aws/execute-api/{rest_api_id}/Prod/nope",
                      timeout=60)
    assert (v1.status_code, v1.json()) == (403, {"message": "Missing Authentication Token"})


def test_lambda_invoke_and_powertools_logs(fogbank_app):
    lam = fogbank_app.client("lambda")
    reply = lam.invoke(FunctionName=fogbank_app.function_name("PlainFunction"),
                       Payload=json.dumps({"k": "v"}))
    body = json.loads(reply["Payload"].read())
    assert body["keys"] == ["k"]
    requests.get(fogbank_app.api_url + "/hello/logger", timeout=60)
    lines = fogbank_app.logs("HttpFunction")
    structured = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(entry.get("visitor") == "logger" and entry.get("service") == "hello-http"
               for entry in structured), lines


def test_apis_readable_through_the_control_plane(fogbank_app):
    v2 = fogbank_app.client("apigatewayv2")
    apis = v2.get_apis()["Items"]
    assert [api["ProtocolType"] for api in apis] == ["HTTP"]
    routes = {route["RouteKey"] for route in v2.get_routes(ApiId=apis[0]["ApiId"])["Items"]}
    assert "GET /hello/{name}" in routes
    v1 = fogbank_app.client("apigateway")
    rest = v1.get_rest_apis()["items"]
    assert len(rest) == 1
    paths = {r["path"] for r in v1.get_resources(restApiId=rest[0]["id"])["items"]}
    assert {"/items/{item_id}", "/greeting"} <= paths
    # SAM's Deployment carries StageName "Stage", so AWS too shows a "Stage" stage beside Prod
    stages = {s["stageName"] for s in v1.get_stages(restApiId=rest[0]["id"])["item"]}
    assert stages == {"Stage", "Prod"}

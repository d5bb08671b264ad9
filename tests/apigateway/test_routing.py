"""Route matching: specificity, greedy paths, ANY, $default, unknown routes and stages."""

from __future__ import annotations

import logging

import pytest

from fogbank.core.errors import ServiceError
from fogbank.services.apigateway.dataplane.model import IntegrationDefinition, RouteDefinition
from fogbank.services.apigateway.dataplane.routing import RouteTable, Served, split_path
from tests.apigateway.builders import http_api, rest_api
from tests.apigateway.harness import Cloud, body_json, lambda_uri

OK = {"statusCode": 200, "body": "ok"}


def _table(*routes: tuple[str, str | None]) -> RouteTable:
    table = RouteTable()
    for method, path in routes:
        route = RouteDefinition(
            method=method,
            path=path,
            integration=IntegrationDefinition(type="MOCK"),
            route_key=f"{method} {path}" if path else "$default",
        )
        table.add(Served(api=None, stage_name="s", stage_variables={}, route=route))  # type: ignore[arg-type]
    return table


@pytest.mark.parametrize(
    ("method", "path", "expected", "params"),
    [
        ("GET", "/pets", "GET /pets", {}),
        ("GET", "/pets/", "GET /pets", {}),
        ("GET", "/pets/dog", "GET /pets/dog", {}),
        ("GET", "/pets/cat", "GET /pets/{name}", {"name": "cat"}),
        ("GET", "/pets/cat/toys", "GET /pets/{name}/toys", {"name": "cat"}),
        ("GET", "/pets/cat/food/dry", "ANY /pets/{proxy+}", {"proxy": "cat/food/dry"}),
        ("POST", "/pets/cat", "ANY /pets/{proxy+}", {"proxy": "cat"}),
        ("GET", "/other/x", "ANY /{proxy+}", {"proxy": "other/x"}),
        ("GET", "/a%20b/c", "ANY /{proxy+}", {"proxy": "a b/c"}),
        ("GET", "/", "$default", {}),
    ],
)
def test_http_route_specificity(
    method: str, path: str, expected: str, params: dict[str, str]
) -> None:
    table = _table(
        ("GET", "/pets"),
        ("GET", "/pets/dog"),
        ("GET", "/pets/{name}"),
        ("GET", "/pets/{name}/toys"),
        ("ANY", "/pets/{proxy+}"),
        ("ANY", "/{proxy+}"),
        ("$default", None),
    )
    match = table.match_route(method, split_path(path))
    assert match is not None
    assert match.served.route.route_key == expected
    assert match.path_parameters == params


def test_rest_resource_semantics_do_not_fall_back() -> None:
    table = _table(("GET", "/pets/{name}"), ("ANY", "/{proxy+}"))
    assert table.match_resource("POST", split_path("/pets/x")) is None
    assert table.match_route("POST", split_path("/pets/x")).served.route.path == "/{proxy+}"  # type: ignore[union-attr]


def test_greedy_needs_one_segment() -> None:
    table = _table(("ANY", "/{proxy+}"))
    assert table.match_route("GET", []) is None


def test_duplicate_routes_are_rejected() -> None:
    table = RouteTable()
    route = RouteDefinition(method="GET", path="/a", integration=IntegrationDefinition(type="MOCK"))
    assert table.add(Served(None, "s", {}, route))  # type: ignore[arg-type]
    assert not table.add(Served(None, "s", {}, route))  # type: ignore[arg-type]


def test_unknown_routes_rest_403_http_404(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    rest_id = rest_api(cloud, [("GET", "/a", "fn")])
    http_id = http_api(cloud, [("GET /a", "fn")])
    rest = cloud.request("GET", "/dev/b", api_id=rest_id)
    assert rest.status == 403 and body_json(rest) == {"message": "Missing Authentication Token"}
    assert rest.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    http = cloud.request("GET", "/b", api_id=http_id)
    assert http.status == 404 and body_json(http) == {"message": "Not Found"}
    assert cloud.request("POST", "/a", api_id=http_id).status == 404
    assert cloud.request("GET", "/a", api_id="nosuchapi0").status == 404


def test_explicit_stage_argument(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    rest_id = rest_api(cloud, [("GET", "/a", "fn")], stage="v1")
    assert cloud.request("GET", "/a", api_id=rest_id, stage="v1").status == 200
    assert cloud.request("GET", "/a", api_id=rest_id, stage="v2").status == 403


def test_local_front_first_api_wins_with_one_warning(
    cloud: Cloud, caplog: pytest.LogCaptureFixture
) -> None:
    cloud.client.register("first", lambda e: {"statusCode": 200, "body": "first"})
    cloud.client.register("second", lambda e: {"statusCode": 200, "body": "second"})
    rest_api(cloud, [("GET", "/same", "first")])
    http_api(cloud, [("GET /same", "second"), ("GET /only-http", "second")])
    with caplog.at_level(logging.WARNING, logger="fogbank.apigateway"):
        assert cloud.request("GET", "/same").body == b"first"
        assert cloud.request("GET", "/only-http").body == b"second"
        assert cloud.request("GET", "/same").body == b"first"
    warnings = [r for r in caplog.records if "more than one API" in r.getMessage()]
    assert len(warnings) == 1 and "GET /same" in warnings[0].getMessage()
    assert cloud.request("GET", "/missing").status == 403


def test_tables_follow_control_plane_changes(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    http_id = http_api(cloud, [("GET /a", "fn")])
    assert cloud.request("GET", "/b", api_id=http_id).status == 404
    integration = cloud.call("apigatewayv2", "GetIntegrations", ApiId=http_id)["Items"][0]
    cloud.call(
        "apigatewayv2",
        "CreateRoute",
        ApiId=http_id,
        RouteKey="GET /b",
        Target=f"integrations/{integration['IntegrationId']}",
    )
    assert cloud.request("GET", "/b", api_id=http_id).status == 200
    cloud.call("apigatewayv2", "DeleteApi", ApiId=http_id)
    assert cloud.request("GET", "/a", api_id=http_id).status == 404


def test_rest_changes_need_a_deployment(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = rest_api(cloud, [("GET", "/a", "fn")])
    root = cloud.call("apigateway", "GetRestApi", restApiId=api_id)["rootResourceId"]
    new = cloud.call("apigateway", "CreateResource", restApiId=api_id, parentId=root, pathPart="b")[
        "id"
    ]
    cloud.call(
        "apigateway",
        "PutMethod",
        restApiId=api_id,
        resourceId=new,
        httpMethod="GET",
        authorizationType="NONE",
    )
    cloud.call(
        "apigateway",
        "PutIntegration",
        restApiId=api_id,
        resourceId=new,
        httpMethod="GET",
        type="MOCK",
    )
    assert cloud.request("GET", "/dev/b", api_id=api_id).status == 403
    cloud.call("apigateway", "CreateDeployment", restApiId=api_id, stageName="dev")
    assert cloud.request("GET", "/dev/b", api_id=api_id).status == 200


def test_default_stage_may_be_named_in_edge_paths(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    http_id = http_api(cloud, [("GET /a", "fn")])
    assert cloud.request("GET", "/$default/a", api_id=http_id).status == 200
    assert cloud.request("GET", "/a", api_id=http_id).status == 200


def test_http_stage_without_auto_deploy_serves_its_deployment(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = cloud.call("apigatewayv2", "CreateApi", Name="d", ProtocolType="HTTP")["ApiId"]
    with pytest.raises(ServiceError, match="At least one route"):
        cloud.call("apigatewayv2", "CreateDeployment", ApiId=api_id)
    integration = cloud.call(
        "apigatewayv2",
        "CreateIntegration",
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=lambda_uri("fn"),
        PayloadFormatVersion="2.0",
    )["IntegrationId"]
    cloud.call(
        "apigatewayv2",
        "CreateRoute",
        ApiId=api_id,
        RouteKey="GET /one",
        Target=f"integrations/{integration}",
    )
    cloud.call("apigatewayv2", "CreateStage", ApiId=api_id, StageName="prod")
    assert cloud.request("GET", "/prod/one", api_id=api_id).status == 404  # nothing deployed
    cloud.call("apigatewayv2", "CreateDeployment", ApiId=api_id, StageName="prod")
    assert cloud.request("GET", "/prod/one", api_id=api_id).status == 200
    cloud.call(
        "apigatewayv2",
        "CreateRoute",
        ApiId=api_id,
        RouteKey="GET /two",
        Target=f"integrations/{integration}",
    )
    assert cloud.request("GET", "/prod/two", api_id=api_id).status == 404  # not deployed yet
    cloud.call("apigatewayv2", "CreateDeployment", ApiId=api_id, StageName="prod")
    assert cloud.request("GET", "/prod/two", api_id=api_id).status == 200

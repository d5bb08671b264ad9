"""The seam between the control planes and the shared data plane: sources hand out fresh,
immutable definitions and nothing else; ``apigatewayv2`` reaches into ``apigateway`` only
for the plain-data model and the stateless helpers of ``shared.py``."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import fogbank.services.apigatewayv2 as apigatewayv2_package
from fogbank.services.apigateway.dataplane.model import ApiDefinition, StageDefinition
from tests.apigateway.builders import http_api, rest_api
from tests.apigateway.harness import Cloud

SCALARS = (str, int, float, bool, type(None))


def _assert_immutable(value: Any, where: str = "definition") -> None:
    """Every reachable value is a scalar, a tuple, a read-only mapping or a frozen dataclass."""
    if isinstance(value, SCALARS):
        return
    if dataclasses.is_dataclass(value):
        params = type(value).__dataclass_params__  # type: ignore[union-attr]
        assert params.frozen, f"{where}: {type(value).__name__} is not frozen"
        for item in dataclasses.fields(value):
            _assert_immutable(getattr(value, item.name), f"{where}.{item.name}")
        return
    if isinstance(value, tuple):
        for index, item in enumerate(value):
            _assert_immutable(item, f"{where}[{index}]")
        return
    assert isinstance(value, MappingProxyType), f"{where}: mutable {type(value).__name__}"
    for key, item in value.items():
        _assert_immutable(item, f"{where}[{key!r}]")


def _build(cloud: Cloud) -> tuple[str, str]:
    cloud.client.register("fn", lambda event: {"statusCode": 200, "body": "ok"})
    rest_id = rest_api(cloud, [("GET", "/r/{id}", "fn")], variables={"color": "blue"})
    cloud.call(
        "apigateway",
        "PutGatewayResponse",
        restApiId=rest_id,
        responseType="THROTTLED",
        statusCode="503",
        responseParameters={"gatewayresponse.header.Retry-After": "'5'"},
    )
    cloud.call("apigateway", "CreateDeployment", restApiId=rest_id, stageName="dev",
               variables={"color": "blue"})
    http_id = http_api(
        cloud,
        [("GET /h", "fn")],
        variables={"color": "green"},
        cors={"AllowOrigins": ["https://example.com"], "AllowMethods": ["GET"]},
        authorizer={
            "Name": "jwt",
            "AuthorizerType": "JWT",
            "IdentitySource": ["$request.header.Authorization"],
            "JwtConfiguration": {"Issuer": "https://issuer", "Audience": ["a"]},
        },
    )
    return rest_id, http_id


def _definitions(cloud: Cloud) -> dict[str, ApiDefinition]:
    return {d.api_id: d for s in (cloud.v1.source, cloud.v2.source) for d in s.definitions()}


def test_sources_hand_out_only_immutable_values(cloud: Cloud) -> None:
    rest_id, http_id = _build(cloud)
    definitions = _definitions(cloud)
    assert {rest_id, http_id} <= set(definitions)
    for definition in definitions.values():
        _assert_immutable(definition, definition.api_id)
    stage = definitions[rest_id].stages[0]
    assert stage.variables == {"color": "blue"} and "THROTTLED" in stage.gateway_responses
    with pytest.raises(TypeError):
        stage.variables["color"] = "red"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        stage.name = "other"  # type: ignore[misc]


def test_definitions_are_fresh_copies_not_live_records(cloud: Cloud) -> None:
    rest_id, http_id = _build(cloud)
    before = _definitions(cloud)
    cloud.call("apigatewayv2", "UpdateStage", ApiId=http_id, StageName="$default",
               StageVariables={"color": "red"})
    cloud.call("apigateway", "DeleteRestApi", restApiId=rest_id)
    after = _definitions(cloud)
    assert before[http_id].stages[0].variables == {"color": "green"}
    assert after[http_id].stages[0].variables == {"color": "red"}
    assert rest_id in before and rest_id not in after


def test_stage_definition_copies_what_it_is_given() -> None:
    variables = {"a": "1"}
    stage = StageDefinition(name="s", variables=variables, routes=[])  # type: ignore[arg-type]
    variables["a"] = "2"
    assert stage.variables == {"a": "1"} and isinstance(stage.variables, Mapping)
    assert stage.routes == ()


def test_sources_expose_no_store(cloud: Cloud) -> None:
    for source in (cloud.v1.source, cloud.v2.source):
        public = {name for name in dir(source) if not name.startswith("_")}
        assert public == {"generation", "definitions"}
        with pytest.raises(AttributeError):
            source.extra = 1  # type: ignore[union-attr]


def test_apigatewayv2_imports_only_the_data_plane_model_and_shared_helpers() -> None:
    package = Path(apigatewayv2_package.__file__).parent
    crossing: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name == "fogbank.services.apigateway" or name.startswith(
                    "fogbank.services.apigateway."
                ):
                    crossing.setdefault(name, set()).add(path.name)
    assert crossing == {
        "fogbank.services.apigateway.dataplane.model": {"source.py"},
        "fogbank.services.apigateway.shared": {"importer.py", "source.py", "store.py"},
    }

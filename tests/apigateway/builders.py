"""Build APIs call by call through the providers (as boto3 or Terraform would)."""

from __future__ import annotations

from typing import Any

from tests.apigateway.harness import Cloud, lambda_uri


def rest_api(
    cloud: Cloud,
    routes: list[tuple[str, str, str]],
    *,
    stage: str = "dev",
    binary_media_types: list[str] | None = None,
    authorizer: dict[str, Any] | None = None,
    variables: dict[str, str] | None = None,
) -> str:
    """``routes``: (method, path, function name). With ``authorizer`` (CreateAuthorizer
    members) every method uses it."""
    extra = {"binaryMediaTypes": binary_media_types} if binary_media_types else {}
    api = cloud.call("apigateway", "CreateRestApi", name="built", **extra)
    api_id = api["id"]
    authorizer_id = None
    if authorizer:
        authorizer_id = cloud.call(
            "apigateway", "CreateAuthorizer", restApiId=api_id, **authorizer
        )["id"]
    by_path = {"/": api["rootResourceId"]}
    for method, path, function in routes:
        parent = "/"
        for part in [p for p in path.split("/") if p]:
            current = parent.rstrip("/") + "/" + part
            if current not in by_path:
                by_path[current] = cloud.call(
                    "apigateway",
                    "CreateResource",
                    restApiId=api_id,
                    parentId=by_path[parent],
                    pathPart=part,
                )["id"]
            parent = current
        resource_id = by_path[parent]
        auth = (
            {"authorizationType": "CUSTOM", "authorizerId": authorizer_id}
            if authorizer_id
            else {"authorizationType": "NONE"}
        )
        cloud.call(
            "apigateway",
            "PutMethod",
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
            **auth,
        )
        cloud.call(
            "apigateway",
            "PutIntegration",
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=lambda_uri(function),
        )
    stage_extra = {"variables": variables} if variables else {}
    cloud.call("apigateway", "CreateDeployment", restApiId=api_id, stageName=stage, **stage_extra)
    return str(api_id)


def http_api(
    cloud: Cloud,
    routes: list[tuple[str, str]],
    *,
    payload_format: str = "2.0",
    authorizer: dict[str, Any] | None = None,
    stage: str = "$default",
    variables: dict[str, str] | None = None,
    cors: dict[str, Any] | None = None,
) -> str:
    """``routes``: (route key, function name)."""
    extra = {"CorsConfiguration": cors} if cors else {}
    api_id = cloud.call("apigatewayv2", "CreateApi", Name="built", ProtocolType="HTTP", **extra)[
        "ApiId"
    ]
    authorizer_id = None
    if authorizer:
        authorizer_id = cloud.call("apigatewayv2", "CreateAuthorizer", ApiId=api_id, **authorizer)[
            "AuthorizerId"
        ]
    for route_key, function in routes:
        integration = cloud.call(
            "apigatewayv2",
            "CreateIntegration",
            ApiId=api_id,
            IntegrationType="AWS_PROXY",
            IntegrationUri=lambda_uri(function),
            PayloadFormatVersion=payload_format,
        )
        auth = (
            {"AuthorizationType": "CUSTOM", "AuthorizerId": authorizer_id} if authorizer_id else {}
        )
        cloud.call(
            "apigatewayv2",
            "CreateRoute",
            ApiId=api_id,
            RouteKey=route_key,
            Target=f"integrations/{integration['IntegrationId']}",
            **auth,
        )
    stage_extra = {"StageVariables": variables} if variables else {}
    cloud.call(
        "apigatewayv2", "CreateStage", ApiId=api_id, StageName=stage, AutoDeploy=True, **stage_extra
    )
    return str(api_id)

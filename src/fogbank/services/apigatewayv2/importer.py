"""OpenAPI 3 (or Swagger 2) definitions of HTTP APIs → routes, integrations, authorizers
and CORS, as ``ImportApi``/``ReimportApi`` create them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.services.apigateway.shared import load_document, method_verb, str_or_none
from fogbank.services.apigatewayv2.errors import BadRequestException


@dataclass
class RoutePlan:
    route_key: str
    integration: dict[str, Any] | None  # CreateIntegration members (AWS names)
    authorizer_name: str | None
    authorization_scopes: list[str] = field(default_factory=list)


@dataclass
class HttpImportPlan:
    name: str
    description: str | None
    version: str | None
    cors: dict[str, Any] | None
    authorizers: list[dict[str, Any]]  # CreateAuthorizer members, "Name" included
    routes: list[RoutePlan]
    warnings: list[str] = field(default_factory=list)


def parse_definition(body: str | bytes | dict[str, Any]) -> dict[str, Any]:
    doc = load_document(body)
    if not isinstance(doc, dict) or ("openapi" not in doc and "swagger" not in doc):
        raise BadRequestException("Invalid OpenAPI input. The 'openapi' field is required.")
    return doc


def build_plan(doc: dict[str, Any]) -> HttpImportPlan:
    info: dict[str, Any] = doc["info"] if isinstance(doc.get("info"), dict) else {}
    components: dict[str, Any] = (
        doc["components"] if isinstance(doc.get("components"), dict) else {}
    )
    schemes = components.get("securitySchemes") or doc.get("securityDefinitions") or {}
    authorizers = [
        _authorizer(str(name), scheme)
        for name, scheme in schemes.items()
        if isinstance(scheme, dict)
        and isinstance(scheme.get("x-amazon-apigateway-authorizer"), dict)
    ]
    names = {a["Name"] for a in authorizers}
    plan = HttpImportPlan(
        name=str(info.get("title") or "imported-api"),
        description=str_or_none(info.get("description")),
        version=str_or_none(info.get("version")),
        cors=_cors(doc.get("x-amazon-apigateway-cors")),
        authorizers=authorizers,
        routes=[],
    )
    default_security = doc.get("security")
    paths = doc.get("paths") or {}
    if not isinstance(paths, dict):
        raise BadRequestException("Invalid OpenAPI input. 'paths' must be an object.")
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            verb = method_verb(key)
            if verb is None or not isinstance(operation, dict):
                continue
            if path == "$default" or operation.get("isDefaultRoute"):
                route_key = "$default"
            elif isinstance(path, str) and path.startswith("/"):
                route_key = f"{verb} {path}"
            else:
                plan.warnings.append(f"Skipping path {path!r}: not a valid route path")
                continue
            security = operation.get("security", default_security) or []
            authorizer_name, scopes = None, []
            for requirement in security if isinstance(security, list) else []:
                if isinstance(requirement, dict):
                    for scheme_name, scheme_scopes in requirement.items():
                        if scheme_name in names:
                            authorizer_name = scheme_name
                            scopes = [str(s) for s in scheme_scopes or []]
            ext = operation.get("x-amazon-apigateway-integration")
            plan.routes.append(
                RoutePlan(
                    route_key,
                    _integration(ext) if isinstance(ext, dict) else None,
                    authorizer_name,
                    scopes,
                )
            )
    return plan


def _integration(ext: dict[str, Any]) -> dict[str, Any]:
    kind = str(ext.get("type", "aws_proxy")).upper()
    shaped: dict[str, Any] = {
        "IntegrationType": kind,
        "IntegrationMethod": str(ext.get("httpMethod", "POST")).upper(),
        "PayloadFormatVersion": str(ext.get("payloadFormatVersion", "1.0")),
        "TimeoutInMillis": int(ext.get("timeoutInMillis", 30000)),
        "ConnectionType": str(ext.get("connectionType", "INTERNET")).upper(),
    }
    if ext.get("uri") is not None:
        shaped["IntegrationUri"] = ext["uri"]
    if ext.get("credentials") is not None:
        shaped["CredentialsArn"] = ext["credentials"]
    return shaped


def _authorizer(name: str, scheme: dict[str, Any]) -> dict[str, Any]:
    ext = scheme["x-amazon-apigateway-authorizer"]
    kind = str(ext.get("type", "request")).upper()
    identity = ext.get("identitySource") or []
    if isinstance(identity, str):
        identity = [s.strip() for s in identity.split(",") if s.strip()]
    shaped: dict[str, Any] = {
        "Name": name,
        "AuthorizerType": kind,
        "IdentitySource": list(identity),
    }
    if kind == "JWT":
        jwt = ext.get("jwtConfiguration") or {}
        shaped["JwtConfiguration"] = {
            "Audience": list(jwt.get("audience") or []),
            "Issuer": jwt.get("issuer", ""),
        }
    else:
        shaped["AuthorizerUri"] = ext.get("authorizerUri")
        shaped["AuthorizerPayloadFormatVersion"] = str(
            ext.get("authorizerPayloadFormatVersion", "2.0")
        )
        shaped["EnableSimpleResponses"] = bool(ext.get("enableSimpleResponses", False))
        shaped["AuthorizerResultTtlInSeconds"] = int(ext.get("authorizerResultTtlInSeconds", 300))
        if ext.get("authorizerCredentials"):
            shaped["AuthorizerCredentialsArn"] = ext["authorizerCredentials"]
    return shaped


def _cors(ext: Any) -> dict[str, Any] | None:
    if not isinstance(ext, dict):
        return None
    mapping = {
        "allowOrigins": "AllowOrigins",
        "allowMethods": "AllowMethods",
        "allowHeaders": "AllowHeaders",
        "exposeHeaders": "ExposeHeaders",
        "maxAge": "MaxAge",
        "allowCredentials": "AllowCredentials",
    }
    return {dst: ext[src] for src, dst in mapping.items() if src in ext}

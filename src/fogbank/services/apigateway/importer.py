"""Read a Swagger 2.0 / OpenAPI 3 definition (with API Gateway's ``x-amazon-apigateway-*``
extensions) into a plain import plan: API settings, authorizers and per-path methods.

The provider applies the plan through its own resource/method/integration logic, so an
imported API is indistinguishable from one built call by call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.services.apigateway.errors import BadRequestException
from fogbank.services.apigateway.shared import load_document, method_verb, str_or_none


@dataclass
class MethodPlan:
    http_method: str
    authorizer_name: str | None
    api_key_required: bool
    method_responses: dict[str, dict[str, Any]]
    integration: dict[str, Any] | None  # Integration shape, or None
    operation_name: str | None = None
    request_parameters: dict[str, bool] = field(default_factory=dict)
    authorization_scopes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    name: str | None
    description: str | None
    version: str | None
    binary_media_types: list[str]
    authorizers: list[dict[str, Any]]  # Authorizer shape without id
    paths: list[tuple[str, list[MethodPlan]]]
    gateway_responses: list[dict[str, Any]] = field(default_factory=list)  # GatewayResponse
    warnings: list[str] = field(default_factory=list)


def parse_definition(body: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """JSON or YAML text → dict; raises BadRequestException for anything else."""
    doc = load_document(body)
    if not isinstance(doc, dict):
        raise BadRequestException("Invalid OpenAPI input.")
    if "swagger" not in doc and "openapi" not in doc:
        raise BadRequestException(
            "Invalid OpenAPI input. The 'swagger' or 'openapi' field is required."
        )
    return doc


def build_plan(doc: dict[str, Any]) -> ImportPlan:
    info: dict[str, Any] = doc["info"] if isinstance(doc.get("info"), dict) else {}
    schemes = _security_schemes(doc)
    authorizers = [
        _authorizer(name, scheme)
        for name, scheme in schemes.items()
        if isinstance(scheme.get("x-amazon-apigateway-authorizer"), dict)
    ]
    authorizer_names = {a["name"] for a in authorizers}
    default_security = doc.get("security")
    plan = ImportPlan(
        name=str_or_none(info.get("title")),
        description=str_or_none(info.get("description")),
        version=str_or_none(info.get("version")),
        binary_media_types=[
            str(t) for t in doc.get("x-amazon-apigateway-binary-media-types") or []
        ],
        authorizers=authorizers,
        paths=[],
        gateway_responses=_gateway_responses(doc.get("x-amazon-apigateway-gateway-responses")),
    )
    paths = doc.get("paths") or {}
    if not isinstance(paths, dict):
        raise BadRequestException("Invalid OpenAPI input. 'paths' must be an object.")
    for path, item in paths.items():
        if not isinstance(path, str) or not path.startswith("/") or not isinstance(item, dict):
            plan.warnings.append(f"Skipping path {path!r}: not a valid resource path")
            continue
        methods = []
        for key, operation in item.items():
            verb = method_verb(key)
            if verb is None or not isinstance(operation, dict):
                continue
            methods.append(_method(verb, operation, default_security, authorizer_names))
        plan.paths.append((path, methods))
    return plan


def _security_schemes(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    schemes = doc.get("securityDefinitions")
    if not isinstance(schemes, dict):
        components: dict[str, Any] = (
            doc["components"] if isinstance(doc.get("components"), dict) else {}
        )
        schemes = components.get("securitySchemes")
    if not isinstance(schemes, dict):
        return {}
    return {str(k): v for k, v in schemes.items() if isinstance(v, dict)}


def _authorizer(name: str, scheme: dict[str, Any]) -> dict[str, Any]:
    ext = scheme["x-amazon-apigateway-authorizer"]
    auth_type = str(ext.get("type", "token")).upper()
    identity = ext.get("identitySource")
    if identity is None and auth_type in ("TOKEN", "COGNITO_USER_POOLS"):
        identity = f"method.request.header.{scheme.get('name', 'Authorization')}"
    shaped: dict[str, Any] = {
        "name": name,
        "type": auth_type,
        "authType": str(scheme.get("x-amazon-apigateway-authtype", "custom")),
        "authorizerResultTtlInSeconds": int(ext.get("authorizerResultTtlInSeconds", 300)),
    }
    for src, dst in (
        ("authorizerUri", "authorizerUri"),
        ("authorizerCredentials", "authorizerCredentials"),
        ("identityValidationExpression", "identityValidationExpression"),
        ("providerARNs", "providerARNs"),
    ):
        if ext.get(src) is not None:
            shaped[dst] = ext[src]
    if identity:
        shaped["identitySource"] = identity if isinstance(identity, str) else ", ".join(identity)
    return shaped


def _method(
    verb: str, operation: dict[str, Any], default_security: Any, authorizer_names: set[str]
) -> MethodPlan:
    security = operation.get("security", default_security) or []
    authorizer_name = None
    api_key = False
    scopes: list[str] = []
    for requirement in security if isinstance(security, list) else []:
        if isinstance(requirement, dict):
            for scheme_name, scheme_scopes in requirement.items():
                if scheme_name in authorizer_names:
                    authorizer_name = scheme_name
                    scopes = [str(s) for s in scheme_scopes or []]
                elif scheme_name.lower() in ("api_key", "apikey"):
                    api_key = True
    responses: dict[str, dict[str, Any]] = {}
    for status, response in (operation.get("responses") or {}).items():
        if str(status).isdigit():
            headers = response.get("headers") if isinstance(response, dict) else None
            responses[str(status)] = {
                "statusCode": str(status),
                "responseParameters": {f"method.response.header.{h}": False for h in headers or {}},
            }
    params: dict[str, bool] = {}
    for param in operation.get("parameters") or []:
        if isinstance(param, dict) and param.get("in") in ("path", "query", "header"):
            where = {"query": "querystring"}.get(param["in"], param["in"])
            params[f"method.request.{where}.{param.get('name')}"] = bool(
                param.get("required", False)
            )
    ext = operation.get("x-amazon-apigateway-integration")
    return MethodPlan(
        http_method=verb,
        authorizer_name=authorizer_name,
        api_key_required=api_key,
        method_responses=responses,
        integration=_integration(ext) if isinstance(ext, dict) else None,
        operation_name=str_or_none(operation.get("operationId")),
        request_parameters=params,
        authorization_scopes=scopes,
    )


def _integration(ext: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "type": str(ext.get("type", "aws_proxy")).upper(),
        "passthroughBehavior": str(ext.get("passthroughBehavior", "WHEN_NO_MATCH")).upper(),
        "timeoutInMillis": int(ext.get("timeoutInMillis", 29000)),
        "cacheNamespace": "",
        "cacheKeyParameters": list(ext.get("cacheKeyParameters") or []),
    }
    for key in (
        "uri",
        "credentials",
        "requestParameters",
        "requestTemplates",
        "contentHandling",
        "connectionType",
        "connectionId",
    ):
        if ext.get(key) is not None:
            shaped[key] = ext[key]
    if ext.get("httpMethod"):
        shaped["httpMethod"] = str(ext["httpMethod"]).upper()
    responses: dict[str, dict[str, Any]] = {}
    for pattern, response in (ext.get("responses") or {}).items():
        if not isinstance(response, dict):
            continue
        status = str(response.get("statusCode", "200"))
        entry: dict[str, Any] = {"statusCode": status}
        if pattern != "default":
            entry["selectionPattern"] = pattern
        for key in ("responseParameters", "responseTemplates", "contentHandling"):
            if response.get(key) is not None:
                entry[key] = response[key]
        responses[status] = entry
    if responses:
        shaped["integrationResponses"] = responses
    return shaped


GATEWAY_RESPONSE_TYPES = frozenset(
    {
        "DEFAULT_4XX",
        "DEFAULT_5XX",
        "RESOURCE_NOT_FOUND",
        "UNAUTHORIZED",
        "INVALID_API_KEY",
        "ACCESS_DENIED",
        "AUTHORIZER_FAILURE",
        "AUTHORIZER_CONFIGURATION_ERROR",
        "INVALID_SIGNATURE",
        "EXPIRED_TOKEN",
        "MISSING_AUTHENTICATION_TOKEN",
        "INTEGRATION_FAILURE",
        "INTEGRATION_TIMEOUT",
        "API_CONFIGURATION_ERROR",
        "UNSUPPORTED_MEDIA_TYPE",
        "BAD_REQUEST_PARAMETERS",
        "BAD_REQUEST_BODY",
        "REQUEST_TOO_LARGE",
        "THROTTLED",
        "QUOTA_EXCEEDED",
        "WAF_FILTERED",
    }
)


def _gateway_responses(ext: Any) -> list[dict[str, Any]]:
    if not isinstance(ext, dict):
        return []
    found = []
    for response_type, spec in ext.items():
        if response_type not in GATEWAY_RESPONSE_TYPES or not isinstance(spec, dict):
            continue
        shaped: dict[str, Any] = {
            "responseType": response_type,
            "defaultResponse": False,
            "responseParameters": dict(spec.get("responseParameters") or {}),
            "responseTemplates": dict(spec.get("responseTemplates") or {}),
        }
        if spec.get("statusCode") is not None:
            shaped["statusCode"] = str(spec["statusCode"])
        found.append(shaped)
    return found

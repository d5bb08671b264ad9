"""Which service a request is for: SigV4 credential scope, then ``X-Amz-Target``, then the
S3 host, then a query ``Action``, and finally S3 for plain REST paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote

from fogbank.core.errors import UnrecognizedClientException
from fogbank.protocol.http import HttpRequest
from fogbank.protocol.models import ServiceCatalog
from fogbank.protocol.s3_hosts import is_s3_host

_SCOPE = re.compile(r"Credential=\s*([^,\s]+)")
# Signing names that are not APIs of the edge (API Gateway invoke traffic signed with IAM).
_NOT_AN_API = frozenset({"execute-api"})

# Chooses among several services sharing a signing name by the request path (REST services).
FirstSegmentMatcher = Callable[[str, str], bool]

# REST services an unsigned request (``aws --no-sign-request``, curl) is matched to by its
# first path segment before falling back to S3, whose bucket names could be anything.
UNSIGNED_REST_SERVICES: tuple[str, ...] = ("lambda", "apigatewayv2", "apigateway")


def credential_scope(request: HttpRequest) -> list[str] | None:
    """``[access_key, date, region, signing_name, 'aws4_request']`` (SigV4A scopes have no
    region) or None when unsigned."""
    authorization = request.headers.get("authorization", "")
    found = _SCOPE.search(authorization) if authorization else None
    if found:
        credential = found.group(1)
    elif "X-Amz-Credential" in request.query_string:
        credential = ""
        for key, value in parse_qsl(request.query_string, keep_blank_values=True):
            if key == "X-Amz-Credential":
                credential = value
        if not credential:
            return None
    else:
        return None
    parts = unquote(credential).split("/")
    return parts if len(parts) >= 4 else None


def region_of(request: HttpRequest) -> str | None:
    scope = credential_scope(request)
    return scope[-3] if scope and len(scope) >= 5 else None


def detect_service(catalog: ServiceCatalog, request: HttpRequest,
                   path_belongs_to: FirstSegmentMatcher) -> str:
    target = request.headers.get("x-amz-target")
    target_service = (catalog.service_for_target_prefix(target.rpartition(".")[0])
                      if target else None)
    scope = credential_scope(request)
    if scope is not None:
        signing_name = scope[-2]
        candidates = catalog.services_for_signing_name(signing_name)
        if signing_name in _NOT_AN_API:
            candidates = []
        if target_service and (target_service in candidates or not candidates):
            return target_service
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            # The service named like its signing name first: newer botocore releases add
            # services that share a signing name and paths with an old one (lambda-microvms
            # signs as lambda and has Lambda's tagging paths).
            for service in candidates:
                if path_belongs_to(service, request.path):
                    return service
            return candidates[0]
    if target_service:
        return target_service
    if is_s3_host(request.headers.get("host", "")):
        return "s3"
    if "AWSAccessKeyId=" in request.query_string or (
        request.headers.get("authorization", "").startswith("AWS ")
    ):
        return "s3"  # SigV2 (presigned S3 URLs)
    action_service = _service_for_action(catalog, request)
    if action_service:
        return action_service
    if target is None and scope is None and "Action" not in _form_params(request):
        for service in UNSIGNED_REST_SERVICES:
            if path_belongs_to(service, request.path):
                return service
        return "s3"
    raise UnrecognizedClientException("The security token included in the request is invalid.")


def _form_params(request: HttpRequest) -> dict[str, str]:
    params = dict(request.query_pairs())
    content_type = request.headers.get("content-type", "")
    if request.body and (content_type.startswith("application/x-www-form-urlencoded")
                         or request.body.startswith(b"Action=")):
        try:
            params.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            pass
    return params


def _service_for_action(catalog: ServiceCatalog, request: HttpRequest) -> str | None:
    params = _form_params(request)
    action = params.get("Action")
    if not action:
        return None
    by_version = catalog.service_for_query_version(params.get("Version", ""))
    services = catalog.services_for_action(action)
    if len(services) == 1:
        return services[0]
    if by_version and (by_version in services or not services):
        return by_version
    return services[0] if services else None

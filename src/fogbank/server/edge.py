"""The edge: every AWS API of the local cloud on one port."""

from __future__ import annotations

import json
import logging
from typing import Any

from fogbank import __version__
from fogbank.core.errors import InternalFailure, ServiceError, status_of
from fogbank.protocol import (
    default_layer,
    detect_service,
    parse_request,
    region_of,
    request_protocol,
    serialize_error,
    serialize_result,
)
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.json_fast import ACCEPTS_ENCODED_JSON, EncodedJson
from fogbank.server.asgi import accept, send_response
from fogbank.services.base import HttpRoute, RequestContext

log = logging.getLogger("fogbank.edge")

HEALTH_PATH = "/_fogbank/health"
# Remembered (target, credential scope, path, host) → (service, region) of detect_service.
DETECTED_CACHE_SIZE = 1024


class EdgeApp:
    """ASGI app: HTTP request → (service, operation, params) → provider → HTTP response.

    ``handle`` is also called directly, without ASGI, by the edge's HTTP protocol for API
    calls whose body it has buffered itself (``handles_buffered_requests``; see
    ``fogbank.server.http_protocol``)."""

    handles_buffered_requests = True

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud
        self.dispatcher = cloud.dispatcher
        self._too_large = _plain_error(413, "RequestEntityTooLarge", "Request body is too large")
        self._routes: list[HttpRoute] = []
        self._routes_of = -1  # how many providers were built when the routes were collected
        self._detected: dict[tuple[str, str, str, str], tuple[str, str | None]] = {}
        self._json_content_types: dict[str, str] = {}

    @property
    def routes(self) -> list[HttpRoute]:
        """Service-owned HTTP routes, longest prefix first (services are built lazily)."""
        built = len(self.dispatcher.providers)
        if built != self._routes_of:
            self._routes = sorted(self.cloud.http_routes(), key=lambda route: len(route.prefix),
                                  reverse=True)
            self._routes_of = built
        return self._routes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        request = await accept(scope, receive, send, self._too_large,
                               stream_body=self._streams_body)
        if request is None:
            return
        response = await self.handle(request)
        if request.body_stream is not None:  # what the handler left unread (an early error)
            await request.body_stream.drain()
        await send_response(send, response, head_only=request.method == "HEAD")

    def _streams_body(self, request: HttpRequest) -> bool:
        """Whether the provider reads this request's body itself (S3 object uploads): asked
        before the body is read, from the method, path and headers only."""
        if request.method != "PUT" or any(request.path.startswith(route.prefix)
                                          for route in self.routes):
            return False
        front = self.cloud.api_front
        if front is not None and front.api_id_for_host(request.headers.get("host", "")):
            return False
        try:
            service = detect_service(request)
        except ServiceError:
            return False
        wants = getattr(self.dispatcher.provider(service), "streams_request_body", None)
        return bool(wants is not None and wants(request))

    async def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = self.cloud.ids.uuid()
        try:
            special = await self._special(request)
            if special is not None:
                return special
        except Exception:
            log.exception("edge route failed for %s %s", request.method, request.path)
            return _plain_error(500, "InternalFailure", "fogbank failed to handle the request")
        try:
            service, region = self._detect(request)
        except ServiceError as error:
            return _plain_error(status_of(error), error.error_code, error.message, request_id)
        try:
            provider = await self.dispatcher.ready(service)
        except ServiceError as error:
            return _plain_error(status_of(error), error.error_code, error.message, request_id)
        response = await self._api(request, request_id, service, provider, region)
        # Providers may add to every answer of theirs (S3: CORS headers, 206/304 statuses).
        finish = getattr(provider, "finish_response", None)
        if finish is not None:
            try:
                finish(request, response)
            except Exception:
                log.exception("finishing the %s response failed", service)
        return response

    def _detect(self, request: HttpRequest) -> tuple[str, str | None]:
        """``(detect_service, region_of)`` of a request; for signed JSON-protocol calls the
        answer is remembered by target, credential scope, path and host, which decide it."""
        headers = request.headers
        target = headers.get("x-amz-target")
        authorization = headers.get("authorization")
        if target is None or authorization is None:
            return detect_service(request), region_of(request)
        comma = authorization.find(",")
        key = (target, authorization[:comma] if comma >= 0 else authorization, request.path,
               headers.get("host", ""))
        known = self._detected.get(key)
        if known is None:
            known = (detect_service(request), region_of(request))
            if len(self._detected) >= DETECTED_CACHE_SIZE:
                self._detected.clear()
            self._detected[key] = known
        return known

    async def _api(self, request: HttpRequest, request_id: str, service: str,
                   provider: Any, region: str | None = None) -> HttpResponse:
        operation: str | None = None
        protocol: str | None = None
        try:
            # Providers may answer requests that are not API operations (S3: CORS preflight,
            # website endpoint) or refuse them early (expired presigned URLs).
            intercept = getattr(provider, "intercept_request", None)
            if intercept is not None:
                early: HttpResponse | None = await intercept(request, request_id)
                if early is not None:
                    return early
            # SQS speaks json and query; the answer must use the protocol of the question.
            protocol = request_protocol(service, request)
            operation, params = parse_request(service, request)
            ctx = RequestContext(
                service=service,
                operation=operation,
                region=region or self.cloud.config.region,
                account_id=self.cloud.config.account_id,
                request_id=request_id,
                headers=request.headers,
            )
            if protocol != "json":
                result = await self.dispatcher.dispatch(ctx, params)
                return serialize_result(service, operation, result, request_id,
                                        protocol=protocol)
            accepts = ACCEPTS_ENCODED_JSON.set(True)
            try:
                result = await self.dispatcher.dispatch(ctx, params)
            finally:
                ACCEPTS_ENCODED_JSON.reset(accepts)
            if result.__class__ is EncodedJson:
                return HttpResponse(200, [("x-amzn-RequestId", request_id),
                                          ("Content-Type", self._json_content_type(service))],
                                    result.body)
            return serialize_result(service, operation, result, request_id, protocol=protocol)
        except ServiceError as error:
            return _serialize_error(service, operation, error, request_id, protocol)
        except Exception as exc:  # a bug of ours: answer like AWS would, keep serving
            log.exception("edge failed on %s %s", service, operation)
            return _serialize_error(service, operation, InternalFailure(str(exc)), request_id,
                                    protocol)

    def _json_content_type(self, service: str) -> str:
        known = self._json_content_types.get(service)
        if known is None:
            version = default_layer().model(service).metadata.get("jsonVersion", "1.0")
            known = self._json_content_types[service] = f"application/x-amz-json-{version}"
        return known

    async def _special(self, request: HttpRequest) -> HttpResponse | None:
        """Non-API endpoints: health, execute-api by host, service-owned HTTP routes."""
        path = request.path
        if path == HEALTH_PATH:
            body = {
                "version": __version__,
                "services": {name: "running" for name in self.dispatcher.services()},
                "state_dir": str(self.cloud.config.state_dir),
            }
            return HttpResponse(200, [("Content-Type", "application/json")],
                                json.dumps(body).encode())
        front = self.cloud.api_front
        if front is not None:
            api_id = front.api_id_for_host(request.headers.get("host", ""))
            if api_id is not None:
                by_host: HttpResponse = await front.handle(request, api_id=api_id)
                return by_host
        for route in self.routes:
            if path.startswith(route.prefix):
                result: HttpResponse = await route.handler(request)
                return result
        return None


def _serialize_error(service: str, operation: str | None, error: ServiceError,
                     request_id: str, protocol: str | None) -> HttpResponse:
    try:
        return serialize_error(service, operation, error, request_id, protocol=protocol)
    except Exception:
        log.exception("could not serialise %r for %s", error, service)
        return _plain_error(status_of(error), error.error_code, error.message, request_id)


def _plain_error(status: int, code: str, message: str, request_id: str = "") -> HttpResponse:
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
    if request_id:
        headers.append(("x-amzn-RequestId", request_id))
    return HttpResponse(status, headers, body)

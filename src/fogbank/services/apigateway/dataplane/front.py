"""``ApiFront``: the data plane of REST and HTTP APIs.

Per request: resolve the API and stage (or the merged local table), match the route in a
compiled table, run the Lambda authorizer if any, build the 1.0/2.0 event, invoke the
function through the internal client and map its result — or answer as API Gateway does
(403 Missing Authentication Token, 404 Not Found, 502/500/504/429 ...).
Tables are rebuilt only when a source's ``generation`` changes.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import re
from collections.abc import Coroutine, Mapping
from typing import Any

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.apigateway.dataplane import cors
from fogbank.services.apigateway.dataplane.authorizers import (
    AuthorizerRunner,
    identity_values,
    unauthorized,
)
from fogbank.services.apigateway.dataplane.events import (
    RequestFacts,
    is_text_media,
    matches_media_types,
    v1_event,
    v2_event,
)
from fogbank.services.apigateway.dataplane.gateway_responses import customise
from fogbank.services.apigateway.dataplane.invoke import InvokeResult, invoke_function
from fogbank.services.apigateway.dataplane.jwt import check_token
from fogbank.services.apigateway.dataplane.model import ApiDefinition, ApiSource, StageDefinition
from fogbank.services.apigateway.dataplane.responses import (
    Malformed,
    json_error,
    map_v1,
    map_v2,
    mock_response,
)
from fogbank.services.apigateway.dataplane.routing import Match, RouteTable, Served, split_path
from fogbank.services.base import ServiceContext

log = logging.getLogger("fogbank.apigateway")

EXECUTE_API_PREFIX = "/_aws/execute-api/"
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's request payload quota


def _missing_token() -> HttpResponse:
    return json_error(
        403,
        {"message": "Missing Authentication Token"},
        error_type="MissingAuthenticationTokenException",
    )


def _not_found() -> HttpResponse:
    return json_error(404, {"message": "Not Found"})


class ApiFront:
    """Serves every deployed API of the given sources (REST and HTTP)."""

    def __init__(self, ctx: ServiceContext, sources: list[ApiSource] | None = None) -> None:
        self.ctx = ctx
        self.sources: list[ApiSource] = list(sources or [])
        self.authorizers = AuthorizerRunner(ctx.client, ctx.clock)
        self._generation: tuple[int, ...] | None = None
        self._apis: dict[str, ApiDefinition] = {}
        self._stage_tables: dict[tuple[str, str], RouteTable] = {}
        self._local: RouteTable | None = None

    def add_source(self, source: ApiSource) -> None:
        """Serve another control plane's APIs too (the HTTP APIs of ``apigatewayv2``)."""
        if source not in self.sources:
            self.sources.append(source)
            self._generation = None

    # Tables
    def _refresh(self) -> None:
        generation = tuple(s.generation for s in self.sources)
        if generation == self._generation:
            return
        self._apis = {d.api_id: d for s in self.sources for d in s.definitions()}
        self._stage_tables.clear()
        self._local = None
        self.authorizers.clear()
        self._generation = generation

    def _stage_table(self, api: ApiDefinition, stage: StageDefinition) -> RouteTable:
        key = (api.api_id, stage.name)
        table = self._stage_tables.get(key)
        if table is None:
            table = self._stage_tables[key] = RouteTable()
            for route in stage.routes:
                table.add(Served(api, stage.name, stage.variables, route, stage.gateway_responses))
        return table

    @staticmethod
    def _local_stage(api: ApiDefinition) -> StageDefinition:
        """The stage the local front serves: HTTP → ``$default`` (else the first); REST → the
        most recently created stage (SAM's named stage); none → the undeployed routes."""
        if api.stages:
            if api.kind == "HTTP":
                return next((s for s in api.stages if s.name == "$default"), api.stages[0])
            return api.stages[-1]
        return StageDefinition(name="$default", routes=api.draft_routes)

    def _local_table(self) -> RouteTable:
        if self._local is None:
            table = RouteTable()
            clashes = []
            for api in self._apis.values():
                stage = self._local_stage(api)
                for route in stage.routes:
                    if not table.add(
                        Served(api, stage.name, stage.variables, route, stage.gateway_responses)
                    ):
                        clashes.append(
                            f"{route.method} {route.path or '$default'} ({api.name or api.api_id})"
                        )
            if clashes:
                log.warning(
                    "Routes defined by more than one API; the first definition serves them: %s",
                    ", ".join(clashes),
                )
            self._local = table
        return self._local

    # Public interface
    def api_id_for_host(self, host: str) -> str | None:
        """``{api-id}.execute-api.localhost[:port]`` → ``api-id``."""
        name = host.split(":", 1)[0].lower()
        label, sep, rest = name.partition(".")
        if sep and label and rest.startswith("execute-api."):
            return label
        return None

    def route_summary(self) -> list[dict[str, Any]]:
        self._refresh()
        summary = []
        for api in self._apis.values():
            for route in self._local_stage(api).routes:
                summary.append(
                    {
                        "api_id": api.api_id,
                        "api_name": api.name,
                        "kind": api.kind,
                        "method": route.method,
                        "path": route.path or "$default",
                        "function_arn": route.integration.function_arn,
                    }
                )
        return summary

    async def handle_execute_api_path(self, request: HttpRequest) -> HttpResponse:
        """``/_aws/execute-api/{api-id}/{stage}/{path}`` on the edge."""
        remainder = (
            request.path[len(EXECUTE_API_PREFIX) :]
            if request.path.startswith(EXECUTE_API_PREFIX)
            else ""
        )
        api_id, _, path = remainder.partition("/")
        if not api_id:
            return _not_found()
        return await self.handle(dataclasses.replace(request, path="/" + path), api_id=api_id)

    async def handle(
        self, request: HttpRequest, *, api_id: str | None = None, stage: str | None = None
    ) -> HttpResponse:
        try:
            if len(request.body) > MAX_PAYLOAD_BYTES:
                return json_error(413, {"message": "Request Too Long"})
            return await self._handle_checked(request, api_id, stage)
        except Exception:
            log.exception("API request %s %s failed", request.method, request.path)
            return json_error(500, {"message": "Internal server error"})

    async def _handle_checked(
        self, request: HttpRequest, api_id: str | None, stage_name: str | None
    ) -> HttpResponse:
        self._refresh()
        method = request.method.upper()
        if api_id is None:
            table = self._local_table()
            path = request.path
            parts = split_path(path)
            if cors.is_preflight(request):
                owner = table.owner_of(parts)
                if owner is not None and owner.api.kind == "HTTP" and owner.api.cors is not None:
                    return cors.preflight(owner.api.cors, request)
            match = table.match_route(method, parts)
            if match is None:
                has_rest = any(a.kind == "REST" for a in self._apis.values())
                return _missing_token() if has_rest else _not_found()
        else:
            api = self._apis.get(api_id)
            if api is None:
                return _not_found() if not stage_name else json_error(403, {"message": "Forbidden"})
            resolved = self._resolve_stage(api, request.path, stage_name)
            if resolved is None:
                return (
                    json_error(403, {"message": "Forbidden"})
                    if api.kind == "REST"
                    else _not_found()
                )
            stage, path = resolved
            table = self._stage_table(api, stage)
            parts = split_path(path)
            if api.kind == "HTTP":
                if api.cors is not None and cors.is_preflight(request):
                    return cors.preflight(api.cors, request)
                match = table.match_route(method, parts)
                if match is None:
                    return _not_found()
            else:
                match = table.match_resource(method, parts)
                if match is None:
                    request_id = self.ctx.ids.uuid()
                    response = customise(
                        _missing_token(), stage.gateway_responses, request, request_id
                    )
                    response.headers.append(("x-amzn-RequestId", request_id))
                    return response
        return await self._serve(request, match, path)

    @staticmethod
    def _resolve_stage(
        api: ApiDefinition, path: str, stage_name: str | None
    ) -> tuple[StageDefinition, str] | None:
        stages = {s.name: s for s in api.stages}
        if stage_name is not None:
            found = stages.get(stage_name)
            return (found, path) if found else None
        first, _, rest = path.lstrip("/").partition("/")
        if first in stages:
            return stages[first], "/" + rest
        if "$default" in stages:
            return stages["$default"], path
        return None

    # Serving one matched route
    async def _serve(self, request: HttpRequest, match: Match, path: str) -> HttpResponse:
        served = match.served
        api = served.api
        http_api = api.kind == "HTTP"
        request_id = self.ctx.ids.uuid()
        facts = RequestFacts(
            request_id=request_id,
            # from the same random bits (one id source call per request, not two)
            extended_request_id=_extended_id(request_id),
            epoch_s=self.ctx.clock.now(),
            account_id=self.ctx.account_id,
            api_id=api.api_id,
            stage=served.stage_name,
            domain_name=_domain(request, api.api_id, self.ctx.region),
            path=path,
            stage_path=request.path,
        )
        response = await self._respond(request, match, facts)
        if http_api:
            response.headers.append(("Apigw-Requestid", facts.extended_request_id))
            if api.cors is not None:
                cors.decorate(api.cors, request, response)
        else:
            response = customise(response, served.gateway_responses, request, facts.request_id)
            response.headers.append(("x-amzn-RequestId", facts.request_id))
            response.headers.append(("x-amz-apigw-id", facts.extended_request_id))
            trace_root = f"1-{int(facts.epoch_s):08x}-{facts.request_id.replace('-', '')[:24]}"
            response.headers.append(("X-Amzn-Trace-Id", f"Root={trace_root};Sampled=0"))
        return response

    async def _respond(
        self, request: HttpRequest, match: Match, facts: RequestFacts
    ) -> HttpResponse:
        served = match.served
        route = served.route
        http_api = served.api.kind == "HTTP"
        integration = route.integration
        authorizer_context: dict[str, Any] | None = None
        if route.authorizer is not None:
            outcome = await self._authorize(request, match, facts)
            if isinstance(outcome, HttpResponse):
                return outcome
            authorizer_context = outcome
        if integration.type == "MOCK":
            return mock_response(integration.mock)
        function_arn = integration.function_arn
        if integration.type != "AWS_PROXY" or function_arn is None:
            log.warning(
                "route %s uses an integration fogbank does not run (%s)",
                route.route_key,
                integration.type,
            )
            return _integration_failure(http_api)
        if "${stageVariables." in function_arn:
            function_arn = _substitute_stage_variables(function_arn, served.stage_variables)
        version = integration.payload_format_version if http_api else "1.0"
        event = self._event(request, match, facts, version, authorizer_context)
        result = await _invoke_within(
            invoke_function(self.ctx.client, function_arn, event), integration.timeout_ms / 1000
        )
        if result.outcome != "ok":
            return _failure_response(result, http_api)
        try:
            if version == "2.0":
                return map_v2(result.payload)
            if http_api:
                return map_v1(result.payload, decode_base64=lambda _ct: True)
            response = map_v1(
                result.payload, decode_base64=lambda ct: _rest_decodes(request, ct, served.api)
            )
            if response.header("content-type") is None:
                response.headers.append(("Content-Type", "application/json"))
            return response
        except Malformed as exc:
            log.warning("malformed Lambda proxy response from %s: %s", function_arn, exc)
            return _integration_failure(http_api)

    def _event(
        self,
        request: HttpRequest,
        match: Match,
        facts: RequestFacts,
        version: str,
        authorizer_context: dict[str, Any] | None,
    ) -> dict[str, Any]:
        served = match.served
        route = served.route
        if version == "2.0":
            return v2_event(
                request,
                facts,
                route_key=route.route_key or "$default",
                path_parameters=match.path_parameters,
                stage_variables=served.stage_variables,
                authorizer=authorizer_context,
            )
        http_api = served.api.kind == "HTTP"
        binary = (
            (not _text_ok(request))
            if http_api
            else matches_media_types(
                request.headers.get("content-type"), served.api.binary_media_types
            )
        )
        return v1_event(
            request,
            facts,
            resource_path=route.path or "$default",
            resource_id=route.resource_id or (route.route_key if http_api else None),
            path_parameters=match.path_parameters,
            stage_variables=served.stage_variables,
            binary_body=binary,
            authorizer=authorizer_context,
            version="1.0" if http_api else None,
        )

    async def _authorize(
        self, request: HttpRequest, match: Match, facts: RequestFacts
    ) -> dict[str, Any] | HttpResponse:
        served = match.served
        authorizer = served.route.authorizer
        assert authorizer is not None
        http_api = served.api.kind == "HTTP"
        context_values = {
            "requestId": facts.request_id,
            "httpMethod": request.method,
            "path": facts.stage_path,
            "stage": facts.stage,
            "apiId": facts.api_id,
            "identity.sourceIp": request.client_ip,
        }
        identity = identity_values(authorizer, request, served.stage_variables, context_values)
        if identity is None or (not authorizer.identity_sources and authorizer.type == "TOKEN"):
            return unauthorized(http_api)
        if authorizer.type in ("JWT", "COGNITO_USER_POOLS"):
            if not identity:
                return unauthorized(http_api)
            checked = check_token(
                authorizer,
                identity[0],
                required_scopes=served.route.authorization_scopes,
                now_s=facts.epoch_s,
                http_api=http_api,
            )
            if checked.denial is not None:
                return checked.denial
            if http_api:
                return {"jwt": {"claims": checked.claims, "scopes": checked.scopes or None}}
            return {"claims": checked.claims}
        if authorizer.validation_expression and authorizer.type == "TOKEN":
            try:
                if not re.fullmatch(authorizer.validation_expression, identity[0]):
                    return unauthorized(http_api)
            except re.error:
                pass
        resource_arn = (
            f"arn:aws:execute-api:{self.ctx.region}:{self.ctx.account_id}:{facts.api_id}/"
            f"{facts.stage}/{request.method.upper()}/{facts.path.lstrip('/')}"
        )
        event = self._authorizer_event(request, match, facts, identity, resource_arn)
        result = await self.authorizers.authorize(
            authorizer, http_api=http_api, event=event, identity=identity, resource_arn=resource_arn
        )
        if result.denial is not None:
            return result.denial
        if http_api:
            return {"lambda": result.context}
        return {"principalId": result.principal_id, "integrationLatency": 0, **result.context}

    def _authorizer_event(
        self,
        request: HttpRequest,
        match: Match,
        facts: RequestFacts,
        identity: list[str],
        resource_arn: str,
    ) -> dict[str, Any]:
        served = match.served
        authorizer = served.route.authorizer
        assert authorizer is not None
        if served.api.kind == "REST" and authorizer.type == "TOKEN":
            return {"type": "TOKEN", "methodArn": resource_arn, "authorizationToken": identity[0]}
        if served.api.kind == "HTTP" and authorizer.payload_format_version == "2.0":
            event = self._event(request, match, facts, "2.0", None)
            event.pop("body", None)
            event.pop("isBase64Encoded", None)
            return {
                "version": "2.0",
                "type": "REQUEST",
                "routeArn": resource_arn,
                "identitySource": identity,
                **{k: v for k, v in event.items() if k != "version"},
            }
        event = self._event(request, match, facts, "1.0", None)
        event.pop("body", None)
        event.pop("isBase64Encoded", None)
        extra: dict[str, Any] = {"type": "REQUEST", "methodArn": resource_arn}
        if served.api.kind == "HTTP":
            extra = {
                "version": "1.0",
                **extra,
                "identitySource": ",".join(identity),
                "authorizationToken": ",".join(identity),
            }
        event.pop("version", None)
        return {**extra, **event}


def _discard_result(task: asyncio.Future[InvokeResult]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("invocation finished after its integration timed out: %s", task.exception())


async def _invoke_within(call: Coroutine[Any, Any, InvokeResult],
                         timeout_s: float) -> InvokeResult:
    """The invoke's result, or a "timeout" outcome once the integration timeout passes — the
    function keeps running then, as in AWS. (A timer and a future rather than
    ``wait_for(shield(...))``, which costs two extra tasks on every request.)"""
    loop = asyncio.get_running_loop()
    invocation = loop.create_task(call)
    finished: asyncio.Future[None] = loop.create_future()

    def settle(_: object = None) -> None:
        if not finished.done():
            finished.set_result(None)

    invocation.add_done_callback(settle)
    timer = loop.call_later(timeout_s, settle)
    try:
        await finished
    finally:
        timer.cancel()
    if invocation.done():
        return invocation.result()
    invocation.add_done_callback(_discard_result)
    return InvokeResult("timeout")


def _substitute_stage_variables(text: str, variables: Mapping[str, str]) -> str:
    """``${stageVariables.name}`` in an integration URI, as REST APIs resolve it per stage."""
    return re.sub(
        r"\$\{stageVariables\.([A-Za-z0-9_]+)\}", lambda m: variables.get(m.group(1), ""), text
    )


def _extended_id(random_uuid: str) -> str:
    """API Gateway's 16-character request id form (``BQGAnHRWoAMEbJg=``)."""
    return base64.b64encode(bytes.fromhex(random_uuid.replace("-", ""))[:11]).decode("ascii")


def _domain(request: HttpRequest, api_id: str, region: str) -> str:
    host = request.headers.get("host", "")
    return host.split(":", 1)[0] if host else f"{api_id}.execute-api.{region}.amazonaws.com"


def _text_ok(request: HttpRequest) -> bool:
    return is_text_media(request.headers.get("content-type"))


def _rest_decodes(request: HttpRequest, content_type: str | None, api: ApiDefinition) -> bool:
    """REST APIs turn a base64 result back into bytes only for binary media types (matched
    against the request's Accept or the response's Content-Type)."""
    if not api.binary_media_types:
        return False
    accept = (request.headers.get("accept") or "").split(",", 1)[0]
    return matches_media_types(accept, api.binary_media_types) or matches_media_types(
        content_type, api.binary_media_types
    )


def _integration_failure(http_api: bool) -> HttpResponse:
    if http_api:
        return json_error(500, {"message": "Internal Server Error"})
    return json_error(
        502, {"message": "Internal server error"}, error_type="InternalServerErrorException"
    )


def _failure_response(result: InvokeResult, http_api: bool) -> HttpResponse:
    if result.outcome == "throttled":
        return json_error(
            429,
            {"message": "Too Many Requests"},
            error_type=None if http_api else "ThrottlingException",
        )
    if result.outcome == "timeout":
        if http_api:
            return json_error(503, {"message": "Service Unavailable"})
        return json_error(
            504, {"message": "Endpoint request timed out"}, error_type="IntegrationTimeoutException"
        )
    if result.outcome == "missing" and not http_api:
        return json_error(
            500, {"message": "Internal server error"}, error_type="InternalServerErrorException"
        )
    return _integration_failure(http_api)

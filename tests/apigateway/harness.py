"""Test harness: both API Gateway providers behind a Dispatcher, with a stand-in internal
client whose ``lambda.Invoke`` runs Python functions registered by the test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import CommonServiceError
from fogbank.core.ids import Ids
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.apigateway.provider import ApiGatewayProvider
from fogbank.services.apigatewayv2.provider import ApiGatewayV2Provider
from fogbank.services.base import ServiceContext
from fogbank.services.dispatch import Dispatcher

REGION = "us-east-1"
ACCOUNT = "000000000000"


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def lambda_uri(name: str) -> str:
    path = f"path/2015-03-31/functions/{function_arn(name)}/invocations"
    return f"arn:aws:apigateway:{REGION}:lambda:{path}"


class Timeout(Exception):
    """Raised by a test function to simulate ``Sandbox.Timedout``."""


class FakeClient:
    """Internal client: ``lambda.Invoke`` runs registered functions; other calls go to the
    dispatcher. Every invocation's event is recorded in ``events[name]``."""

    def __init__(self) -> None:
        self.functions: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.dispatcher: Dispatcher | None = None
        self.raw: dict[str, bytes] = {}

    @property
    def providers(self) -> dict[str, Any]:
        return self.dispatcher.providers if self.dispatcher else {}

    def register(self, name: str, handler: Callable[[dict[str, Any]], Any]) -> str:
        self.functions[name] = handler
        return function_arn(name)

    async def call(
        self,
        service: str,
        operation: str,
        params: dict[str, Any] | None = None,
        *,
        region: str | None = None,
    ) -> dict[str, Any]:
        params = params or {}
        if service != "lambda":
            assert self.dispatcher is not None
            return await self.dispatcher.call(service, operation, params, region=region)
        assert operation == "Invoke"
        name = params["FunctionName"].rsplit(":", 1)[-1]
        if name == "throttled":
            raise CommonServiceError("TooManyRequestsException", "Rate exceeded", status=429)
        if name not in self.functions:
            raise CommonServiceError(
                "ResourceNotFoundException", f"Function not found: {name}", status=404
            )
        event = json.loads(params["Payload"])
        self.events.setdefault(name, []).append(event)
        if name in self.raw:
            return {"StatusCode": 200, "Payload": self.raw[name]}
        try:
            result = self.functions[name](event)
        except Timeout:
            body = {
                "errorType": "Sandbox.Timedout",
                "errorMessage": "Task timed out after 3.00 seconds",
            }
            return {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": json.dumps(body).encode(),
            }
        except Exception as exc:  # the handler failed
            body = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": json.dumps(body).encode(),
            }
        return {"StatusCode": 200, "Payload": json.dumps(result).encode()}


class Cloud:
    """The two providers wired as the lead wires them, plus helpers."""

    def __init__(self, state_dir: Path, *, wire_v2: bool = True) -> None:
        self.clock = ManualClock()
        self.client = FakeClient()
        config = CloudConfig(state_dir=state_dir, region=REGION, account_id=ACCOUNT)
        ids = Ids(seed=7)

        def ctx(service: str) -> ServiceContext:
            return ServiceContext(
                config=config,
                clock=self.clock,
                ids=ids,
                client=self.client,
                state_dir=config.service_dir(service),
            )

        self.v1 = ApiGatewayProvider(ctx("apigateway"))
        self.v2 = ApiGatewayV2Provider(ctx("apigatewayv2"))
        if wire_v2:
            self.v1.front.add_source(self.v2.source)
        self.front = self.v1.front
        self.dispatcher = Dispatcher([self.v1, self.v2], region=REGION, account_id=ACCOUNT, ids=ids)
        self.client.dispatcher = self.dispatcher

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        return asyncio.run(self.dispatcher.call(service, operation, params))

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        multi: dict[str, list[str]] | None = None,
        api_id: str | None = None,
        stage: str | None = None,
    ) -> HttpResponse:
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        lowered.setdefault("host", "localhost:3000")
        lowered.setdefault("user-agent", "pytest")
        request = HttpRequest(
            method=method,
            path=path,
            query_string=query,
            headers=lowered,
            body=body,
            multi_headers={k.lower(): v for k, v in (multi or {}).items()},
        )
        return asyncio.run(self.front.handle(request, api_id=api_id, stage=stage))

    def close(self) -> None:
        self.v1.store.close()
        self.v2.store.close()


def body_json(response: HttpResponse) -> Any:
    return json.loads(response.body)

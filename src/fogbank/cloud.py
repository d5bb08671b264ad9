"""A local cloud: every provider of the services fogbank emulates, wired to one dispatcher.

``Cloud`` builds each provider with its own state directory under ``.fogbank/`` and the
dispatcher as the internal client, so services reach each other only through AWS operations.
It knows nothing about HTTP; ``fogbank.server`` puts it on the network.
"""

from __future__ import annotations

import logging
from typing import Any

from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.apigateway.provider import ApiGatewayProvider
from fogbank.services.apigatewayv2.provider import ApiGatewayV2Provider
from fogbank.services.base import HttpRoute, Provider, ServiceContext
from fogbank.services.cloudformation.provider import CloudFormationProvider
from fogbank.services.dispatch import Dispatcher
from fogbank.services.dynamodb.provider import DynamoDBProvider
from fogbank.services.dynamodbstreams.provider import DynamoDBStreamsProvider
from fogbank.services.iam.provider import IamProvider
from fogbank.services.lambda_.provider import LambdaProvider
from fogbank.services.logs.provider import LogsProvider
from fogbank.services.sts.provider import StsProvider

log = logging.getLogger("fogbank.cloud")

# Service name → provider class. A test checks every entry is a Provider for that service.
PROVIDERS: dict[str, type[Provider]] = {
    "sts": StsProvider,
    "iam": IamProvider,
    "logs": LogsProvider,
    "lambda": LambdaProvider,
    "apigateway": ApiGatewayProvider,
    "apigatewayv2": ApiGatewayV2Provider,
    "cloudformation": CloudFormationProvider,
    "dynamodb": DynamoDBProvider,
    "dynamodbstreams": DynamoDBStreamsProvider,
}


class Cloud:
    """All services of one local cloud, sharing config, clock and ids."""

    def __init__(self, config: CloudConfig, *, clock: Clock | None = None,
                 ids: Ids | None = None) -> None:
        self.config = config
        self.clock = clock or Clock()
        self.ids = ids or Ids()
        config.state_dir.mkdir(parents=True, exist_ok=True)
        self.dispatcher = Dispatcher([], region=config.region, account_id=config.account_id,
                                     ids=self.ids)
        for service, provider_class in PROVIDERS.items():
            context = ServiceContext(
                config=config,
                clock=self.clock,
                ids=self.ids,
                client=self.dispatcher,
                state_dir=config.service_dir(_dir_name(service)),
            )
            self.dispatcher.add(provider_class(context))  # type: ignore[call-arg]
        # One data plane serves both API Gateway flavours: v1 owns it, v2 feeds it its APIs.
        self.provider("apigateway").front.add_source(self.provider("apigatewayv2").source)
        self._started = False

    def provider(self, service: str) -> Any:
        return self.dispatcher.providers[service]

    @property
    def api_front(self) -> Any:
        return getattr(self.provider("apigateway"), "front", None)

    def http_routes(self) -> list[HttpRoute]:
        routes: list[HttpRoute] = []
        for provider in self.dispatcher.providers.values():
            routes.extend(provider.http_routes())
        return routes

    async def start(self) -> None:
        for provider in self.dispatcher.providers.values():
            await provider.start()
        self._started = True

    async def stop(self) -> None:
        for provider in reversed(list(self.dispatcher.providers.values())):
            try:
                await provider.stop()
            except Exception:
                log.exception("stopping %s failed", provider.service)
        self._started = False


def _dir_name(service: str) -> str:
    return service.replace("-", "_")

"""A local cloud: every provider of the services fogbank emulates, wired to one dispatcher.

``Cloud`` builds each provider with its own state directory under ``.fogbank/`` and the
dispatcher as the internal client, so services reach each other only through AWS operations.
Providers are built (their modules imported) when first needed: at startup only those the
front and the deployer need and those with state to resume; the rest on their first call,
started before it runs. It knows nothing about HTTP; ``fogbank.server`` puts it on the
network.
"""

from __future__ import annotations

import functools
import importlib
import logging
from pathlib import Path
from typing import Any

from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import HttpRoute, Provider, ServiceContext
from fogbank.services.dispatch import Dispatcher

log = logging.getLogger("fogbank.cloud")

# Service name → provider, as "module:Class" (imported when the service is first needed, so
# startup pays only for the services an application uses) or as the class itself. A test
# checks every entry is a Provider for that service.
PROVIDERS: dict[str, str | type[Provider]] = {
    "sts": "fogbank.services.sts.provider:StsProvider",
    "iam": "fogbank.services.iam.provider:IamProvider",
    "logs": "fogbank.services.logs.provider:LogsProvider",
    "lambda": "fogbank.services.lambda_.provider:LambdaProvider",
    "apigateway": "fogbank.services.apigateway.provider:ApiGatewayProvider",
    "apigatewayv2": "fogbank.services.apigatewayv2.provider:ApiGatewayV2Provider",
    "cloudformation": "fogbank.services.cloudformation.provider:CloudFormationProvider",
    "dynamodb": "fogbank.services.dynamodb.provider:DynamoDBProvider",
    "dynamodbstreams": "fogbank.services.dynamodbstreams.provider:DynamoDBStreamsProvider",
    "sqs": "fogbank.services.sqs.provider:SqsProvider",
    "sns": "fogbank.services.sns.provider:SnsProvider",
    "ssm": "fogbank.services.ssm.provider:SsmProvider",
    "secretsmanager": "fogbank.services.secretsmanager.provider:SecretsManagerProvider",
    "s3": "fogbank.services.s3.provider:S3Provider",
    "events": "fogbank.services.events.provider:EventsProvider",
    "scheduler": "fogbank.services.scheduler.provider:SchedulerProvider",
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
        for service in PROVIDERS:
            self.dispatcher.add_lazy(service, functools.partial(self._build, service))
        # Built now: the API front (both API Gateway flavours feed it), the deployer, Lambda
        # (its worker zygote starts with the cloud), and every service that has state to
        # resume (pollers, outboxes, schedules); the others when first called.
        for service in PROVIDERS:
            if service in ALWAYS_STARTED or _has_state(config.state_dir / _dir_name(service)):
                self.dispatcher.provider(service)
        # One data plane serves both API Gateway flavours: v1 owns it, v2 feeds it its APIs.
        self.provider("apigateway").front.add_source(self.provider("apigatewayv2").source)
        self._started = False

    def _build(self, service: str) -> Provider:
        context = ServiceContext(
            config=self.config,
            clock=self.clock,
            ids=self.ids,
            client=self.dispatcher,
            state_dir=self.config.service_dir(_dir_name(service)),
        )
        return provider_class(service)(context)  # type: ignore[call-arg]

    def provider(self, service: str) -> Any:
        """The provider of ``service`` (built now if it was not needed yet)."""
        provider = self.dispatcher.provider(service)
        if provider is None:
            raise KeyError(service)
        return provider

    def loaded_providers(self) -> list[Provider]:
        return list(self.dispatcher.providers.values())

    @property
    def api_front(self) -> Any:
        return getattr(self.provider("apigateway"), "front", None)

    def http_routes(self) -> list[HttpRoute]:
        """The extra HTTP endpoints of the services built so far."""
        routes: list[HttpRoute] = []
        for provider in self.loaded_providers():
            routes.extend(provider.http_routes())
        return routes

    async def start(self) -> None:
        started: set[str] = set()
        while pending := [p for p in self.loaded_providers() if p.service not in started]:
            for provider in pending:  # a start may build another service: start that, too
                started.add(provider.service)
                await provider.start()
        self.dispatcher.start_new = True
        self._started = True

    async def stop(self) -> None:
        self.dispatcher.start_new = False
        await self.dispatcher.wait_started()
        # In the reverse of the table's order, whenever each service was built (as before
        # services were built lazily: e.g. Lambda's last log flush still finds Logs running).
        order = {service: index for index, service in enumerate(PROVIDERS)}
        loaded = sorted(self.loaded_providers(), key=lambda p: order.get(p.service, len(order)))
        for provider in reversed(loaded):
            try:
                await provider.stop()
            except Exception:
                log.exception("stopping %s failed", provider.service)
        self._started = False


# Providers built with the cloud whatever the state (see ``Cloud.__init__``).
ALWAYS_STARTED = frozenset({"apigateway", "apigatewayv2", "cloudformation", "lambda"})


def provider_class(service: str) -> type[Provider]:
    """The provider class of ``service`` from ``PROVIDERS``, importing its module."""
    entry = PROVIDERS[service]
    if isinstance(entry, str):
        module_name, _, class_name = entry.partition(":")
        entry = getattr(importlib.import_module(module_name), class_name)
    assert isinstance(entry, type) and issubclass(entry, Provider), entry
    return entry


def _has_state(directory: Path) -> bool:
    try:
        return any(directory.iterdir())
    except OSError:
        return False


def _dir_name(service: str) -> str:
    return service.replace("-", "_")

"""What every service provider is made of.

A provider is a class with one method per AWS operation, registered with ``@operation``::

    class LogsProvider(Provider):
        service = "logs"

        @operation("DescribeLogGroups")
        def describe_log_groups(self, ctx: RequestContext, *, log_group_name_prefix=None, **_):
            ...

The dispatcher (``fogbank.services.dispatch``) calls it with the request's top-level members
converted to Python names (``LogGroupNamePrefix`` → ``log_group_name_prefix``); nested values
keep their AWS member names. The method returns the output shape as a dict with AWS member
names (or an awaitable of one) and raises ``ServiceError`` subclasses for failures.
Methods may be ``async def`` when they wait on something (a Lambda invoke, a long poll).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

OPERATION_ATTR = "__fogbank_operation__"


def operation(name: str) -> Callable[[F], F]:
    """Mark a provider method as the handler of the AWS operation ``name``."""

    def mark(fn: F) -> F:
        setattr(fn, OPERATION_ATTR, name)
        return fn

    return mark


@dataclass(frozen=True)
class RequestContext:
    """Who is calling what, and where: passed to every provider method."""

    service: str
    operation: str
    region: str
    account_id: str
    request_id: str
    headers: Mapping[str, str] = field(default_factory=dict)
    # Set for calls made by another fogbank service (the internal client), not the wire.
    internal: bool = False


class Provider:
    """Base class of service providers; subclasses set ``service`` (botocore service name)."""

    service: ClassVar[str] = ""

    def operations(self) -> dict[str, Callable[..., Any]]:
        """Map of AWS operation name → bound handler, collected from ``@operation`` marks."""
        found: dict[str, Callable[..., Any]] = {}
        for klass in reversed(type(self).__mro__):
            for attr, value in vars(klass).items():
                name = getattr(value, OPERATION_ATTR, None)
                if name:
                    found[name] = getattr(self, attr)
        return found

    def http_routes(self) -> list[HttpRoute]:
        """Extra HTTP endpoints this service serves on the edge (default: none)."""
        return []

    async def start(self) -> None:
        """Start background work (pollers, schedulers). Called once the cloud is up."""

    async def stop(self) -> None:
        """Stop background work and release resources."""


class InternalClient(Protocol):
    """How one service calls another (never by reaching into its store)."""

    def call(
        self, service: str, operation: str, params: dict[str, Any] | None = None, *,
        region: str | None = None,
    ) -> Awaitable[dict[str, Any]]: ...


@dataclass
class ServiceContext:
    """What a provider is built with: settings, injected time and ids, its state directory
    and the internal client for calling other services."""

    config: Any  # fogbank.core.config.CloudConfig
    clock: Any  # fogbank.core.clock.Clock
    ids: Any  # fogbank.core.ids.Ids
    client: InternalClient
    state_dir: Any  # pathlib.Path: this service's own directory under .fogbank/

    @property
    def region(self) -> str:
        return str(self.config.region)

    @property
    def account_id(self) -> str:
        return str(self.config.account_id)


HttpHandler = Callable[[Any], Awaitable[Any]]  # (HttpRequest) -> HttpResponse


@dataclass(frozen=True)
class HttpRoute:
    """A non-AWS-API HTTP endpoint a service serves on the edge, e.g. the CloudFormation
    custom-resource ResponseURL or API Gateway's ``/_aws/execute-api/...``. Matched by path
    prefix before AWS API routing."""

    prefix: str
    handler: HttpHandler

"""Route ``(service, operation, params)`` to the provider method that implements it.

One dispatcher serves both the wire (the edge server, after ``protocol`` parsed the request)
and the internal client other services use, so both paths run the same provider code.

Providers may be registered lazily (``add_lazy``): built on first use, and — once the cloud
has started (``start_new``) — started before their first operation runs.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any

from botocore import xform_name

from fogbank.core.errors import InternalFailure, NotImplementedOperation, ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import Provider, RequestContext

log = logging.getLogger("fogbank.dispatch")


class Dispatcher:
    """All providers of one cloud, indexed by service and operation."""

    def __init__(self, providers: Iterable[Provider], *, region: str, account_id: str,
                 ids: Ids) -> None:
        self.region = region
        self.account_id = account_id
        self.ids = ids
        self.providers: dict[str, Provider] = {}
        self._handlers: dict[str, dict[str, Callable[..., Any]]] = {}
        self._builders: dict[str, Callable[[], Provider]] = {}
        self._starting: dict[str, asyncio.Future[None]] = {}
        # Set once the cloud has started: providers built from then on are started, too.
        self.start_new = False
        for provider in providers:
            self.add(provider)

    def add(self, provider: Provider) -> None:
        self.providers[provider.service] = provider
        self._handlers[provider.service] = provider.operations()
        self._builders.pop(provider.service, None)

    def add_lazy(self, service: str, build: Callable[[], Provider]) -> None:
        """Register a provider that ``build`` makes when the service is first needed."""
        if service not in self.providers:
            self._builders[service] = build

    def services(self) -> list[str]:
        return sorted({*self.providers, *self._builders})

    def provider(self, service: str) -> Provider | None:
        """The provider of ``service``, built now if it was registered lazily (its start, if
        due, runs in the background: ``ready`` waits for it)."""
        provider = self.providers.get(service)
        if provider is not None:
            return provider
        build = self._builders.get(service)
        if build is None:
            return None
        provider = build()
        self.add(provider)
        if self.start_new:
            starting = asyncio.ensure_future(provider.start())
            self._starting[service] = starting
            starting.add_done_callback(functools.partial(self._started, service))
        return provider

    def _started(self, service: str, starting: asyncio.Future[None]) -> None:
        self._starting.pop(service, None)
        if not starting.cancelled() and starting.exception() is not None:
            log.error("starting %s failed", service, exc_info=starting.exception())

    async def ready(self, service: str) -> Provider | None:
        """``provider(service)``, once it has started."""
        provider = self.provider(service)
        starting = self._starting.get(service)
        if starting is not None:
            try:
                await asyncio.shield(starting)
            except Exception as exc:
                raise InternalFailure(f"{service} failed to start: {exc}") from exc
        return provider

    async def wait_started(self) -> None:
        """Let the starts of providers built lazily finish (before stopping the cloud)."""
        pending = [starting for starting in self._starting.values() if not starting.done()]
        if pending:
            await asyncio.wait(pending)

    def implements(self, service: str, operation: str) -> bool:
        return operation in self._handlers.get(service, {})

    async def dispatch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Run the operation; raises ``ServiceError`` (never anything else) on failure."""
        handlers = self._handlers.get(ctx.service)
        if handlers is None or self._starting:
            await self.ready(ctx.service)
            handlers = self._handlers.get(ctx.service)
        handler = handlers.get(ctx.operation) if handlers is not None else None
        if handler is None:
            raise NotImplementedOperation(ctx.service, ctx.operation)
        kwargs = {_python_name(name): value for name, value in params.items()}
        try:
            result = handler(ctx, **kwargs)
            if result.__class__ is not dict and inspect.isawaitable(result):
                result = await result
        except ServiceError:
            raise
        except TypeError as exc:
            if "unexpected keyword argument" in str(exc) or "required keyword" in str(exc):
                log.exception("bad parameters for %s.%s", ctx.service, ctx.operation)
            else:
                log.exception("%s.%s failed", ctx.service, ctx.operation)
            raise InternalFailure(f"{ctx.service}.{ctx.operation} failed: {exc}") from exc
        except Exception as exc:
            log.exception("%s.%s failed", ctx.service, ctx.operation)
            raise InternalFailure(f"{ctx.service}.{ctx.operation} failed: {exc}") from exc
        return result if result is not None else {}

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None, *,
                   region: str | None = None) -> dict[str, Any]:
        """The internal client: another service calling ``service.operation``."""
        ctx = RequestContext(
            service=service,
            operation=operation,
            region=region or self.region,
            account_id=self.account_id,
            request_id=self.ids.uuid(),
            internal=True,
        )
        return await self.dispatch(ctx, dict(params or {}))


@functools.lru_cache(maxsize=4096)
def _python_name(aws_name: str) -> str:
    return str(xform_name(aws_name))

"""Route ``(service, operation, params)`` to the provider method that implements it.

One dispatcher serves both the wire (the edge server, after ``protocol`` parsed the request)
and the internal client other services use, so both paths run the same provider code.
"""

from __future__ import annotations

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
        for provider in providers:
            self.add(provider)

    def add(self, provider: Provider) -> None:
        self.providers[provider.service] = provider
        self._handlers[provider.service] = provider.operations()

    def services(self) -> list[str]:
        return sorted(self.providers)

    def implements(self, service: str, operation: str) -> bool:
        return operation in self._handlers.get(service, {})

    async def dispatch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Run the operation; raises ``ServiceError`` (never anything else) on failure."""
        handler = self._handlers.get(ctx.service, {}).get(ctx.operation)
        if handler is None:
            raise NotImplementedOperation(ctx.service, ctx.operation)
        kwargs = {_python_name(name): value for name, value in params.items()}
        try:
            result = handler(ctx, **kwargs)
            if inspect.isawaitable(result):
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

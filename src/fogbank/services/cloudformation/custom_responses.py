"""The custom-resource ResponseURL: waits for the function's PUT and serves it.

``ResponseURL = <edge_url>/_fogbank/cloudformation/custom-resource/<token>``; the handler
registers the token before invoking the function, the function (cfn-response, crhelper, or
a plain ``urllib`` PUT) sends ``{Status, Reason, PhysicalResourceId, Data, NoEcho, ...}``
there, and ``wait`` returns that body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.cloudformation.resources.base import CustomResponseWaiter

ROUTE_PREFIX = "/_fogbank/cloudformation/"
CUSTOM_RESOURCE_PATH = ROUTE_PREFIX + "custom-resource/"


class CustomResponses(CustomResponseWaiter):
    """Pending custom-resource responses, keyed by an unguessable token."""

    def __init__(self, edge_url: Callable[[], str]) -> None:
        self._edge_url = edge_url  # read on use: the edge port may be chosen at bind time
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def response_url(self, token: str) -> str:
        return f"{self._edge_url().rstrip('/')}{CUSTOM_RESOURCE_PATH}{token}"

    def expect(self, token: str) -> None:
        self._pending[token] = asyncio.get_running_loop().create_future()

    def discard(self, token: str) -> None:
        future = self._pending.pop(token, None)
        if future is not None and not future.done():
            future.cancel()

    def poll(self, token: str) -> dict[str, Any] | None:
        future = self._pending.get(token)
        if future is None or not future.done() or future.cancelled():
            return None
        return future.result()

    async def wait(self, token: str, timeout_s: float) -> dict[str, Any]:
        """The PUT body for ``token``; raises ``TimeoutError`` after ``timeout_s``."""
        future = self._pending.get(token)
        if future is None:
            raise KeyError(token)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout_s)
        finally:
            if future.done():
                self._pending.pop(token, None)

    def deliver(self, token: str, body: dict[str, Any]) -> bool:
        future = self._pending.get(token)
        if future is None or future.done():
            return False
        future.set_result(body)
        return True

    async def handle(self, request: HttpRequest) -> HttpResponse:
        """The edge route: ``PUT .../custom-resource/<token>`` with the response JSON."""
        if not request.path.startswith(CUSTOM_RESOURCE_PATH):
            return _text(404, "Not Found")
        token = request.path[len(CUSTOM_RESOURCE_PATH):].strip("/")
        if request.method.upper() not in ("PUT", "POST"):
            return _text(405, "Method Not Allowed")
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _text(400, "The response body is not valid JSON")
        if not isinstance(body, dict):
            return _text(400, "The response body must be a JSON object")
        if not self.deliver(token, body):
            return _text(404, "No custom resource is waiting for this response")
        return HttpResponse(status=200, headers=[("Content-Length", "0")], body=b"")


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(status=status, headers=[("Content-Type", "text/plain")],
                        body=message.encode())

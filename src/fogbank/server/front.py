"""The application's HTTP API front (the ``sam local start-api`` port)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fogbank.protocol.http import HttpResponse
from fogbank.server.asgi import accept, send_response

log = logging.getLogger("fogbank.front")


class ApiFrontApp:
    """ASGI app serving the routes of every API of the cloud, without a stage prefix."""

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud
        self._too_large = _message(413, "Request Too Long")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        request = await accept(scope, receive, send, self._too_large)
        if request is None:
            return
        front = self.cloud.api_front
        try:
            response = await front.handle(request) if front else _message(404, "Not Found")
        except Exception:
            log.exception("API front failed on %s %s", request.method, request.path)
            response = _message(500, "Internal server error")
        await send_response(send, response, head_only=request.method == "HEAD")


def _message(status: int, message: str) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")],
                        json.dumps({"message": message}).encode())

"""State and helpers shared by the SNS operation groups (topics, subscriptions, publish)."""

from __future__ import annotations

import re
from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.base import HttpRoute, Provider, RequestContext, ServiceContext
from fogbank.services.sns.delivery import Deliverer
from fogbank.services.sns.errors import invalid, missing, topic_not_found
from fogbank.services.sns.signing import Signer
from fogbank.services.sns.store import SnsStore, Topic
from fogbank.services.sns.urls import CERT_PREFIX, Urls

PAGE_SIZE = 100
TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")
FIFO_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,251}\.fifo\Z")


class SnsBase(Provider):
    service = "sns"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self.ids = ctx.ids
        self.store = SnsStore(ctx.state_dir)
        self.signer = Signer(ctx.state_dir)
        self.urls = Urls(ctx.config.edge_url)
        self.deliverer = Deliverer(self.store, self.signer, ctx.client, ctx.clock, ctx.ids,
                                   self.urls)

    async def start(self) -> None:
        # The signing key is made (off the event loop) by the first delivery that needs it,
        # so applications without topics pay nothing at startup.
        await self.deliverer.start()

    async def stop(self) -> None:
        await self.deliverer.stop()

    def http_routes(self) -> list[HttpRoute]:
        return [HttpRoute(CERT_PREFIX, self._serve_certificate)]

    async def _serve_certificate(self, request: HttpRequest) -> HttpResponse:
        if request.path != CERT_PREFIX + self.signer.cert_name:
            return HttpResponse(404, [("content-type", "text/plain")], b"Not Found")
        return HttpResponse(200, [("content-type", "application/x-x509-ca-cert")],
                            self.signer.certificate_pem)

    # -- lookups -------------------------------------------------------------------------------

    def topic_arn(self, ctx: RequestContext, name: str) -> str:
        return f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{name}"

    def require_topic(self, arn: str | None, parameter: str = "TopicArn") -> Topic:
        if arn is None:
            raise missing(parameter[0].lower() + parameter[1:])
        if not arn:
            raise invalid(f"{parameter}")
        parsed = parse_arn(arn)
        if parsed is None or parsed.service != "sns":
            raise invalid(f"{parameter}")
        topic = self.store.topics.get(arn)
        if topic is None:
            raise topic_not_found()
        return topic


def page(items: list[Any], next_token: str | None, key: Any) -> tuple[list[Any], str | None]:
    """One page of ``items`` (sorted stably by ``key``), continuing after ``next_token``."""
    start = 0
    if next_token:
        keys = [key(item) for item in items]
        if next_token not in keys:
            raise invalid("NextToken")
        start = keys.index(next_token)
    chunk = items[start:start + PAGE_SIZE]
    following = items[start + PAGE_SIZE:start + PAGE_SIZE + 1]
    return chunk, key(following[0]) if following else None

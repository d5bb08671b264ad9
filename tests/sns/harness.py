"""A small cloud for SNS tests: SNS and the real SQS provider on one dispatcher, a
recording fake Lambda, and an injected ManualClock."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from fogbank.core.clock import Clock, ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.dispatch import Dispatcher
from fogbank.services.lambda_.errors import ResourceNotFoundException, TooManyRequestsException
from fogbank.services.sns.provider import SnsProvider
from fogbank.services.sqs.provider import SqsProvider

REGION = "us-east-1"
ACCOUNT = "000000000000"


class FakeLambda(Provider):
    """Records asynchronous invokes; functions named ``missing*`` do not exist."""

    service = "lambda"

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.throttle_next = 0  # answer this many invokes with TooManyRequestsException

    @operation("Invoke")
    def invoke(self, ctx: RequestContext, *, function_name: str, payload: bytes = b"",
               invocation_type: str | None = None, **_: Any) -> dict[str, Any]:
        if function_name.rsplit(":", 1)[-1].startswith("missing"):
            raise ResourceNotFoundException(f"Function not found: {function_name}")
        assert invocation_type == "Event"
        if self.throttle_next > 0:
            self.throttle_next -= 1
            raise TooManyRequestsException("Rate Exceeded.")
        self.events.append((function_name, json.loads(payload)))
        return {"StatusCode": 202}


class SqsUnavailable(ServiceError):
    """A server-side SQS failure (retried by SNS)."""

    code = "ServiceUnavailable"
    status = 503


class FlakySqs(SqsProvider):
    """The real SQS, except that the next ``fail_next`` SendMessage calls fail."""

    fail_next = 0

    def send_message(self, ctx: RequestContext, **params: Any) -> Any:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise SqsUnavailable("Service Unavailable")
        return super().send_message(ctx, **params)


class Cloudlet:
    def __init__(self, state_dir: Path, clock: Clock | None = None,
                 edge_url: str = "http://127.0.0.1:4566") -> None:
        self.state_dir = state_dir
        self.clock = clock or ManualClock()
        host, port = edge_url.rsplit("//", 1)[1].split(":")
        self.config = CloudConfig(state_dir=state_dir, region=REGION, edge_port=int(port))
        self.ids = Ids(seed=11)
        self.dispatcher = Dispatcher([], region=REGION, account_id=ACCOUNT, ids=self.ids)
        self.sqs = FlakySqs(self._context("sqs"))  # type: ignore[call-arg]
        self.lambda_ = FakeLambda()
        self.dispatcher.add(self.sqs)
        self.dispatcher.add(self.lambda_)
        self.sns = self.new_sns()

    def _context(self, service: str) -> ServiceContext:
        return ServiceContext(self.config, self.clock, self.ids, self.dispatcher,
                              self.config.service_dir(service))

    def new_sns(self) -> SnsProvider:
        """A fresh SNS provider on the same state directory (a restart)."""
        self.sns = SnsProvider(self._context("sns"))
        self.dispatcher.add(self.sns)
        return self.sns

    async def call(self, service: str, operation_name: str, **params: Any) -> dict[str, Any]:
        return await self.dispatcher.call(service, operation_name, params)

    async def sns_call(self, operation_name: str, **params: Any) -> dict[str, Any]:
        return await self.call("sns", operation_name, **params)

    async def queue(self, name: str, **attributes: str) -> tuple[str, str]:
        params: dict[str, Any] = {"QueueName": name}
        if attributes:
            params["Attributes"] = attributes
        url = (await self.call("sqs", "CreateQueue", **params))["QueueUrl"]
        return url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"

    async def receive(self, url: str, expect: int = 1, rounds: int = 200
                      ) -> list[dict[str, Any]]:
        """Receive until ``expect`` messages arrived (deliveries run in the background)."""
        found: list[dict[str, Any]] = []
        for _ in range(rounds):
            result = await self.call("sqs", "ReceiveMessage", QueueUrl=url,
                                     MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                     AttributeNames=["All"])
            found.extend(result.get("Messages", []))
            if len(found) >= expect:
                return found
            await asyncio.sleep(0.01)
        return found

    async def settle(self) -> None:
        await self.sns.deliverer.wait_idle(5.0)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)

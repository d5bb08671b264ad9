"""A CloudFormation provider wired to a fake internal client that records every call."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.cloudformation import CloudFormationProvider

ACCOUNT = "000000000000"
REGION = "us-east-1"

Responder = Callable[[dict[str, Any]], Awaitable[dict[str, Any]] | dict[str, Any]]


class FakeClient:
    """Records ``(service, operation, params)``; answers like the AWS services would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.failures: dict[tuple[str, str], ServiceError] = {}
        self.responders: dict[tuple[str, str], Responder] = {}

    def ops(self, service: str | None = None) -> list[str]:
        return [f"{s}:{op}" for s, op, _ in self.calls if service in (None, s)]

    def params(self, service: str, operation: str) -> list[dict[str, Any]]:
        return [p for s, op, p in self.calls if (s, op) == (service, operation)]

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None, *,
                   region: str | None = None) -> dict[str, Any]:
        params = dict(params or {})
        self.calls.append((service, operation, params))
        failure = self.failures.get((service, operation))
        if failure is not None:
            raise failure
        responder = self.responders.get((service, operation))
        if responder is not None:
            result = responder(params)
            return await result if asyncio.iscoroutine(result) else result  # type: ignore[misc,return-value]
        return default_response(service, operation, params)


def default_response(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    if (service, operation) in (("lambda", "CreateFunction"),
                                ("lambda", "UpdateFunctionConfiguration"),
                                ("lambda", "UpdateFunctionCode")):
        name = params["FunctionName"]
        return {"FunctionName": name,
                "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"}
    if (service, operation) == ("sqs", "CreateQueue"):
        return {"QueueUrl": f"http://127.0.0.1:4566/{ACCOUNT}/{params['QueueName']}"}
    if (service, operation) == ("sqs", "GetQueueAttributes"):
        name = params["QueueUrl"].rsplit("/", 1)[-1]
        return {"Attributes": {"QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"}}
    if (service, operation) == ("events", "PutRule"):
        return {"RuleArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{params['Name']}"}
    if (service, operation) == ("sns", "CreateTopic"):
        return {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:{params['Name']}"}
    if (service, operation) == ("iam", "CreateRole"):
        return {"Role": {"RoleName": params["RoleName"], "RoleId": "AROAFAKE",
                         "Arn": f"arn:aws:iam::{ACCOUNT}:role/{params['RoleName']}"}}
    if (service, operation) == ("lambda", "PublishLayerVersion"):
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{params['LayerName']}"
        return {"LayerArn": arn, "LayerVersionArn": f"{arn}:1", "Version": 1}
    if (service, operation) == ("apigatewayv2", "ImportApi"):
        return {"ApiId": "httpapi1", "ApiEndpoint": "http://httpapi1.execute-api.local"}
    if (service, operation) == ("apigateway", "ImportRestApi"):
        return {"id": "restapi1", "rootResourceId": "root1"}
    if (service, operation) == ("lambda", "PublishVersion"):
        name = params["FunctionName"]
        return {"Version": "1",
                "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}:1"}
    if (service, operation) == ("lambda", "CreateAlias"):
        return {"AliasArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
                            f"{params['FunctionName']}:{params['Name']}"}
    if (service, operation) == ("lambda", "CreateEventSourceMapping"):
        return {"UUID": "esm-1", "EventSourceArn": params["EventSourceArn"]}
    if (service, operation) == ("apigateway", "CreateDeployment"):
        return {"id": "dep1"}
    if (service, operation) in (("dynamodb", "CreateTable"), ("dynamodb", "DescribeTable")):
        name = params["TableName"]
        table = {"TableName": name, "TableArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"}
        return {"TableDescription" if operation == "CreateTable" else "Table": table}
    return {}


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.client = FakeClient()
        self.clock = ManualClock()
        self.provider = self.build()

    def build(self) -> CloudFormationProvider:
        config = CloudConfig(state_dir=self.tmp_path, region=REGION, account_id=ACCOUNT,
                             edge_port=4566)
        context = ServiceContext(config=config, clock=self.clock, ids=Ids(seed=7),
                                 client=self.client, state_dir=self.tmp_path / "cloudformation")
        return CloudFormationProvider(context, custom_resource_timeout_s=5.0,
                                      template_base_dir=self.tmp_path)

    def context(self, operation: str, *, internal: bool = True) -> RequestContext:
        return RequestContext(service="cloudformation", operation=operation, region=REGION,
                              account_id=ACCOUNT, request_id="req", internal=internal)

    async def call(self, operation: str, internal: bool = True, **kwargs: Any) -> dict[str, Any]:
        handler = self.provider.operations()[operation]
        result = handler(self.context(operation, internal=internal), **kwargs)
        if asyncio.iscoroutine(result):
            result = await result
        return result  # type: ignore[no-any-return]

    async def events(self, stack_name: str) -> list[tuple[str, str, str | None]]:
        """``(logical id, status, reason)`` oldest first."""
        result = await self.call("DescribeStackEvents", stack_name=stack_name)
        return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason"))
                for e in reversed(result["StackEvents"])]


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    return Harness(tmp_path)

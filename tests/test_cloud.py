"""The cloud's provider table is complete and every listed operation exists in botocore."""

from __future__ import annotations

import botocore.session

from fogbank.cloud import PROVIDERS, provider_class
from fogbank.services.base import Provider

# What the core issue promises on the edge, per service.
PROMISED = {
    "lambda": ["CreateFunction", "GetFunction", "ListFunctions", "DeleteFunction",
               "UpdateFunctionCode", "UpdateFunctionConfiguration", "Invoke", "AddPermission",
               "GetPolicy", "GetFunctionConcurrency", "PutFunctionConcurrency"],
    "cloudformation": ["CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks",
                       "DescribeStackResources", "DescribeStackEvents", "ListStacks",
                       "GetTemplate", "ValidateTemplate"],
    "sts": ["GetCallerIdentity"],
    "logs": ["DescribeLogGroups", "DescribeLogStreams", "GetLogEvents", "FilterLogEvents"],
    "iam": ["CreateRole", "GetRole", "PutRolePolicy", "AttachRolePolicy"],
    "apigateway": ["GetRestApis", "GetRestApi", "GetResources", "GetStages"],
    "apigatewayv2": ["GetApis", "GetApi", "GetRoutes", "GetStages"],
}


def test_every_provider_serves_its_service():
    for service in PROVIDERS:
        assert issubclass(provider_class(service), Provider)
        assert provider_class(service).service == service


def test_promised_operations_are_implemented_and_real_aws_operations():
    session = botocore.session.get_session()
    for service, operations in PROMISED.items():
        model = session.get_service_model(service)
        implemented = set(_operations(provider_class(service)))
        for name in operations:
            assert name in model.operation_names, f"{service}.{name} is not an AWS operation"
            assert name in implemented, f"{service}.{name} is not implemented"
        unknown = implemented - set(model.operation_names)
        assert not unknown, f"{service} registers non-AWS operations: {sorted(unknown)}"


def _operations(provider_class: type[Provider]) -> list[str]:
    from fogbank.services.base import OPERATION_ATTR

    names = []
    for klass in provider_class.__mro__:
        for value in vars(klass).values():
            name = getattr(value, OPERATION_ATTR, None)
            if name:
                names.append(name)
    return names


def test_services_are_built_on_first_use_and_at_startup_when_they_have_state(tmp_path):
    import asyncio

    from fogbank.cloud import ALWAYS_STARTED, Cloud
    from fogbank.core.config import CloudConfig

    async def scenario() -> None:
        cloud = Cloud(CloudConfig(state_dir=tmp_path))
        assert set(cloud.dispatcher.providers) == set(ALWAYS_STARTED)
        assert "sqs" in cloud.dispatcher.services()  # listed (health) before it is built
        await cloud.start()
        try:
            started: list[str] = []
            sqs = provider_class("sqs")
            original = sqs.start

            async def record(self: Provider) -> None:
                started.append(self.service)
                await original(self)

            sqs.start = record  # type: ignore[method-assign]
            try:
                created = await cloud.dispatcher.call("sqs", "CreateQueue", {"QueueName": "q"})
            finally:
                sqs.start = original  # type: ignore[method-assign]
            assert created["QueueUrl"].endswith("/q")
            assert started == ["sqs"]  # started before its first operation ran
            assert "dynamodb" not in cloud.dispatcher.providers
        finally:
            await cloud.stop()
        again = Cloud(CloudConfig(state_dir=tmp_path))
        assert "sqs" in again.dispatcher.providers  # it has state to resume
        assert "dynamodb" not in again.dispatcher.providers

    asyncio.run(scenario())

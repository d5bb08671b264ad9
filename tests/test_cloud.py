"""The cloud's provider table is complete and every listed operation exists in botocore."""

from __future__ import annotations

import botocore.session

from fogbank.cloud import PROVIDERS
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
    for service, provider_class in PROVIDERS.items():
        assert issubclass(provider_class, Provider)
        assert provider_class.service == service


def test_promised_operations_are_implemented_and_real_aws_operations():
    session = botocore.session.get_session()
    for service, operations in PROMISED.items():
        model = session.get_service_model(service)
        implemented = set(_operations(PROVIDERS[service]))
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

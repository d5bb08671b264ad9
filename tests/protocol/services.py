"""The services whose every operation the round-trip tests cover."""

from __future__ import annotations

from functools import cache

from botocore.loaders import Loader
from botocore.model import ServiceModel

SERVICES = (
    "lambda", "cloudformation", "sts", "logs", "iam", "apigateway", "apigatewayv2",
    "s3", "sqs", "sns", "dynamodb", "dynamodbstreams", "events", "ssm", "secretsmanager",
    "stepfunctions",
)


@cache
def model(service: str) -> ServiceModel:
    return ServiceModel(Loader().load_service_model(service, "service-2"), service_name=service)


def operations() -> list[tuple[str, str]]:
    return [(service, name) for service in SERVICES for name in model(service).operation_names]

"""The resource type → handler map (a test checks it is complete)."""

from __future__ import annotations

from fogbank.services.cloudformation.resources.apigateway import APIGATEWAY_HANDLERS
from fogbank.services.cloudformation.resources.apigatewayv2 import APIGATEWAYV2_HANDLERS
from fogbank.services.cloudformation.resources.base import ResourceHandler
from fogbank.services.cloudformation.resources.custom import CustomResourceHandler
from fogbank.services.cloudformation.resources.dynamodb import DYNAMODB_HANDLERS
from fogbank.services.cloudformation.resources.events import EVENTS_HANDLERS
from fogbank.services.cloudformation.resources.iam import IAM_HANDLERS
from fogbank.services.cloudformation.resources.lambda_ import LAMBDA_HANDLERS
from fogbank.services.cloudformation.resources.logs import LOGS_HANDLERS
from fogbank.services.cloudformation.resources.placeholder import WaitConditionHandleHandler
from fogbank.services.cloudformation.resources.scheduler import SCHEDULER_HANDLERS
from fogbank.services.cloudformation.resources.s3 import S3_HANDLERS
from fogbank.services.cloudformation.resources.secretsmanager import SECRETSMANAGER_HANDLERS
from fogbank.services.cloudformation.resources.sns import SNS_HANDLERS
from fogbank.services.cloudformation.resources.sqs import SQS_HANDLERS
from fogbank.services.cloudformation.resources.ssm import SSM_HANDLERS


class HandlerMap(dict[str, ResourceHandler]):
    """Resource type → handler; every ``Custom::Name`` maps to the custom resource handler."""

    def __init__(self, handlers: list[ResourceHandler]) -> None:
        super().__init__((handler.resource_type, handler) for handler in handlers)
        self.custom = CustomResourceHandler()
        self[self.custom.resource_type] = self.custom

    def handler_for(self, resource_type: str) -> ResourceHandler | None:
        if resource_type.startswith("Custom::"):
            return self.custom
        return self.get(resource_type)


HANDLERS = HandlerMap([
    *LAMBDA_HANDLERS, *IAM_HANDLERS, *LOGS_HANDLERS, *APIGATEWAY_HANDLERS,
    *APIGATEWAYV2_HANDLERS, *DYNAMODB_HANDLERS, WaitConditionHandleHandler(),
    *SQS_HANDLERS,
    *SNS_HANDLERS,
    *EVENTS_HANDLERS, *SCHEDULER_HANDLERS,
    *S3_HANDLERS,
    *SSM_HANDLERS, *SECRETSMANAGER_HANDLERS,
])

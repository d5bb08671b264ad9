"""IAM and STS providers on one temp state dir, called by AWS operation name with AWS
parameters through the dispatcher, every result checked against botocore's output shape."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.dispatch import Dispatcher
from fogbank.services.iam import IamProvider
from fogbank.services.sts import StsProvider
from tests.logs.botocore_shapes import assert_matches_shape, service_model


class IdentityCloud:
    def __init__(self, state_dir: Path, clock: ManualClock) -> None:
        self.clock = clock
        self.config = CloudConfig(state_dir=state_dir, region="us-east-1")
        self.ids = Ids(seed=11)
        self.dispatcher = Dispatcher([], region="us-east-1",
                                     account_id=self.config.account_id, ids=self.ids)
        for provider_class in (IamProvider, StsProvider):
            service = provider_class.service
            self.dispatcher.add(provider_class(ServiceContext(
                self.config, clock, self.ids, self.dispatcher, self.config.service_dir(service))))

    def call(self, service: str, operation: str, *, headers: Mapping[str, str] | None = None,
             **params: Any) -> dict[str, Any]:
        model = service_model(service).operation_model(operation)
        ctx = RequestContext(service=service, operation=operation, region="us-east-1",
                             account_id=self.config.account_id, request_id=self.ids.uuid(),
                             headers=dict(headers or {}))
        result = asyncio.run(self.dispatcher.dispatch(ctx, params))
        if model.output_shape is not None:
            assert_matches_shape(result, model.output_shape, operation)
        else:
            assert result == {}
        return result

    def iam(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.call("iam", operation, **params)

    def sts(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.call("sts", operation, **params)

    def error(self, service: str, operation: str, **params: Any) -> ServiceError:
        with pytest.raises(ServiceError) as caught:
            self.call(service, operation, **params)
        return caught.value

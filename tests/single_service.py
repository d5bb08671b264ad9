"""One provider on a temp state dir behind a real botocore client (the in-process wire):
the test cloud of the services whose tests need nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import Provider, ServiceContext
from fogbank.services.dispatch import Dispatcher
from tests.iam.wire import wire_client


class SingleServiceCloud:
    def __init__(self, state_dir: Path, clock: ManualClock, provider_class: type[Provider],
                 *, seed: int) -> None:
        service = provider_class.service
        self.clock = clock
        self.config = CloudConfig(state_dir=state_dir, region="us-east-1")
        self.dispatcher = Dispatcher([], region="us-east-1", account_id="000000000000",
                                     ids=Ids(seed=seed))
        ctx = ServiceContext(self.config, clock, self.dispatcher.ids, self.dispatcher,
                             self.config.service_dir(service))
        self.provider: Any = provider_class(ctx)  # type: ignore[call-arg]
        self.dispatcher.add(self.provider)
        self.client = wire_client(service, self.dispatcher)

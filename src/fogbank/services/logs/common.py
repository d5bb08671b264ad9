"""What both halves of the Logs provider share: the store, the clock and lookups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fogbank.services.base import Provider, RequestContext, ServiceContext
from fogbank.services.logs.errors import (
    InvalidParameterException,
    log_group_not_found,
    log_stream_not_found,
)
from fogbank.services.logs.store import LogGroup, LogsStore, LogStream

TailCallback = Callable[[str, str, list[dict[str, Any]]], None]


class LogsBase(Provider):
    service = "logs"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = LogsStore(Path(ctx.state_dir) / "logs.db")
        self._subscribers: list[TailCallback] = []

    def now_ms(self) -> int:
        return int(self.ctx.clock.now() * 1000)

    def group_arn(self, group: LogGroup) -> str:
        return f"arn:aws:logs:{group.region}:{self.ctx.account_id}:log-group:{group.name}"

    def group(self, ctx: RequestContext, name: str | None, identifier: str | None = None,
              ) -> LogGroup:
        """The log group named by ``logGroupName`` or ``logGroupIdentifier`` (name or ARN)."""
        if name and identifier:
            raise InvalidParameterException(
                "LogGroup name and LogGroup ARN are mutually exclusive parameters."
            )
        region = ctx.region
        chosen = name or identifier
        if not chosen:
            raise InvalidParameterException(
                "Should provide either name or ARN of the log group."
            )
        if identifier and identifier.startswith("arn:"):
            region, chosen = parse_group_arn(identifier)
        group = self.store.get_group(region, chosen)
        if group is None:
            raise log_group_not_found()
        return group

    def stream(self, group: LogGroup, name: str) -> LogStream:
        found = self.store.get_stream(group.group_id, name)
        if found is None:
            raise log_stream_not_found()
        return found


def parse_group_arn(arn: str) -> tuple[str, str]:
    """``(region, log group name)`` of a log group ARN (with or without ``:*``)."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        raise InvalidParameterException(f"Invalid ARN: {arn}")
    return parts[3], parts[6]

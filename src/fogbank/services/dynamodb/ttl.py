"""Time to Live: the settings operations and the background sweep that deletes expired items.

Each item's expiry (its TTL attribute as epoch seconds) is stored in an indexed column when
it is written, so the sweep is an index range read. ``expire_now()`` is the sweep itself and
is public so tests (with a ManualClock) can run it instead of waiting; ``start()`` runs it
every ``sweep_interval_s`` seconds. Each deletion emits a REMOVE stream record carrying the
DynamoDB service identity, as AWS does. The sweep also trims stream records past 24 hours
and transaction tokens past 10 minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.dynamodb.common import DynamoBase
from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.model import TableMeta

log = logging.getLogger("fogbank.dynamodb.ttl")

TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
MAX_AGE_S = 5 * 365 * 24 * 3600  # AWS leaves items expired more than five years ago alone
SWEEP_BATCH = 500


class TtlOperations(DynamoBase):
    sweep_interval_s: float = 1.0
    _sweeper: asyncio.Task[None] | None = None

    @operation("UpdateTimeToLive")
    def update_time_to_live(self, ctx: RequestContext, *, table_name: Any = None,
                            time_to_live_specification: dict[str, Any] | None = None,
                            **_: Any) -> dict[str, Any]:
        table = TableMeta.from_doc(self.table(table_name).to_doc())
        spec = time_to_live_specification or {}
        enabled = spec.get("Enabled")
        name = spec.get("AttributeName")
        if not isinstance(enabled, bool) or not name:
            raise ValidationException("1 validation error detected: Value null at "
                                      "'timeToLiveSpecification' failed to satisfy constraint: "
                                      "Member must not be null")
        if enabled and table.ttl_enabled:
            raise ValidationException("TimeToLive is already enabled")
        if not enabled and not table.ttl_enabled:
            raise ValidationException("TimeToLive is already disabled")
        if not enabled and name != table.ttl_attribute:
            raise ValidationException("TimeToLive is active on a different AttributeName: "
                                      f"current AttributeName is {table.ttl_attribute}")
        table.ttl_enabled = enabled
        table.ttl_attribute = name
        with self.db.transaction() as conn:
            self.store.save_table(conn, table)
            self.store.recompute_expiry(conn, table)
        self.forget_table(table.name)
        return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": name}}

    @operation("DescribeTimeToLive")
    def describe_time_to_live(self, ctx: RequestContext, *, table_name: Any = None,
                              **_: Any) -> dict[str, Any]:
        table = self.table(table_name)
        if table.ttl_enabled:
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED",
                                              "AttributeName": table.ttl_attribute}}
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}

    # -- the sweep ------------------------------------------------------------------------

    def expire_now(self) -> int:
        """Delete every item whose TTL has passed (by ``ctx.clock``); returns how many."""
        now_s = self.clock.now()
        deleted = 0
        for name in self.store.table_names():
            table = self.table(name)
            if not table.ttl_enabled:
                continue
            while True:
                keys = self.store.expired(table, now_s, now_s - MAX_AGE_S, SWEEP_BATCH)
                if not keys:
                    break
                with self.db.transaction() as conn:
                    for key in keys:
                        old, old_size = self.store.get_sized(table, key, conn)
                        expiry = table.ttl_expiry(old) if old else None
                        if old is None or expiry is None or expiry > now_s:
                            continue
                        self.store.write(conn, table, key, old, None, size_bytes=0,
                                         old_size=old_size, now_s=now_s,
                                         user_identity=TTL_IDENTITY)
                        deleted += 1
                if len(keys) < SWEEP_BATCH:
                    break
        with self.db.transaction() as conn:
            self.store.streams.trim(conn, now_s)
            conn.execute("DELETE FROM ddb_tx_tokens WHERE created_s < ?", (now_s - 600,))
        return deleted

    async def start(self) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_interval_s)
            try:
                self.expire_now()
            except Exception:
                log.exception("TTL sweep failed")

"""OHLC with a DynamoDB cache in front of the provider.

A cache item is keyed ``ohlc#<symbol>#<start>#<end>`` and holds the bars as zlib-compressed
JSON (``payload``, binary) plus ``expiresAt`` (epoch seconds), the table's TTL attribute:
DynamoDB deletes expired items in the background, and since that deletion may lag, a read
also treats an item past ``expiresAt`` as a miss. The key has no provider name, so switching
provider takes effect as the cached entries expire - the cache exists to protect a quota.
Answers too big for one item (400 KB) are served but not cached.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from stockflux_market.ohlc.config import load_provider
from stockflux_market.ohlc.providers import Bar, SymbolNotFound

MAX_PAYLOAD_BYTES = 350_000


@dataclass
class OhlcResult:
    """The bars as the JSON array text the API sends (a cache hit never parses them)."""

    bars_json: str
    cached: bool

    @property
    def bars(self) -> list[Bar]:
        bars: list[Bar] = json.loads(self.bars_json)
        return bars


class OhlcService:
    def __init__(self, dynamodb: Any, ssm_client: Callable[[], Any], *, cache_table: str,
                 provider_parameter: str | None, ttl_s: int,
                 now: Callable[[], float] = time.time) -> None:
        """``ssm_client`` makes the SSM client on the first cache miss, not at init: most
        requests are answered by the cache, and a client costs 0.2-0.5 s of cold start."""
        self.dynamodb = dynamodb
        self._ssm_client = ssm_client
        self._ssm: Any = None
        self.cache_table = cache_table
        self.provider_parameter = provider_parameter
        self.ttl_s = ttl_s
        self.now = now

    @staticmethod
    def cache_key(symbol: str, start: date, end: date) -> str:
        return f"ohlc#{symbol.upper()}#{start.isoformat()}#{end.isoformat()}"

    def bars(self, symbol: str, start: date, end: date,
             known: Callable[[str], bool] | None = None) -> OhlcResult:
        """The bars from the cache, else from the provider (cached for next time);
        ``known(symbol)`` is asked before calling the provider - ``False`` means
        ``SymbolNotFound`` without spending quota."""
        key = self.cache_key(symbol, start, end)
        cached = self._read(key)
        if cached is not None:
            return OhlcResult(cached, True)
        if known is not None and not known(symbol):
            raise SymbolNotFound(symbol)
        if self._ssm is None:
            self._ssm = self._ssm_client()
        provider = load_provider(self._ssm, self.provider_parameter)
        bars_json = json.dumps(provider.daily_bars(symbol, start, end), separators=(",", ":"))
        self._write(key, provider.cache_id, bars_json)
        return OhlcResult(bars_json, False)

    def _read(self, key: str) -> str | None:
        item = self.dynamodb.get_item(TableName=self.cache_table, Key={"cacheKey": {"S": key}},
                                      ProjectionExpression="payload, expiresAt").get("Item")
        if not item or float(item["expiresAt"]["N"]) <= self.now():
            return None
        return zlib.decompress(item["payload"]["B"]).decode()

    def _write(self, key: str, provider_id: str, bars_json: str) -> None:
        payload = zlib.compress(bars_json.encode())
        if len(payload) > MAX_PAYLOAD_BYTES:
            return
        now = self.now()
        self.dynamodb.put_item(TableName=self.cache_table, Item={
            "cacheKey": {"S": key}, "payload": {"B": payload}, "provider": {"S": provider_id},
            "cachedAt": {"N": str(int(now))}, "expiresAt": {"N": str(int(now + self.ttl_s))},
        })

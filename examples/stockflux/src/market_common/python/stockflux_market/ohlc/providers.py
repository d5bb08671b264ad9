"""The market-data provider interface."""

from __future__ import annotations

from datetime import date
from typing import Protocol, TypedDict


class Bar(TypedDict):
    """One trading day, as the StockFlux chart reads it."""

    date: str  # YYYY-MM-DD
    open: float
    high: float
    low: float
    close: float
    volume: int


class ProviderError(Exception):
    """The provider failed or is misconfigured (the API answers 502)."""


class SymbolNotFound(ProviderError):
    """The provider has no data for the symbol (the API answers 404)."""


class MarketDataProvider(Protocol):
    @property
    def cache_id(self) -> str:
        """Names the provider and its data set in cache keys."""
        ...

    def daily_bars(self, symbol: str, start: date, end: date) -> list[Bar]:
        """Bars of the trading days from ``start`` to ``end`` inclusive, oldest first."""
        ...

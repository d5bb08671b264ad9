"""The deterministic synthetic provider: a seeded random walk per symbol.

Each symbol gets, from a SHA-256 of its name, a listing date between 1996 and 2016, a
starting price, a daily volatility, a drift and a typical volume. The walk is built year by
year so that a request costs the years it covers, not the symbol's whole history:

- the log close at each year end is a chain of yearly moves (one normal draw per year, the
  sum of that year's trading days' drift and volatility) from the listing price;
- within a year, the daily log-returns are normal draws from a generator seeded by (symbol,
  year), shifted evenly so they add up to the year's move (a Brownian bridge), so the path is
  continuous across year ends;
- the open gaps a little from the previous close, high and low reach beyond both, and the
  volume varies around the typical volume and rises with the size of the move.

So the bar of a given symbol and day is the same in every request, whatever its range.
Trading days are the NYSE's (``calendar``).
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import date, timedelta
from functools import lru_cache

from stockflux_market.ohlc.calendar import trading_days
from stockflux_market.ohlc.providers import Bar

EARLIEST_LISTING = date(1996, 1, 2)
LISTING_SPAN_DAYS = 20 * 365


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, ("stockflux-ohlc", *parts))).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@lru_cache(maxsize=1024)
def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(trading_days(first, last))


class SyntheticProvider:
    """Offline, deterministic, unlimited; every symbol has data."""

    cache_id = "synthetic"

    def daily_bars(self, symbol: str, start: date, end: date) -> list[Bar]:
        symbol = symbol.upper()
        rng = _rng(symbol)
        listed = EARLIEST_LISTING + timedelta(days=rng.randrange(LISTING_SPAN_DAYS))
        log_close = rng.uniform(math.log(2.0), math.log(150.0))
        volatility = rng.uniform(0.008, 0.03)
        drift = rng.uniform(-0.0002, 0.0004)
        typical_volume = math.exp(rng.uniform(math.log(2e5), math.log(4e7)))
        bars: list[Bar] = []
        for year in range(listed.year, end.year + 1):
            days = _days(max(listed, date(year, 1, 1)), date(year, 12, 31))
            year_move = _rng(symbol, "year", year).gauss(drift * len(days),
                                                         volatility * math.sqrt(len(days)))
            if year >= start.year and days:
                bars.extend(self._year(symbol, year, days, log_close, year_move, volatility,
                                       typical_volume, start, end))
            log_close += year_move
        return bars

    @staticmethod
    def _year(symbol: str, year: int, days: tuple[date, ...], log_close: float, year_move: float,
              volatility: float, typical_volume: float, start: date, end: date) -> list[Bar]:
        rng = _rng(symbol, year)
        gauss, uniform = rng.gauss, rng.random
        returns = [gauss(0.0, volatility) for _ in days]
        shift = (year_move - sum(returns)) / len(days)
        bars: list[Bar] = []
        close = math.exp(log_close)
        for day, raw in zip(days, returns, strict=True):
            change = raw + shift
            open_ = close * math.exp(gauss(0.0, volatility * 0.3))
            close *= math.exp(change)
            high = max(open_, close) * (1.0 + abs(gauss(0.0, volatility * 0.5)))
            low = min(open_, close) * (1.0 - min(0.5, abs(gauss(0.0, volatility * 0.5))))
            spread = uniform()
            if day < start or day > end:
                continue
            volume = typical_volume * math.exp(0.7 * (spread - 0.5)) * (1.0 + 12.0 * abs(change))
            digits = 4 if close < 1.0 else 2
            bars.append({"date": day.isoformat(), "open": round(open_, digits),
                         "high": round(high, digits), "low": round(low, digits),
                         "close": round(close, digits), "volume": int(volume)})
        return bars

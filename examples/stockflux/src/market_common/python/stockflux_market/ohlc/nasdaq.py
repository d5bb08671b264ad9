"""Adapter for Nasdaq Data Link (formerly Quandl) end-of-day time series.

``GET {base_url}/datasets/{database}/{code}/data.json?start_date=..&end_date=..&order=asc
&api_key=..`` answers ``{"dataset_data": {"column_names": ["Date", "Open", "High", "Low",
"Close", "Volume", ...], "data": [[...], ...]}}``; errors carry
``{"quandl_error": {"code": "QECx02", "message": "..."}}`` with a 4xx/5xx status (404 for an
unknown code, 429 past the quota). Columns are found by name, so data sets with extra
columns (adjusted prices, dividends) work. Quandl codes spell "BRK.B" as "BRK_B".
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from typing import Any

from stockflux_market.ohlc.providers import Bar, ProviderError, SymbolNotFound

COLUMNS = ("date", "open", "high", "low", "close", "volume")


class NasdaqDataLinkProvider:
    def __init__(self, base_url: str, api_key: str, *, database: str = "EOD",
                 timeout_s: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.database = database
        self.timeout_s = timeout_s

    @property
    def cache_id(self) -> str:
        return f"nasdaq-data-link:{self.database}"

    def url(self, symbol: str, start: date, end: date) -> str:
        code = urllib.parse.quote(symbol.upper().replace(".", "_"), safe="")
        query = urllib.parse.urlencode({"start_date": start.isoformat(),
                                        "end_date": end.isoformat(), "order": "asc",
                                        "api_key": self.api_key})
        return f"{self.base_url}/datasets/{self.database}/{code}/data.json?{query}"

    def daily_bars(self, symbol: str, start: date, end: date) -> list[Bar]:
        request = urllib.request.Request(self.url(symbol, start, end),
                                         headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            message = _error_message(exc)
            if exc.code == 404:
                raise SymbolNotFound(f"{symbol}: {message}") from None
            raise ProviderError(f"Nasdaq Data Link answered {exc.code}: {message}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ProviderError(f"Nasdaq Data Link unreachable: {exc}") from None
        except ValueError:
            raise ProviderError("Nasdaq Data Link answered something that is not JSON") from None
        return parse_dataset_data(body)


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        error = json.loads(exc.read()).get("quandl_error") or {}
        return f"{error.get('code', '?')} {error.get('message', '')}".strip()
    except (ValueError, AttributeError, OSError):
        return exc.reason if isinstance(exc.reason, str) else "error"


def parse_dataset_data(body: Any) -> list[Bar]:
    """Bars of a ``data.json`` answer, oldest first."""
    dataset = body.get("dataset_data") if isinstance(body, dict) else None
    if not isinstance(dataset, dict):
        raise ProviderError("Nasdaq Data Link answer has no dataset_data")
    names = [str(n).strip().lower() for n in dataset.get("column_names") or []]
    try:
        positions = [names.index(column) for column in COLUMNS]
    except ValueError:
        raise ProviderError(f"Nasdaq Data Link columns {names} lack one of {COLUMNS}") from None
    bars: list[Bar] = []
    for row in dataset.get("data") or []:
        try:
            day, open_, high, low, close, volume = (row[p] for p in positions)
            if None in (open_, high, low, close):
                continue
            bars.append({"date": str(day)[:10], "open": float(open_), "high": float(high),
                         "low": float(low), "close": float(close),
                         "volume": int(volume or 0)})
        except (IndexError, TypeError, ValueError):
            raise ProviderError(f"Nasdaq Data Link row {row!r} is malformed") from None
    bars.sort(key=lambda bar: bar["date"])
    return bars

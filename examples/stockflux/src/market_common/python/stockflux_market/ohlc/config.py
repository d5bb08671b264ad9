"""The provider chosen by an SSM parameter.

The parameter (``MARKET_DATA_PROVIDER_PARAMETER``) holds JSON:

- ``{"provider": "synthetic"}`` - the deterministic offline provider (the default), or
- ``{"provider": "nasdaq-data-link", "apiKeyParameter": "/<stack>/market-data/api-key",
  "baseUrl": "https://data.nasdaq.com/api/v3", "database": "EOD", "timeoutSeconds": 5}`` -
  the API key lives in its own (SecureString) parameter, read with decryption.

It is read on every cache miss (never on a hit), so a change applies to the next miss.
"""

from __future__ import annotations

import json
from typing import Any

from stockflux_market.ohlc.nasdaq import NasdaqDataLinkProvider
from stockflux_market.ohlc.providers import MarketDataProvider, ProviderError
from stockflux_market.ohlc.synthetic import SyntheticProvider

DEFAULT_BASE_URL = "https://data.nasdaq.com/api/v3"


def _parameter(ssm: Any, name: str, *, decrypt: bool) -> str:
    try:
        return str(ssm.get_parameter(Name=name, WithDecryption=decrypt)["Parameter"]["Value"])
    except Exception as exc:  # botocore ClientError or a connection problem
        raise ProviderError(f"cannot read SSM parameter {name}: {exc}") from None


def provider_from_config(config: dict[str, Any], ssm: Any) -> MarketDataProvider:
    name = config.get("provider", "synthetic")
    if name == "synthetic":
        return SyntheticProvider()
    if name == "nasdaq-data-link":
        key_parameter = config.get("apiKeyParameter")
        if not isinstance(key_parameter, str) or not key_parameter:
            raise ProviderError("nasdaq-data-link needs apiKeyParameter")
        return NasdaqDataLinkProvider(
            str(config.get("baseUrl") or DEFAULT_BASE_URL),
            _parameter(ssm, key_parameter, decrypt=True),
            database=str(config.get("database") or "EOD"),
            timeout_s=float(config.get("timeoutSeconds") or 5.0))
    raise ProviderError(f"unknown market-data provider {name!r}")


def load_provider(ssm: Any, parameter_name: str | None) -> MarketDataProvider:
    if not parameter_name:
        return SyntheticProvider()
    raw = _parameter(ssm, parameter_name, decrypt=False)
    try:
        config = json.loads(raw)
    except ValueError:
        raise ProviderError(f"SSM parameter {parameter_name} is not JSON") from None
    if not isinstance(config, dict):
        raise ProviderError(f"SSM parameter {parameter_name} must hold a JSON object")
    return provider_from_config(config, ssm)

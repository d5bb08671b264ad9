"""``GET /ohlc/{symbol}/{fromDate}``: daily bars from ``fromDate`` (YYYY-MM-DD) to the last
trading day, ``{success: true, data: [{date, open, high, low, close, volume}]}``.

Bars come from the market-data provider named by an SSM parameter, through the DynamoDB
cache (``stockflux_market.ohlc.service``); the provider is only consulted on a miss, and only
for symbols of the securities table. Errors: ``{success: false, error: {messages}}`` with 400
(bad date), 404 (unknown symbol, or the provider has no data) or 502 (provider failed).
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from stockflux_market.ohlc.calendar import last_trading_day
from stockflux_market.ohlc.providers import ProviderError, SymbolNotFound
from stockflux_market.ohlc.service import OhlcService
from stockflux_market.text import SYMBOL_PATTERN

logger = Logger()
app = APIGatewayHttpResolver()
dynamodb = boto3.client("dynamodb")
service = OhlcService(dynamodb, lambda: boto3.client("ssm"),
                      cache_table=os.environ["OHLC_CACHE_TABLE"],
                      provider_parameter=os.environ.get("MARKET_DATA_PROVIDER_PARAMETER"),
                      ttl_s=int(os.environ.get("OHLC_CACHE_TTL_SECONDS", "21600")))
SECURITIES_TABLE = os.environ["SECURITIES_TABLE"]
SYMBOL_INDEX = os.environ.get("SYMBOL_INDEX", "symbol-index")
EARLIEST = date(1970, 1, 1)
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reply(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type="application/json",
                    body=json.dumps(body, separators=(",", ":")))


def failure(status: int, message: str) -> Response[str]:
    return reply(status, {"success": False, "error": {"messages": [message]}})


def listed(symbol: str) -> bool:
    page = dynamodb.query(TableName=SECURITIES_TABLE, IndexName=SYMBOL_INDEX,
                          KeyConditionExpression="symbol = :symbol",
                          ExpressionAttributeValues={":symbol": {"S": symbol}},
                          ProjectionExpression="securityId", Limit=1)
    return bool(page.get("Items"))


@app.get("/ohlc/<symbol>/<from_date>")
def ohlc(symbol: str, from_date: str) -> Response[str]:
    symbol = unquote(symbol).strip().upper()
    if not SYMBOL_PATTERN.match(symbol):
        return failure(404, f"No OHLC data for symbol {symbol[:40]}")
    try:
        if not DATE_PATTERN.match(from_date):
            raise ValueError(from_date)
        start = date.fromisoformat(from_date)
    except ValueError:
        return failure(400, f"fromDate {from_date[:40]!r} is not a date (YYYY-MM-DD)")
    end = last_trading_day(datetime.now(UTC).date())
    if start > end:
        return failure(400, f"fromDate {from_date} is after the last trading day {end}")
    start = max(start, EARLIEST)
    try:
        result = service.bars(symbol, start, end, known=listed)
    except SymbolNotFound:
        result = None
    except ProviderError as exc:
        logger.warning("market data provider failed", extra={"reason": str(exc)})
        return failure(502, "The market data provider is unavailable")
    if result is None:
        return failure(404, f"No OHLC data for symbol {symbol}")
    logger.info("ohlc", extra={"symbol": symbol, "from": str(start), "cached": result.cached})
    return Response(status_code=200, content_type="application/json",
                    body='{"success":true,"data":' + result.bars_json + "}")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

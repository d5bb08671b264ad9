"""The securities API: search, a security with its recent OHLC, and the admin CRUD.

Routes (HTTP API, payload 2.0, routed by Powertools):
- ``GET /securities/search/{query}`` -> ``{success, data: [{symbol, name, exchange,
  securityId}]}``, ranked (``?limit=``, default 20, at most 100);
- ``GET /securities/{symbol}`` -> ``{success, data: {name, ohlc: [...]}}`` (the last 30
  days; ``?exchange=`` picks a listing), or ``{success: false, error: {messages}}``;
- ``GET/POST /admin/securities``, ``GET/PUT/PATCH/DELETE /admin/securities/{securityId}``
  with ``{messages: [...]}`` 4xx bodies (400 invalid, 404 unknown id, 409 duplicate symbol
  on the exchange).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from search import SecuritySearch
from stockflux_market.ohlc.calendar import last_trading_day
from stockflux_market.ohlc.providers import ProviderError, SymbolNotFound
from stockflux_market.ohlc.service import OhlcService
from store import DuplicateSymbol, NotFound, SecuritiesStore
from validation import (
    Invalid,
    is_security_id,
    is_symbol,
    patch_fields,
    security_fields,
    shown,
)

logger = Logger()
app = APIGatewayHttpResolver()
dynamodb = boto3.client("dynamodb")
store = SecuritiesStore(dynamodb, os.environ["SECURITIES_TABLE"],
                        os.environ.get("SYMBOL_INDEX", "symbol-index"))
searcher = SecuritySearch(dynamodb, os.environ["SEARCH_INDEX_TABLE"])
ohlc = OhlcService(dynamodb, lambda: boto3.client("ssm"),
                   cache_table=os.environ["OHLC_CACHE_TABLE"],
                   provider_parameter=os.environ.get("MARKET_DATA_PROVIDER_PARAMETER"),
                   ttl_s=int(os.environ.get("OHLC_CACHE_TTL_SECONDS", "21600")))
DEFAULT_RESULTS = 20
MAX_RESULTS = 100
SUMMARY_DAYS = 30
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8


def json_response(status: int, body: Any) -> Response[str]:
    return Response(status_code=status, content_type="application/json",
                    body=json.dumps(body, separators=(",", ":")))


def failure(status: int, *messages: str) -> Response[str]:
    return json_response(status, {"success": False, "error": {"messages": list(messages)}})


def admin_error(status: int, *messages: str) -> Response[str]:
    return json_response(status, {"messages": list(messages)})


# -- public routes --------------------------------------------------------------------------

@app.get("/securities/search/<query>")
def search(query: str) -> Response[str]:
    raw_limit = app.current_event.get_query_string_value("limit", str(DEFAULT_RESULTS))
    try:
        limit = int(raw_limit or DEFAULT_RESULTS)
    except ValueError:
        return failure(400, "limit must be a whole number")
    if not 1 <= limit <= MAX_RESULTS:
        return failure(400, f"limit must be between 1 and {MAX_RESULTS}")
    query = unquote(query)
    if len(query) > MAX_QUERY_CHARS or len(query.split()) > MAX_QUERY_WORDS:
        return failure(400, f"query must be at most {MAX_QUERY_CHARS} characters and "
                            f"{MAX_QUERY_WORDS} words")
    results = searcher.search(query, limit)
    return json_response(200, {"success": True, "data": results})


@app.get("/securities/<symbol>")
def security(symbol: str) -> Response[str]:
    symbol = unquote(symbol).strip().upper()
    if not is_symbol(symbol):
        return failure(404, f"No security with symbol {shown(symbol)}")
    exchange = (app.current_event.get_query_string_value("exchange") or "").upper()
    listings = [s for s in store.by_symbol(symbol) if s["enabled"] and s["visible"]
                and (not exchange or s["exchange"] == exchange)]
    if not listings:
        return failure(404, f"No security with symbol {symbol}")
    listing = sorted(listings, key=lambda s: s["exchange"])[0]
    end = last_trading_day(datetime.now(UTC).date())
    try:
        bars = ohlc.bars(symbol, end - timedelta(days=SUMMARY_DAYS), end).bars
    except SymbolNotFound:
        bars = []
    except ProviderError as exc:
        logger.warning("market data provider failed", extra={"reason": str(exc)})
        return failure(502, "The market data provider is unavailable")
    return json_response(200, {"success": True, "data": {
        "name": listing["name"], "symbol": listing["symbol"], "exchange": listing["exchange"],
        "ohlc": bars}})


# -- admin ----------------------------------------------------------------------------------

def _body() -> Any:
    try:
        return app.current_event.json_body
    except (ValueError, TypeError):
        raise Invalid(["The request body must be JSON"]) from None


def _security_id(raw: str) -> str:
    """The path's id; one that cannot be a security's id is simply not found."""
    security_id = unquote(raw)
    if not is_security_id(security_id):
        raise NotFound(security_id)
    return security_id


@app.get("/admin/securities")
def list_securities() -> Response[str]:
    return json_response(200, store.all_securities())


@app.post("/admin/securities")
def create_security() -> Response[str]:
    created = store.create(security_fields(_body()))
    logger.info("security created", extra={"security": created})
    return json_response(201, created)


@app.get("/admin/securities/<security_id>")
def get_security(security_id: str) -> Response[str]:
    return json_response(200, store.get(_security_id(security_id)))


@app.put("/admin/securities/<security_id>")
def replace_security(security_id: str) -> Response[str]:
    return json_response(200, store.replace(_security_id(security_id), security_fields(_body())))


@app.patch("/admin/securities/<security_id>")
def patch_security(security_id: str) -> Response[str]:
    return json_response(200, store.patch(_security_id(security_id), patch_fields(_body())))


@app.delete("/admin/securities/<security_id>")
def delete_security(security_id: str) -> Response[str]:
    store.delete(_security_id(security_id))
    return Response(status_code=HTTPStatus.NO_CONTENT.value, content_type="application/json",
                    body="")


@app.exception_handler(Invalid)
def invalid(exc: Invalid) -> Response[str]:
    return admin_error(400, *exc.messages)


@app.exception_handler(NotFound)
def not_found(exc: NotFound) -> Response[str]:
    return admin_error(404, f"No security with id {shown(str(exc))}")


@app.exception_handler(DuplicateSymbol)
def duplicate(exc: DuplicateSymbol) -> Response[str]:
    return admin_error(409, str(exc))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

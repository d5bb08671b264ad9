"""``GET /news/{symbol}``: the latest 10 stories about a symbol, newest first, as a bare
array of ``{title, source, summary, url, time}`` (``time`` in epoch milliseconds) - what the
StockFlux news app reads. Stories are written by the scheduled ingest (``ingest.py``); the
news table is keyed (symbol, "<time ms, 13 digits>#<story id>"), so this is one Query read
backwards."""

from __future__ import annotations

import json
import os
import re
from typing import Any
from urllib.parse import unquote

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
app = APIGatewayHttpResolver()
dynamodb = boto3.client("dynamodb")
NEWS_TABLE = os.environ["NEWS_TABLE"]
LATEST = 10
# stockflux_market.text.SYMBOL_PATTERN (this function reads one table and has no layer)
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,11}$")


@app.get("/news/<symbol>")
def news(symbol: str) -> Response[str]:
    symbol = unquote(symbol).strip().upper()
    if not SYMBOL_PATTERN.match(symbol):  # no such security: no news (and no oversized key)
        return Response(status_code=200, content_type="application/json", body="[]")
    page = dynamodb.query(
        TableName=NEWS_TABLE, KeyConditionExpression="symbol = :symbol",
        ExpressionAttributeValues={":symbol": {"S": symbol}}, ScanIndexForward=False,
        Limit=LATEST, ProjectionExpression="title, #source, summary, #url, #time",
        ExpressionAttributeNames={"#source": "source", "#url": "url", "#time": "time"})
    stories = [{"title": item["title"]["S"], "source": item["source"]["S"],
                "summary": item["summary"]["S"], "url": item["url"]["S"],
                "time": int(item["time"]["N"])} for item in page.get("Items", [])]
    return Response(status_code=200, content_type="application/json",
                    body=json.dumps(stories, separators=(",", ":")))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

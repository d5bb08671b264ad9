"""The REST API (payload format 1.0) of the hello example, routed by Powertools."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
app = APIGatewayRestResolver()

ITEMS = {
    "1": {"name": "notebook", "price_cents": 450},
    "2": {"name": "pencil", "price_cents": 90},
}


@app.get("/items/<item_id>")
def get_item(item_id: str) -> dict[str, Any]:
    item = ITEMS.get(item_id)
    if item is None:
        raise NotFoundError(f"no item {item_id}")
    return {"item_id": item_id, **item}


@app.get("/greeting")
def greeting() -> dict[str, str]:
    name = app.current_event.get_query_string_value(name="name", default_value="world")
    logger.info("greeting", extra={"visitor": name})
    return {"greeting": f"hello {name}", "stage": app.current_event.request_context.stage}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

"""The HTTP API (payload format 2.0) of the hello example, routed by Powertools."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.exceptions import BadRequestError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
app = APIGatewayHttpResolver()


@app.get("/hello/<name>")
def hello(name: str) -> dict[str, str]:
    logger.info("greeting", extra={"visitor": name})
    return {"message": f"hello {name}"}


@app.post("/echo")
def echo() -> dict[str, Any]:
    event = app.current_event
    if not event.body:
        raise BadRequestError("send a JSON body to echo")
    try:
        body = json.loads(event.decoded_body)
    except ValueError as exc:
        raise BadRequestError("the body is not JSON") from exc
    return {
        "echo": body,
        "contentType": event.headers.get("content-type"),
        "query": event.query_string_parameters or {},
    }


@app.get("/config")
def config() -> dict[str, str]:
    """Values the template set with !Ref: the log group's and the other function's names."""
    return {
        "auditLogGroup": os.environ["AUDIT_LOG_GROUP"],
        "plainFunction": os.environ["PLAIN_FUNCTION_NAME"],
        "region": os.environ.get("AWS_REGION", ""),
    }


@app.get("/plain")
def call_plain() -> dict[str, Any]:
    """Invoke the plain function with boto3, as any Lambda would call another."""
    response = boto3.client("lambda").invoke(
        FunctionName=os.environ["PLAIN_FUNCTION_NAME"],
        Payload=json.dumps({"from": "http_app", "path": app.current_event.path}).encode(),
    )
    return {"statusCode": response["StatusCode"],
            "payload": json.loads(response["Payload"].read())}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

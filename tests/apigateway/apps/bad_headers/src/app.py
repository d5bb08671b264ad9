"""Proxy responses with headers HTTP cannot carry, chosen by the ``case`` path parameter."""

import time

CASES = {
    "euro": {"X-U": "café€"},
    "crlf": {"X-U": "a\r\nX-Injected: 1"},
    "space": {"X U": "v"},
    "colon": {"X:U": "v"},
    "latin1": {"X-U": "café"},
}


def headers(event, context):
    return {"statusCode": 200, "headers": CASES[event["pathParameters"]["case"]], "body": "ok"}


def slow(event, context):
    time.sleep(3)
    return {"statusCode": 200, "body": "too late"}

"""Handlers with every outcome a Lambda invoke can have."""

import os
import time

INIT_COUNT = {"n": 0}
INIT_COUNT["n"] += 1


def ok(event, context):
    print("ok handler got", event)
    return {
        "event": event,
        "greeting": os.environ.get("GREETING"),
        "slow_function_name": os.environ.get("SLOW_FUNCTION_NAME"),
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "init_count": INIT_COUNT["n"],
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
    }


class OrderRejected(Exception):
    pass


def fail(event, context):
    raise OrderRejected("order 42 was rejected")


def sleep(event, context):
    time.sleep(float(event.get("seconds", 5)) if isinstance(event, dict) else 5)
    return {"slept": True}


def crash(event, context):
    os._exit(3)


def big(event, context):
    return "x" * (6 * 1024 * 1024 + 100)


def call_sts(event, context):
    import boto3

    return boto3.client("sts").get_caller_identity()["Account"]

"""A function with no dependencies: answers a summary of the event and context it got."""

from __future__ import annotations

import json
import os
from typing import Any


def handler(event: Any, context: Any) -> dict[str, Any]:
    print(f"event received: {json.dumps(event)[:200]}")
    return {
        "eventType": type(event).__name__,
        "keys": sorted(event) if isinstance(event, dict) else [],
        "eventBytes": len(json.dumps(event)),
        "functionName": context.function_name,
        "memoryLimitInMB": int(context.memory_limit_in_mb),
        "requestId": context.aws_request_id,
        "remainingTimeMs": context.get_remaining_time_in_millis(),
        "region": os.environ.get("AWS_REGION"),
    }

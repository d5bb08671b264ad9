"""Bills through the HTTP API: sequential GETs over one keep-alive connection, timed."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.load import BenchError, percentile


def time_gets(api_url: str, path: str, params: dict[str, Any], count: int, warmup: int,
              deadline: float) -> dict[str, Any]:
    """p50/p99 of ``count`` GETs after ``warmup`` unrecorded ones; stops at ``deadline``."""
    parts = urlsplit(api_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                            timeout=60)
    target = f"{path}?{urlencode(params)}"
    samples: list[float] = []
    body: Any = None
    try:
        for index in range(warmup + count):
            began = time.perf_counter()
            connection.request("GET", target)
            response = connection.getresponse()
            raw = response.read()
            elapsed_ms = (time.perf_counter() - began) * 1000
            if response.status != 200:
                raise BenchError(f"GET {target} answered {response.status}: {raw[:300]!r}")
            if index >= warmup:
                samples.append(elapsed_ms)
            body = raw
            if time.monotonic() > deadline:
                break
    finally:
        connection.close()
    reply = json.loads(body) if body else {}
    return {"count": len(samples), "p50_ms": round(percentile(samples, 0.5), 2),
            "p99_ms": round(percentile(samples, 0.99), 2),
            "sources": reply.get("sources"), "half_hours": reply.get("halfHours"),
            "total": reply.get("total")}

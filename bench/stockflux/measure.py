"""Timed requests over one keep-alive HTTP connection."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit


class RequestFailed(Exception):
    pass


@dataclass
class Timings:
    samples_ms: list[float] = field(default_factory=list)

    def add(self, ms: float) -> None:
        self.samples_ms.append(ms)

    def percentile(self, fraction: float) -> float | None:
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
        return ordered[min(rank, len(ordered)) - 1]

    def summary(self) -> dict[str, Any]:
        return {"count": len(self.samples_ms), "p50_ms": _round(self.percentile(0.5)),
                "p90_ms": _round(self.percentile(0.9)), "p99_ms": _round(self.percentile(0.99))}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class ApiClient:
    """GETs on one persistent connection; each request timed from send to last body byte."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout_s = timeout_s
        self._connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, Any, float]:
        """(status, decoded JSON body, milliseconds)."""
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port,
                                                          timeout=self.timeout_s)
        started = time.perf_counter()
        try:
            self._connection.request("GET", self.prefix + path)
            response = self._connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise RequestFailed(f"GET {path}: {exc}") from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        try:
            decoded = json.loads(body) if body else None
        except ValueError:
            decoded = body.decode("utf-8", "replace")
        return response.status, decoded, elapsed_ms

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def search_path(query: str) -> str:
    return "/securities/search/" + quote(query, safe="")

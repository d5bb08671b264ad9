"""Tumbling windows of a stream mapping (``TumblingWindowInSeconds``).

Records fall into windows aligned to multiples of the window length, by the time they were
written to the stream. Every invoke within a window carries the ``state`` the previous one
returned; when the window closes (a later record arrives or the window's end passes) the
function is invoked once more with no records and ``isFinalInvokeForWindow: true``.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.core.clock import iso8601

MAX_STATE_BYTES = 1024 * 1024


class TumblingWindow:
    def __init__(self, length_s: int, stream_arn: str) -> None:
        self.length_s = length_s
        self.stream_arn = stream_arn
        self.start_s: float | None = None
        self.state: dict[str, Any] = {}
        self.terminated_early = False

    def window_of(self, record: dict[str, Any]) -> float:
        created = float(record["dynamodb"].get("ApproximateCreationDateTime") or 0)
        return created - created % self.length_s

    def groups(self, records: list[dict[str, Any]]) -> list[tuple[float, list[dict[str, Any]]]]:
        """Consecutive records split where their window changes."""
        out: list[tuple[float, list[dict[str, Any]]]] = []
        for record in records:
            start = self.window_of(record)
            if out and out[-1][0] == start:
                out[-1][1].append(record)
            else:
                out.append((start, [record]))
        return out

    def closes_before(self, next_start_s: float | None, now_s: float) -> bool:
        """Whether the open window ends before records of ``next_start_s`` (or, with
        ``None``, because its end time has passed)."""
        if self.start_s is None:
            return False
        if next_start_s is not None:
            return next_start_s != self.start_s
        return now_s >= self.start_s + self.length_s

    def open(self, start_s: float) -> None:
        if self.start_s != start_s:
            self.start_s, self.state, self.terminated_early = start_s, {}, False

    def close(self) -> None:
        self.start_s, self.state, self.terminated_early = None, {}, False

    def fields(self, shard_id: str, final: bool) -> dict[str, Any]:
        """What an invoke inside the window adds to the event."""
        start = self.start_s or 0.0
        return {
            "window": {"start": iso8601(start)[:19] + "Z",
                       "end": iso8601(start + self.length_s)[:19] + "Z"},
            "state": dict(self.state),
            "shardId": shard_id,
            "eventSourceARN": self.stream_arn,
            "isFinalInvokeForWindow": final,
            "isWindowTerminatedEarly": self.terminated_early,
        }

    def absorb(self, payload: bytes) -> None:
        """Keep the ``state`` a successful invoke returned for the next one."""
        try:
            response = json.loads(payload) if payload.strip() else None
        except ValueError:
            return
        state = response.get("state") if isinstance(response, dict) else None
        if isinstance(state, dict):
            if len(json.dumps(state)) > MAX_STATE_BYTES:
                self.terminated_early = True
                return
            self.state = state

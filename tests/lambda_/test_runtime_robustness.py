"""The execution layer under stress and abuse: cold-start bursts, environments that die
while idle, huge log lines, exit statuses and tracebacks as the Python runtime reports them."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import time

from tests.lambda_.conftest import LambdaHarness

BURST = 200
HANG_GUARD_S = 120.0  # a hang fails the test instead of blocking the run; not a speed check


def payload_of(result: dict) -> object:
    return json.loads(result["Payload"])


def test_a_burst_of_cold_starts_all_complete(lam: LambdaHarness) -> None:
    name = lam.create("""
        import os
        def handler(event, context):
            return os.getpid()
    """, Environment={"Variables": {"PADDING": "p" * 2000}})  # bigger spawn requests

    async def burst() -> list[dict]:
        calls = [lam.dispatcher.call("lambda", "Invoke", {"FunctionName": name,
                                                          "Payload": b"{}"})
                 for _ in range(BURST)]
        return await asyncio.wait_for(asyncio.gather(*calls), HANG_GUARD_S)

    results = lam.run(burst())
    assert all("FunctionError" not in result for result in results)
    assert len({payload_of(result) for result in results}) == BURST  # all cold, all distinct
    assert lam.provider.runtime.environment_count(name) == BURST
    lam.run(retire(lam, name))
    assert lam.provider.runtime.environment_count(name) == 0


async def retire(lam: LambdaHarness, name: str) -> None:
    lam.provider.runtime.retire(name)

"""The zygote handle: spawns that cannot complete fail instead of hanging."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fogbank.services.lambda_.runtime.zygote import Zygote, ZygoteError


def spawn_request(tmp_path: Path) -> dict:
    return {"env": {}, "code_dir": str(tmp_path), "sys_path": [str(tmp_path)],
            "tmp_dir": str(tmp_path), "handler": "app.handler", "function_name": "f",
            "function_version": "$LATEST", "memory_mb": 128, "log_group_name": "/aws/lambda/f",
            "log_stream_name": "s", "sentinel": "\x1eend"}


def test_stop_fails_pending_spawns_and_slow_spawns_time_out(tmp_path: Path) -> None:
    async def scenario() -> None:
        zygote = Zygote(spawn_timeout_s=1e-6)
        await zygote.start()
        try:
            with pytest.raises(ZygoteError, match="did not start an environment"):
                await zygote.spawn(spawn_request(tmp_path))
            zygote.spawn_timeout_s = 30.0
            pending = asyncio.ensure_future(zygote.spawn(spawn_request(tmp_path)))
            while not zygote._spawns:  # the request is registered, its answer not yet read
                await asyncio.sleep(0)
        finally:
            await zygote.stop()
        with pytest.raises(ZygoteError):
            await asyncio.wait_for(pending, 10)

    asyncio.run(scenario())


def test_a_zygote_launched_early_is_adopted_and_one_never_used_exits(tmp_path: Path) -> None:
    from fogbank.services.lambda_.runtime.zygote import launch

    async def scenario() -> None:
        early = launch(tmp_path / "pycache")
        zygote = Zygote()
        zygote.adopt(early)
        await zygote.start()
        assert zygote._process is early.process
        await zygote.stop()

        unused = launch(None)
        other = Zygote()
        other.adopt(unused)
        await other.stop()  # never started: the early process is told to go
        assert await asyncio.wait_for(asyncio.to_thread(unused.process.wait), 10) is not None

    asyncio.run(scenario())


def test_fogbank_up_launches_the_zygote_where_the_provider_keeps_bytecode(
        tmp_path: Path) -> None:
    from fogbank.core.clock import Clock
    from fogbank.core.config import CloudConfig
    from fogbank.core.ids import Ids
    from fogbank.services.base import ServiceContext
    from fogbank.services.lambda_.provider import LambdaProvider
    from fogbank.services.lambda_.runtime.zygote import pycache_dir_for

    state = tmp_path / "lambda"
    ctx = ServiceContext(config=CloudConfig(state_dir=tmp_path), clock=Clock(), ids=Ids(),
                         client=None, state_dir=state)  # type: ignore[arg-type]
    provider = LambdaProvider(ctx, cache_dir=tmp_path / "cache")
    assert pycache_dir_for(state) == provider.runtime.zygote_pycache

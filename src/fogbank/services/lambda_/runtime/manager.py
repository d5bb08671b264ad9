"""Warm pools of execution environments, one per function, and the invoke life cycle."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fogbank.services.lambda_.runtime import reports
from fogbank.services.lambda_.runtime.environment import (
    EnvironmentDied,
    ExecutionEnvironment,
    InitResult,
    RawResult,
    invoke_header,
)
from fogbank.services.lambda_.runtime.interpreter import write_python_shims
from fogbank.services.lambda_.runtime.spec import (
    FunctionSpec,
    InvokeOutcome,
    InvokeRequest,
    Throttled,
)
from fogbank.services.lambda_.runtime.zygote import Spawned, Zygote

log = logging.getLogger("fogbank.lambda.runtime")

MAX_RESPONSE_BYTES = 6291556
# An idle environment is frozen once no invoke picked it up for this long: AWS freezes a
# sandbox when its runtime asks for the next event and none is waiting, so back-to-back
# invokes run without a freeze and thaw in between (two signals and two wake-ups each).
FREEZE_AFTER_S = 0.01
LogSink = Callable[[str, str, list[tuple[int, str]]], None]  # (group, stream, events)


@dataclass
class FunctionPool:
    revision: str = ""
    idle: list[ExecutionEnvironment] = field(default_factory=list)
    busy: int = 0


class Watchdog:
    """One timer per invoke: kills the environment when its time is up (``timeout``), and
    from ``first_s`` into the invoke polls its RSS every ``every_s`` (``memory``)."""

    def __init__(self, env: ExecutionEnvironment, limit_bytes: int, timeout_s: float, *,
                 first_s: float = 0.05, every_s: float = 0.02) -> None:
        self._env = env
        self._limit_bytes = limit_bytes
        self._every_s = every_s
        self._loop = asyncio.get_running_loop()
        self._deadline = self._loop.time() + timeout_s
        self._handle = self._loop.call_at(min(self._loop.time() + first_s, self._deadline),
                                          self._check)

    def _check(self) -> None:
        if self._env.dead:
            return
        now = self._loop.time()
        if now >= self._deadline:
            self._env.kill("timeout")
            return
        if self._env.rss_bytes() > self._limit_bytes:
            self._env.kill("memory")
            return
        self._handle = self._loop.call_at(min(now + self._every_s, self._deadline), self._check)

    def cancel(self) -> None:
        self._handle.cancel()


class ExecutionManager:
    """Runs invokes in warm environments forked from one zygote; enforces concurrency,
    timeout and memory; emits each invoke's log lines to ``log_sink``."""

    def __init__(self, *, state_dir: Path, clock: Any, ids: Any, log_sink: LogSink,
                 account_concurrency: int = 1000, idle_timeout_s: float = 600.0,
                 init_timeout_s: float = 10.0, freeze_idle: bool = True,
                 freeze_after_s: float = FREEZE_AFTER_S) -> None:
        self.state_dir = state_dir
        self.clock = clock
        self.ids = ids
        self.log_sink = log_sink
        self.unreserved_capacity = account_concurrency
        self.idle_timeout_s = idle_timeout_s
        self.init_timeout_s = init_timeout_s
        self.freeze_idle = freeze_idle
        self.freeze_after_s = freeze_after_s
        # Idle environments not frozen yet → loop time they became idle.
        self._unfrozen: dict[ExecutionEnvironment, float] = {}
        self._freezer: asyncio.TimerHandle | None = None
        self.zygote_pycache = state_dir / "pycache"
        self.zygote = Zygote(pycache_dir=self.zygote_pycache)
        self.python_bin_dir = state_dir / "bin"
        self._pools: dict[tuple[str, str], FunctionPool] = {}  # (function, version)
        self._function_busy: dict[str, int] = {}
        self._unreserved_busy = 0
        self._reaper: asyncio.Task[None] | None = None
        self._cleanups: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        write_python_shims(self.python_bin_dir)
        await self.zygote.start()
        if self._reaper is None:
            self._reaper = asyncio.create_task(self._reap_forever())

    async def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        if self._freezer is not None:
            self._freezer.cancel()
            self._freezer = None
        for name in {key[0] for key in self._pools}:
            self.retire(name)
        await self.zygote.stop()
        if self._cleanups:
            await asyncio.gather(*self._cleanups, return_exceptions=True)

    def drop_bytecode(self, directory: Path) -> None:
        """Forget compiled modules of ``directory``: Python validates them by source mtime in
        whole seconds and size only, which a quick same-size edit would defeat."""
        shutil.rmtree(self.zygote_pycache / directory.resolve().relative_to("/"),
                      ignore_errors=True)

    def environment_count(self, function_name: str) -> int:
        return sum(len(pool.idle) + pool.busy for key, pool in self._pools.items()
                   if key[0] == function_name)

    def retire(self, function_name: str, version: str | None = None) -> None:
        """Drop warm environments of the function (all versions unless ``version``); busy
        ones end after their invoke."""
        for key in [key for key in self._pools if key[0] == function_name]:
            if version is not None and key[1] != version:
                continue
            pool = self._pools[key]
            pool.revision = ""
            while pool.idle:
                self._dispose(pool.idle.pop())
            if pool.busy == 0:
                del self._pools[key]

    def reap_idle(self, now_s: float) -> int:
        reaped = 0
        for pool in self._pools.values():
            keep = [env for env in pool.idle if now_s - env.last_used_s < self.idle_timeout_s]
            for env in pool.idle:
                if env not in keep:
                    self._dispose(env)
                    reaped += 1
            pool.idle = keep
        return reaped

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(min(60.0, self.idle_timeout_s / 2))
            self.reap_idle(self.clock.monotonic())

    # ------------------------------------------------------------------ invoke

    async def invoke(self, spec: FunctionSpec, request: InvokeRequest) -> InvokeOutcome:
        pool = self._pools.setdefault(spec.pool_key, FunctionPool(spec.revision))
        if pool.revision != spec.revision:
            pool.revision = spec.revision
            while pool.idle:
                self._dispose(pool.idle.pop())
        reserved = self._acquire(spec)
        pool.busy += 1
        try:
            env = self._take_idle(pool)
            if env is not None:
                return await self._run(env, spec, request, None, [])
            return await self._cold_invoke(spec, request)
        finally:
            pool.busy -= 1
            self._function_busy[spec.function_name] -= 1
            if not reserved:
                self._unreserved_busy -= 1

    def _take_idle(self, pool: FunctionPool) -> ExecutionEnvironment | None:
        """The most recently used idle environment that is still alive (thawed), if any;
        environments that died while idle are disposed of."""
        while pool.idle:
            env = pool.idle.pop()
            if not env.alive or self.zygote.exit_reason(env.pid).done():
                self._dispose(env)
                continue
            if self.freeze_idle and self._unfrozen.pop(env, None) is None:
                env.thaw()
            return env
        return None

    def _acquire(self, spec: FunctionSpec) -> bool:
        """Take one unit of concurrency (all versions of a function share its reserve)."""
        busy = self._function_busy.get(spec.function_name, 0)
        if spec.reserved_concurrency is not None:
            if busy >= spec.reserved_concurrency:
                raise Throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
            self._function_busy[spec.function_name] = busy + 1
            return True
        if self._unreserved_busy >= self.unreserved_capacity:
            raise Throttled("ConcurrentInvocationLimitExceeded")
        self._unreserved_busy += 1
        self._function_busy[spec.function_name] = busy + 1
        return False

    async def _cold_invoke(self, spec: FunctionSpec, request: InvokeRequest) -> InvokeOutcome:
        env = await self._spawn(spec)
        # AWS gives the Init phase 10 s; an init that needs longer is run again inside the
        # invoke under the function's own timeout. We let the first init go on for that long
        # instead of starting it over, so a slow init fails only past both limits.
        init_budget_s = max(self.init_timeout_s, spec.timeout_s)
        try:
            init = await asyncio.wait_for(env.wait_init(), init_budget_s)
        except TimeoutError:
            env.kill("timeout")
            return await self._failed(env, spec, request, None, [], init_budget_s, 0.0)
        except EnvironmentDied:
            return await self._failed(env, spec, request, None, [], spec.timeout_s, 0.0)
        init_lines = await env.output.next_batch(1.0)
        if init.error is not None:
            return await self._init_failed(env, spec, request, init, init_lines)
        return await self._run(env, spec, request, init.init_ms, init_lines)

    async def _spawn(self, spec: FunctionSpec) -> ExecutionEnvironment:
        now = datetime.fromtimestamp(self.clock.now(), tz=UTC)
        stream = f"{now:%Y/%m/%d}/[{spec.version}]{self.ids.hex(32)}"
        tmp_dir = self.state_dir / "tmp" / self.ids.hex(16)
        tmp_dir.mkdir(parents=True, exist_ok=True)
        sentinel = "\x1efogbank-" + self.ids.hex(16)
        try:
            spawned = await self._spawn_process(spec, stream, tmp_dir, sentinel)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        return await ExecutionEnvironment.attach(
            spawned, revision=spec.revision, log_stream_name=stream, tmp_dir=str(tmp_dir),
            sentinel=sentinel.encode(), now_ms=self._now_ms,
        )

    async def _spawn_process(self, spec: FunctionSpec, stream: str, tmp_dir: Path,
                             sentinel: str) -> Spawned:
        return await self.zygote.spawn({
            "env": spec.environment(stream, tmp_dir, self.python_bin_dir),
            "code_dir": str(spec.code_dir),
            "sys_path": spec.sys_path(),
            "tmp_dir": str(tmp_dir),
            "handler": spec.handler,
            "function_name": spec.function_name,
            "function_version": spec.version,
            "memory_mb": spec.memory_mb,
            "log_group_name": spec.log_group_name,
            "log_stream_name": stream,
            "sentinel": sentinel,
        })

    async def _run(self, env: ExecutionEnvironment, spec: FunctionSpec, request: InvokeRequest,
                   init_ms: float | None, init_lines: list[tuple[int, str]]) -> InvokeOutcome:
        start_ms = self._now_ms()
        # The environment measures remaining time on the real clock, whatever clock fogbank
        # was given.
        header = invoke_header(request.request_id, int(time.time() * 1000) + spec.timeout_s * 1000,
                               request.invoked_arn, request.client_context, request.identity)
        limit_bytes = spec.memory_mb * 1024 * 1024
        started = time.perf_counter()
        raw: RawResult | None = None
        # On timeout (or memory) the environment is killed; the pending read then ends with
        # EnvironmentDied and env.killed_for says why.
        watchdog = Watchdog(env, limit_bytes, spec.timeout_s)
        try:
            raw = await env.invoke(header, request.payload)
        except EnvironmentDied:
            pass
        finally:
            watchdog.cancel()
        if env.killed_for == "timeout":  # the timer won a race with a late answer
            raw = None
        duration_ms = (time.perf_counter() - started) * 1000
        if raw is not None and raw.max_rss_kb * 1024 > limit_bytes:
            env.kill("memory")
            raw = None
        if raw is None:
            return await self._failed(env, spec, request, init_ms, init_lines, spec.timeout_s,
                                      duration_ms, start_ms)
        lines = await env.output.next_batch(2.0) if raw.sentinel else env.output.cut()
        payload, function_error = raw.payload, None if raw.ok else "Unhandled"
        if len(payload) > MAX_RESPONSE_BYTES:
            payload, function_error = reports.fault_payload(
                "Function.ResponseSizeTooLarge",
                f"Response payload size ({len(payload)} bytes) exceeded maximum allowed payload"
                f" size ({MAX_RESPONSE_BYTES} bytes).",
            ), "Unhandled"
        self._release(env, spec)
        outcome = self._finish(env, spec, request, start_ms, init_lines, lines, [],
                               duration_ms, raw.max_rss_kb // 1024, init_ms)
        outcome.payload, outcome.function_error = payload, function_error
        return outcome

    async def _failed(self, env: ExecutionEnvironment, spec: FunctionSpec,
                      request: InvokeRequest, init_ms: float | None,
                      init_lines: list[tuple[int, str]], timeout_s: float, duration_ms: float,
                      start_ms: int | None = None) -> InvokeOutcome:
        """The environment timed out, ran out of memory or crashed: report and retire it."""
        start_ms = self._now_ms() if start_ms is None else start_ms
        max_rss_mb = env.rss_bytes() // (1024 * 1024)
        if env.killed_for is None:
            try:
                reason = await asyncio.wait_for(self.zygote.exit_reason(env.pid), 2.0)
            except TimeoutError:
                reason = "signal: killed"
        else:
            reason = "signal: killed"
        lines = env.output.drain() if env.output.closed else await env.output.next_batch(1.0)
        rid = request.request_id
        if env.killed_for == "timeout":
            payload = reports.timeout_payload(rid, timeout_s)
            extra = reports.timeout_line(rid, self.clock.now(), timeout_s)
            status = "timeout"
        else:
            oom = env.killed_for == "memory"
            payload = reports.exit_payload(rid, reason, out_of_memory=oom)
            extra = reports.exit_log_line(rid, reason, out_of_memory=oom)
            status = "error\tError Type: " + ("Runtime.OutOfMemory" if oom else "Runtime.ExitError")
            if oom:
                max_rss_mb = max(max_rss_mb, spec.memory_mb)
        self._dispose(env)
        outcome = self._finish(env, spec, request, start_ms, init_lines, lines,
                               [extra], duration_ms, max_rss_mb, init_ms, status)
        outcome.payload, outcome.function_error = payload, "Unhandled"
        return outcome

    async def _init_failed(self, env: ExecutionEnvironment, spec: FunctionSpec,
                           request: InvokeRequest, init: InitResult,
                           init_lines: list[tuple[int, str]]) -> InvokeOutcome:
        assert init.error is not None
        error = dict(init.error, requestId=request.request_id)
        self._dispose(env)
        outcome = self._finish(env, spec, request, self._now_ms(), init_lines, [], [], 0.0,
                               env.rss_bytes() // (1024 * 1024), init.init_ms,
                               "error\tError Type: " + str(error["errorType"]))
        outcome.payload = json_bytes(error)
        outcome.function_error = "Unhandled"
        return outcome

    def _finish(self, env: ExecutionEnvironment, spec: FunctionSpec, request: InvokeRequest,
                start_ms: int, init_lines: list[tuple[int, str]], lines: list[tuple[int, str]],
                extra: list[str], duration_ms: float, max_memory_mb: int,
                init_ms: float | None, status: str | None = None) -> InvokeOutcome:
        rid = request.request_id
        end_ms = self._now_ms()
        events = list(init_lines)
        events.append((start_ms, reports.start_line(rid, spec.version)))
        events.extend(lines)
        events.extend((end_ms, text) for text in extra)
        events.append((end_ms, reports.end_line(rid)))
        events.append((end_ms, reports.report_line(
            rid, duration_ms=duration_ms, memory_mb=spec.memory_mb,
            max_memory_mb=max_memory_mb, init_ms=init_ms, status=status,
        )))
        try:
            self.log_sink(spec.log_group_name, env.log_stream_name, events)
        except Exception:  # logging must never fail an invoke
            log.exception("could not queue the logs of %s", spec.function_name)
        return InvokeOutcome(b"", None, events, env.log_stream_name,
                             cold_start=init_ms is not None)

    def _release(self, env: ExecutionEnvironment, spec: FunctionSpec) -> None:
        pool = self._pools.get(spec.pool_key)
        if pool is None or env.dead or env.revision != pool.revision:
            self._dispose(env)
            return
        env.last_used_s = self.clock.monotonic()
        if self.freeze_idle:
            loop = asyncio.get_running_loop()
            self._unfrozen[env] = loop.time()
            if self._freezer is None:
                self._freezer = loop.call_later(self.freeze_after_s, self._freeze_idle)
        pool.idle.append(env)

    def _freeze_idle(self) -> None:
        """Freeze the environments idle for ``freeze_after_s``; come back for the others."""
        self._freezer = None
        loop = asyncio.get_running_loop()
        cutoff = loop.time() - self.freeze_after_s
        for env, since in list(self._unfrozen.items()):
            if since <= cutoff:
                del self._unfrozen[env]
                if not env.dead:
                    env.freeze()
        if self._unfrozen:
            due = min(self._unfrozen.values()) + self.freeze_after_s
            self._freezer = loop.call_at(due, self._freeze_idle)

    def _dispose(self, env: ExecutionEnvironment) -> None:
        self._unfrozen.pop(env, None)
        if self.zygote.exit_reason(env.pid).done():
            env.dead = True  # already gone and reaped: its pid may belong to someone else now
        if not env.dead:
            env.kill()
        task = asyncio.create_task(self._cleanup(env))
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    async def _cleanup(self, env: ExecutionEnvironment) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.zygote.exit_reason(env.pid)), 5.0)
        env.close()
        self.zygote.forget(env.pid)
        await asyncio.to_thread(shutil.rmtree, env.tmp_dir, True)

    def _now_ms(self) -> int:
        return int(self.clock.now() * 1000)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()

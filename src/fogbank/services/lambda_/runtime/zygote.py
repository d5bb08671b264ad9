"""fogbank's handle on the zygote process that forks execution environments."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fogbank.services.lambda_.runtime.spec import RUNTIME_DIR

log = logging.getLogger("fogbank.lambda.zygote")

BOOTSTRAP = RUNTIME_DIR / "bootstrap.py"


class ZygoteError(Exception):
    """The zygote could not start or fork an environment."""


@dataclass
class Launched:
    """A zygote process started ahead of its ``Zygote`` (see ``launch``)."""

    process: subprocess.Popen[bytes]
    sock: socket.socket

    def discard(self) -> None:
        """Close the channel: the zygote then exits by itself."""
        self.sock.close()


def launch(pycache_dir: Path | None) -> Launched:
    """Start ``bootstrap.py zygote`` now, without an event loop: ``fogbank up`` does this
    first thing so the zygote imports boto3 while the cloud starts, and hands the process
    to the Lambda provider (``Zygote.adopt``)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    if pycache_dir is not None:
        env["FOGBANK_PYCACHE_PREFIX"] = str(pycache_dir.resolve())
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", str(BOOTSTRAP), "zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, start_new_session=True,
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    ours.setblocking(False)
    return Launched(process, ours)


def pycache_dir_for(lambda_state_dir: Path) -> Path:
    """Where the Lambda provider whose state is in ``lambda_state_dir`` keeps environments'
    bytecode (the zygote's ``FOGBANK_PYCACHE_PREFIX``, made absolute by ``launch``:
    environments run in their code's directory)."""
    return lambda_state_dir / "runtime" / "pycache"


@dataclass
class Spawned:
    """A freshly forked environment: its pid, control socket and output pipe."""

    pid: int
    ctrl: socket.socket
    output_fd: int


class Zygote:
    """Starts ``bootstrap.py zygote`` and turns spawn requests into environments."""

    def __init__(self, *, pycache_dir: Path | None = None, start_timeout_s: float = 60.0,
                 spawn_timeout_s: float = 30.0) -> None:
        self.pycache_dir = pycache_dir
        self.start_timeout_s = start_timeout_s
        self.spawn_timeout_s = spawn_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._ready: asyncio.Future[None] | None = None
        self._spawns: dict[int, asyncio.Future[Spawned]] = {}
        self._exits: dict[int, asyncio.Future[str]] = {}
        self._next_token = 0
        self._starting: asyncio.Lock | None = None
        # One sender at a time: concurrent sock_sendall calls on one non-blocking socket
        # replace each other's writer callback when the buffer is full, losing requests.
        self._sending: asyncio.Lock | None = None
        self._adopted: Launched | None = None

    @property
    def alive(self) -> bool:
        return self._sock is not None and self._process is not None and self._process.poll() is None

    async def start(self) -> None:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self.alive:
                return
            await self._launch()

    def adopt(self, launched: Launched) -> None:
        """Use a process started by ``launch`` instead of starting one (at the next start)."""
        if self._adopted is not None:
            self._adopted.discard()
        self._adopted = launched

    async def _launch(self) -> None:
        loop = asyncio.get_running_loop()
        launched, self._adopted = self._adopted, None
        if launched is None or launched.process.poll() is not None:
            if launched is not None:
                launched.discard()
            launched = launch(self.pycache_dir)
        self._process = launched.process
        self._sock = ours = launched.sock
        self._ready = loop.create_future()
        loop.add_reader(ours.fileno(), self._on_readable)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), self.start_timeout_s)
        except (TimeoutError, ZygoteError) as exc:
            await self.stop()
            raise ZygoteError(f"the Lambda runtime zygote did not start: {exc}") from exc

    async def spawn(self, spec: dict[str, Any]) -> Spawned:
        """Fork an environment; raises ZygoteError if that takes over ``spawn_timeout_s``
        (queueing behind other spawns included) or the zygote goes away."""
        try:
            return await asyncio.wait_for(self._spawn(spec), self.spawn_timeout_s)
        except TimeoutError as exc:
            raise ZygoteError(
                f"the Lambda runtime zygote did not start an environment within"
                f" {self.spawn_timeout_s:g} s"
            ) from exc

    async def _spawn(self, spec: dict[str, Any]) -> Spawned:
        if not self.alive:
            await self.start()
        if self._sending is None:
            self._sending = asyncio.Lock()
        self._next_token += 1
        token = self._next_token
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Spawned] = loop.create_future()
        self._spawns[token] = future
        message = json.dumps({"token": token, "spec": spec}).encode()
        try:
            async with self._sending:
                if self._sock is None:
                    raise ZygoteError("the Lambda runtime zygote stopped")
                await loop.sock_sendall(self._sock, message)
            return await future
        except OSError as exc:
            raise ZygoteError(f"cannot reach the Lambda runtime zygote: {exc}") from exc
        finally:
            # Answered, failed or abandoned (timeout, cancel): a late "spawned" reply for the
            # token then finds no future and closes the environment's channels, which ends it.
            self._spawns.pop(token, None)

    def exit_reason(self, pid: int) -> asyncio.Future[str]:
        """Resolves with ``exit status N`` / ``signal: killed`` once the environment ended."""
        future = self._exits.get(pid)
        if future is None:
            future = self._exits[pid] = asyncio.get_running_loop().create_future()
        return future

    def forget(self, pid: int) -> None:
        self._exits.pop(pid, None)

    def _on_readable(self) -> None:
        assert self._sock is not None
        while True:
            try:
                message, fds, _flags, _addr = socket.recv_fds(self._sock, 1 << 16, 2)
            except BlockingIOError:
                return
            except OSError:
                message, fds = b"", []
            if not message:
                self._lost()
                return
            self._handle(json.loads(message), fds)

    def _handle(self, message: dict[str, Any], fds: list[int]) -> None:
        op = message.get("op")
        if op == "ready" and self._ready is not None and not self._ready.done():
            self._ready.set_result(None)
        elif op == "spawned":
            future = self._spawns.pop(message["token"], None)
            ctrl = socket.socket(fileno=fds[0])
            spawned = Spawned(message["pid"], ctrl, fds[1])
            if future is None or future.done():
                ctrl.close()
                os.close(fds[1])
            else:
                self.exit_reason(spawned.pid)
                future.set_result(spawned)
        elif op == "spawn_failed":
            future = self._spawns.pop(message["token"], None)
            if future is not None and not future.done():
                future.set_exception(ZygoteError(message.get("error", "fork failed")))
        elif op == "exit":
            exit_future = self.exit_reason(message["pid"])
            if not exit_future.done():
                exit_future.set_result(message["reason"])
        for fd in fds if op != "spawned" else ():
            os.close(fd)

    def _lost(self) -> None:
        log.warning("the Lambda runtime zygote exited; it is restarted on the next cold start")
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None
        error = ZygoteError("the Lambda runtime zygote exited")
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(error)
        for future in self._spawns.values():
            if not future.done():
                future.set_exception(error)
        self._spawns.clear()
        for exit_future in self._exits.values():
            if not exit_future.done():
                exit_future.set_result("signal: killed")

    async def stop(self) -> None:
        """Close the channel (the zygote then kills its environments and exits); pending
        spawns fail with ZygoteError."""
        if self._adopted is not None:  # started early but never used
            self._adopted.discard()
            self._adopted = None
        error = ZygoteError("the Lambda runtime zygote stopped")
        for future in self._spawns.values():
            if not future.done():
                future.set_exception(error)
        self._spawns.clear()
        if self._sock is not None:
            try:
                asyncio.get_running_loop().remove_reader(self._sock.fileno())
            finally:
                self._sock.close()
                self._sock = None
        process, self._process = self._process, None
        if process is not None:
            try:
                await asyncio.wait_for(asyncio.to_thread(process.wait), 5)
            except TimeoutError:
                process.kill()
                await asyncio.to_thread(process.wait)
        for exit_future in self._exits.values():  # its environments died with it
            if not exit_future.done():
                exit_future.set_result("signal: killed")

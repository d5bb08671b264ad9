"""Run a cloud on the network: bind sockets, start the cloud, serve edge and API front."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn

from fogbank.cloud import Cloud
from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig, default_region
from fogbank.server.edge import EdgeApp
from fogbank.server.front import ApiFrontApp

log = logging.getLogger("fogbank.server")

# How long requests in flight may take to finish once a stop was asked for.
GRACEFUL_SHUTDOWN_S = 3
SERVER_START_TIMEOUT_S = 30


def _http_protocol() -> Any:
    """uvicorn's httptools protocol writing each answer at once, when httptools is there."""
    try:
        from fogbank.server.http_protocol import CoalescingHttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools comes with uvicorn[standard]
        return "auto"
    return CoalescingHttpToolsProtocol


class PortInUse(Exception):
    """A port the user asked for is taken."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"port {port} on {host} is already in use")
        self.host = host
        self.port = port


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to its owner."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it Nagle's algorithm meets delayed ACKs (~40 ms per keep-alive
    # request). NODELAY on the listener is inherited by accepted sockets on Linux, too.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortInUse(host, port) from exc
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class CloudServer:
    """A ``Cloud`` served on an edge port and an API-front port (0 = any free port)."""

    def __init__(self, state_dir: Path, *, host: str = "127.0.0.1", edge_port: int = 4566,
                 api_port: int = 3000, region: str | None = None,
                 clock: Clock | None = None) -> None:
        self._edge_socket = bind(host, edge_port)
        try:
            self._api_socket = bind(host, api_port)
        except PortInUse:
            self._edge_socket.close()
            raise
        self.config = CloudConfig(
            state_dir=state_dir,
            region=region or default_region(),
            host=host,
            edge_port=self._edge_socket.getsockname()[1],
            api_port=self._api_socket.getsockname()[1],
        )
        self.cloud = Cloud(self.config, clock=clock)
        self._servers: list[_QuietServer] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False

    async def start(self) -> None:
        await self.cloud.start()
        apps: list[tuple[Any, socket.socket]] = [
            (EdgeApp(self.cloud), self._edge_socket),
            (ApiFrontApp(self.cloud), self._api_socket),
        ]
        for app, sock in apps:
            config = uvicorn.Config(
                app, lifespan="off", access_log=False, log_level="warning",
                http=_http_protocol(), ws="none", loop="none", timeout_keep_alive=75,
                server_header=False,
                proxy_headers=False, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            )
            server = _QuietServer(config)
            self._servers.append(server)
            self._tasks.append(asyncio.create_task(server.serve(sockets=[sock])))
        deadline = asyncio.get_running_loop().time() + SERVER_START_TIMEOUT_S
        while not all(server.started for server in self._servers):
            for task in self._tasks:
                if task.done():
                    task.result()  # re-raise a startup failure
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError("the HTTP servers did not start")
            await asyncio.sleep(0.002)

    async def stop(self) -> None:
        """Stop accepting, let requests in flight finish for a grace period, then stop the
        cloud (which ends invokes still running) and the servers."""
        if self._stopped:
            return
        self._stopped = True
        for server in self._servers:
            server.should_exit = True
        pending: set[asyncio.Task[None]] = set(self._tasks)
        if pending:
            _, pending = await asyncio.wait(pending, timeout=GRACEFUL_SHUTDOWN_S)
        await self.cloud.stop()
        if pending:
            _, pending = await asyncio.wait(pending, timeout=GRACEFUL_SHUTDOWN_S)
            for task in pending:
                task.cancel()
        for sock in (self._edge_socket, self._api_socket):
            with contextlib.suppress(OSError):
                sock.close()

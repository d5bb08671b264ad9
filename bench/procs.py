"""Server processes of the bench: start with output to a file, measure a tree's RSS, stop by PID.

Every process the harness starts goes through :class:`ServerProcess`, so stopping is one place:
SIGTERM to the root, a grace period, then SIGKILL to the root and every descendant seen, each by
its own PID (never by name or process group).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.load import BenchError

STOP_GRACE_S = 5.0
ORPHAN_GRACE_S = 2.0
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def free_port() -> int:
    """A loopback TCP port that is free right now (bound to 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[1])


def descendants(root_pid: int) -> list[int]:
    """Every live process below ``root_pid`` (children, grandchildren, …), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    pending = [root_pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def rss_kb(pid: int) -> int:
    """Resident set size of one process in KiB (0 if it is gone)."""
    try:
        resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return resident_pages * _PAGE_KB


def tree_rss_mb(root_pid: int) -> tuple[float, int]:
    """(RSS of ``root_pid`` and all its descendants in MiB, number of processes)."""
    pids = [root_pid, *descendants(root_pid)]
    return sum(rss_kb(pid) for pid in pids) / 1024, len(pids)


class ServerProcess:
    """One server the harness started: its PID, its log file, and a stop that always works."""

    def __init__(self, argv: Sequence[str], log_path: Path, env: Mapping[str, str],
                 cwd: Path) -> None:
        self.log_path = log_path
        self.started_at = time.perf_counter()
        with log_path.open("wb") as log:
            # A log file, not a pipe: a server streaming logs under load must never block on us.
            self._popen = subprocess.Popen(
                list(argv), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=dict(env), cwd=cwd, start_new_session=True)
        self.pid = self._popen.pid

    def exit_code(self) -> int | None:
        return self._popen.poll()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM the root, wait up to STOP_GRACE_S, then SIGKILL whatever of the tree is left."""
        tree = descendants(self.pid) if self.exit_code() is None else []
        if self.exit_code() is None:
            _signal(self.pid, signal.SIGTERM)
            try:
                self._popen.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                _signal(self.pid, signal.SIGKILL)
                self._popen.wait(timeout=STOP_GRACE_S)
        # Whatever the server left running is orphaned now: TERM, a short grace, then KILL.
        for signum in (signal.SIGTERM, signal.SIGKILL):
            left = [pid for pid in tree if _alive(pid)]
            for pid in left:
                _signal(pid, signum)
            deadline = time.monotonic() + ORPHAN_GRACE_S
            while any(_alive(pid) for pid in left) and time.monotonic() < deadline:
                time.sleep(0.02)


def _alive(pid: int) -> bool:
    state = Path(f"/proc/{pid}/stat")
    try:
        return ") Z " not in state.read_text()
    except OSError:
        return False


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


class ManagedServer:
    """A server under test that the harness started as one :class:`ServerProcess`."""

    name = "?"

    def __init__(self) -> None:
        self.process: ServerProcess | None = None
        self.details: dict[str, Any] = {}

    def check_alive(self) -> None:
        if self.process is not None and self.process.exit_code() is not None:
            raise BenchError(f"{self.name} exited with code {self.process.exit_code()}; its log "
                             f"ends:\n{self.process.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

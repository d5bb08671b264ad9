"""Hot reload without a directory walk per invoke: the state of a code directory (its
``fingerprint``) is recomputed only after the kernel reported a change below it.

On Linux, ``inotify`` watches every directory the fingerprint scan visits (added before the
directory is listed, so an edit during a scan is seen by the next look). Each look is one
non-blocking read of the inotify descriptor: an edit that finished before an invoke was
asked for is always seen by that invoke, as with a full scan. Where inotify is missing or
its watch limit is reached, that directory is scanned on every look, as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
import sys
from collections.abc import Callable

# <sys/inotify.h>
IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_ONLYDIR = 0x01000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
WATCH_MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
              | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
EVENT = struct.Struct("iIII")  # wd, mask, cookie, name length


class _Inotify:
    """The few libc calls needed, or ``None`` from ``open`` where there is no inotify."""

    def __init__(self, libc: ctypes.CDLL, fd: int) -> None:
        self._libc = libc
        self.fd = fd

    @classmethod
    def open(cls) -> _Inotify | None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        except (OSError, AttributeError):
            return None
        return cls(libc, fd) if fd >= 0 else None

    def add_watch(self, path: str) -> int:
        """The watch descriptor, or -1 (the limit is reached, the directory went away...)."""
        return int(self._libc.inotify_add_watch(self.fd, os.fsencode(path), WATCH_MASK))

    def read_events(self) -> list[int] | None:
        """Watch descriptors with events since the last read; ``None`` after a queue
        overflow (anything may have changed)."""
        descriptors: list[int] = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return descriptors
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                return None
            offset = 0
            while offset + EVENT.size <= len(data):
                wd, mask, _, name_len = EVENT.unpack_from(data, offset)
                if mask & IN_Q_OVERFLOW:
                    return None
                descriptors.append(wd)
                offset += EVENT.size + name_len

    def close(self) -> None:
        os.close(self.fd)


class CodeWatcher:
    """``state(directory)`` is ``fingerprint(directory)``, recomputed only when something
    below the directory changed since the last call."""

    def __init__(self, fingerprint: Callable[[str, Callable[[str], None] | None], int]) -> None:
        self._fingerprint = fingerprint
        self._inotify: _Inotify | None = None
        self._opened = False
        self._states: dict[str, int] = {}  # directory → fingerprint, while it is watched
        self._roots: dict[int, set[str]] = {}  # watch descriptor → directories it is below
        self._unwatched: set[str] = set()  # directories scanned on every look

    def state(self, directory: str) -> int:
        inotify = self._open()
        if inotify is not None:
            changed = inotify.read_events()
            if changed is None:
                self._states.clear()
            else:
                for wd in changed:
                    for root in self._roots.get(wd, ()):
                        self._states.pop(root, None)
        known = self._states.get(directory)
        if known is not None:
            return known
        if inotify is None or directory in self._unwatched:
            return self._fingerprint(directory, None)
        complete = True

        def watch(path: str) -> None:
            nonlocal complete
            wd = inotify.add_watch(path)
            if wd < 0:
                complete = False
            else:
                self._roots.setdefault(wd, set()).add(directory)

        state = self._fingerprint(directory, watch)
        if complete:
            self._states[directory] = state
        else:  # e.g. the inotify watch limit: fall back to a scan on every look
            self._unwatched.add(directory)
        return state

    def close(self) -> None:
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None
        self._opened = False
        self._states.clear()
        self._roots.clear()
        self._unwatched.clear()

    def _open(self) -> _Inotify | None:
        if not self._opened:
            self._opened = True
            self._inotify = _Inotify.open()
        return self._inotify


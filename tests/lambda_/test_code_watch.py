"""CodeWatcher: a hot-reload directory is rescanned only after something below it changed,
and every change made before a look is seen by that look."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fogbank.services.lambda_ import code_watch
from fogbank.services.lambda_.code import fingerprint
from fogbank.services.lambda_.code_watch import CodeWatcher


class CountingFingerprint:
    def __init__(self) -> None:
        self.scans = 0

    def __call__(self, directory: str, visit: Callable[[str], None] | None = None) -> int:
        self.scans += 1
        return fingerprint(directory, visit)


@pytest.fixture
def code_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 1\n")
    return tmp_path


needs_inotify = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                   reason="inotify is Linux's")


@needs_inotify
def test_unchanged_directory_is_scanned_once(code_dir: Path) -> None:
    scan = CountingFingerprint()
    watcher = CodeWatcher(scan)
    first = watcher.state(str(code_dir))
    assert [watcher.state(str(code_dir)) for _ in range(5)] == [first] * 5
    assert scan.scans == 1
    watcher.close()


@needs_inotify
def test_every_kind_of_edit_is_seen_by_the_next_look(code_dir: Path) -> None:
    scan = CountingFingerprint()
    watcher = CodeWatcher(scan)
    root = str(code_dir)
    states = [watcher.state(root)]
    pinned_ns = 1_700_000_000 * 10**9

    def edits() -> list[Callable[[], object]]:
        app = code_dir / "app.py"
        return [
            lambda: app.write_text("def handler(e, c):\n    return 2\n"),  # same size
            lambda: os.utime(app, ns=(pinned_ns, pinned_ns)),  # only the mtime
            lambda: (code_dir / "pkg").mkdir(),
            lambda: (code_dir / "pkg" / "mod.py").write_text("X = 1\n"),  # in a new directory
            lambda: (code_dir / "pkg" / "mod.py").write_text("X = 2\n"),
            lambda: (code_dir / "pkg" / "mod.py").rename(code_dir / "pkg" / "other.py"),
            lambda: (code_dir / "pkg" / "other.py").unlink(),
            lambda: (code_dir / "requirements.txt").write_text("requests\n"),
        ]

    for edit in edits():
        edit()
        states.append(watcher.state(root))
    # every look after an edit rescanned, and each edit but the mkdir changed the state
    assert scan.scans == 1 + len(edits())
    changed = [a != b for a, b in zip(states, states[1:], strict=False)]
    assert changed == [True, True, False, True, True, True, True, True]
    assert watcher.state(root) == states[-1] and scan.scans == 1 + len(edits())
    watcher.close()


def test_without_inotify_every_look_scans(code_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_watch._Inotify, "open", classmethod(lambda cls: None))
    scan = CountingFingerprint()
    watcher = CodeWatcher(scan)
    first = watcher.state(str(code_dir))
    (code_dir / "app.py").write_text("def handler(e, c):\n    return 3\n")
    assert watcher.state(str(code_dir)) != first
    assert scan.scans == 2


@needs_inotify
def test_a_directory_that_cannot_be_watched_is_scanned_every_time(
        code_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_watch._Inotify, "add_watch", lambda self, path: -1)  # limit hit
    scan = CountingFingerprint()
    watcher = CodeWatcher(scan)
    watcher.state(str(code_dir))
    watcher.state(str(code_dir))
    assert scan.scans == 2
    watcher.close()

"""Process-tree stop and memory reading; the result table and its ratios."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bench.procs import ServerProcess, descendants, free_port, tree_rss_mb
from bench.report import markdown_table, rows

_PARENT_WITH_CHILD = (
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print('child started', flush=True)\n"
    "time.sleep(60)\n"
)


def test_stop_ends_the_whole_tree_by_pid(tmp_path: Path) -> None:
    process = ServerProcess([sys.executable, "-c", _PARENT_WITH_CHILD], tmp_path / "log",
                            dict(os.environ), cwd=tmp_path)
    deadline = time.monotonic() + 20
    while "child started" not in process.log_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    children = descendants(process.pid)
    assert len(children) == 1
    rss_mb, count = tree_rss_mb(process.pid)
    assert count == 2 and rss_mb > 0
    process.stop()
    assert process.exit_code() is not None
    assert not Path(f"/proc/{children[0]}").exists() or \
        ") Z " in Path(f"/proc/{children[0]}/stat").read_text()


def test_free_port_is_a_usable_port_number() -> None:
    assert 0 < free_port() < 65536


def test_rows_give_ratios_and_target_verdicts() -> None:
    fog = {"peer": "fogbank", "ready_s": 0.25, "wrk": {"c16": {"requests_per_s": 6000.0}}}
    mini = {"peer": "MiniStack", "ready_s": 1.0, "wrk": {"c16": {"requests_per_s": 300.0}}}
    header, table = rows([fog, mini])
    assert header == ["metric", "fogbank", "MiniStack", "fogbank/MiniStack", "target",
                      "fogbank meets"]
    by_label = {row[0]: row for row in table}
    assert by_label["up: start → route answers"][1:] == ["0.250 s", "1.000 s", "0.25×",
                                                          "< 0.5 s", "yes"]
    assert by_label["API req/s, 16 conn"][3] == "20×"
    assert by_label["idle RSS, process tree"][1:4] == ["—", "—", "—"]
    assert markdown_table(header, table).count("\n") == len(table) + 1

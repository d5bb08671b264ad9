"""What the user points at: the template, a running ``fogbank up`` for it, ``--param``s."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fogbank.app import state_dir_for
from fogbank.cli.output import UserError
from fogbank.templates import find_template

RUN_FILE = "run.json"


def template_path(argument: str | None) -> Path:
    path = Path(argument or ".")
    if not path.exists():
        raise UserError(f"{path} does not exist; give a template file or the directory holding"
                        " template.yaml")
    try:
        return find_template(path)
    except FileNotFoundError as error:
        raise UserError(str(error)) from error


def write_run_file(state_dir: Path, info: dict[str, Any]) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / RUN_FILE
    path.write_text(json.dumps(info))
    return path


def running_instance(template: Path) -> dict[str, Any] | None:
    """The ``up`` serving this template, if one is alive and answering."""
    path = state_dir_for(template) / RUN_FILE
    try:
        info: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    pid = int(info.get("pid", 0))
    try:
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    import urllib.request

    try:
        with urllib.request.urlopen(info["edge_url"] + "/_fogbank/health", timeout=2) as reply:
            reply.read()
    except (OSError, KeyError, ValueError):
        return None
    return info


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UserError(f"--param {pair!r} is not KEY=VALUE")
        params[key] = value
    return params

"""``fogbank reset``: delete the local state of an application."""

from __future__ import annotations

import argparse
import shutil
from typing import Any

from fogbank.app import state_dir_for
from fogbank.cli.output import UserError
from fogbank.cli.paths import running_instance, template_path


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("reset", help="delete the local state (.fogbank/)")
    parser.add_argument("path", nargs="?", default=".", help="template file or its directory")


def run(args: argparse.Namespace) -> int:
    template = template_path(args.path)
    if running_instance(template):
        raise UserError("fogbank up is running for this template; stop it before reset")
    state_dir = state_dir_for(template)
    if not state_dir.exists():
        print(f"nothing to reset: {state_dir} does not exist")
        return 0
    shutil.rmtree(state_dir)
    print(f"deleted {state_dir}")
    return 0

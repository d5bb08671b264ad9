"""``fogbank validate``: report every template problem at once."""

from __future__ import annotations

import argparse
from typing import Any

from fogbank.cli.output import format_problems
from fogbank.cli.paths import parse_params, template_path
from fogbank.templates import validate


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("validate", help="check a template and list every problem")
    parser.add_argument("path", nargs="?", default=".", help="template file or its directory")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")


def run(args: argparse.Namespace) -> int:
    template = template_path(args.path)
    problems = validate(template, parse_params(args.param))
    if not problems:
        print(f"{template}: valid")
        return 0
    print(format_problems(template, problems))
    return 1

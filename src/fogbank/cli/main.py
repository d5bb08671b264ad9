"""Argument parsing and dispatch for the ``fogbank`` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from fogbank import __version__
from fogbank.cli import invoke, logs, reset, up, validate
from fogbank.cli.output import UserError, fail

Command = Callable[[argparse.Namespace], int]

COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction], None], Command]] = {  # type: ignore[type-arg]
    "up": (up.add_parser, up.run),
    "invoke": (invoke.add_parser, invoke.run),
    "validate": (validate.add_parser, validate.run),
    "logs": (logs.add_parser, logs.run),
    "reset": (reset.add_parser, reset.run),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fogbank",
        description="Run an AWS SAM / CloudFormation application on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"fogbank {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show fogbank's own logs")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parser, _ in COMMANDS.values():
        add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="fogbank %(levelname)s %(name)s: %(message)s",
    )
    _, command = COMMANDS[args.command]
    try:
        return command(args)
    except UserError as error:
        fail(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

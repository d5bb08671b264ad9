"""``fogbank logs``: print (and follow) function logs from the local state."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import TYPE_CHECKING, Any

from fogbank.app import state_dir_for
from fogbank.cli.output import UserError, colour_for, paint, use_colour
from fogbank.cli.paths import template_path
from fogbank.core.clock import Clock
from fogbank.core.config import CloudConfig
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.server import loop as event_loop

if TYPE_CHECKING:
    from fogbank.services.dispatch import Dispatcher

FOLLOW_POLL_S = 0.5


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("logs", help="show function logs")
    parser.add_argument("function", nargs="?", default=None,
                        help="function name or logical id (default: all functions)")
    parser.add_argument("--follow", "-f", action="store_true", help="keep printing new lines")
    parser.add_argument("--template", "-t", default=".", help="template file or its directory")


def run(args: argparse.Namespace) -> int:
    template = template_path(args.template)
    state_dir = state_dir_for(template)
    if not state_dir.exists():
        raise UserError(f"no local state at {state_dir}; run fogbank up first")
    return event_loop.run(_logs(state_dir, args.function, args.follow))


async def _logs(state_dir: Any, function: str | None, follow: bool) -> int:
    # Imported here: every other command would pay for them when the CLI starts.
    from fogbank.services.base import ServiceContext
    from fogbank.services.dispatch import Dispatcher
    from fogbank.services.logs.provider import LogsProvider

    config = CloudConfig(state_dir=state_dir)
    ids = Ids()
    dispatcher = Dispatcher([], region=config.region, account_id=config.account_id, ids=ids)
    dispatcher.add(LogsProvider(ServiceContext(config, Clock(), ids, dispatcher,
                                               config.service_dir("logs"))))
    colour = use_colour()
    groups = await _groups(dispatcher, function)
    if function and not groups:
        raise UserError(f"no logs for function {function}")
    since: dict[str, int] = {}
    while True:
        for group in groups:
            await _print_group(dispatcher, group, since, colour)
        if not follow:
            return 0
        await asyncio.sleep(FOLLOW_POLL_S)
        groups = await _groups(dispatcher, function)


async def _groups(dispatcher: Dispatcher, function: str | None) -> list[str]:
    prefix = "/aws/lambda/"
    result = await dispatcher.call("logs", "DescribeLogGroups", {"logGroupNamePrefix": prefix})
    names = [group["logGroupName"] for group in result.get("logGroups", [])]
    if function:
        names = [n for n in names if n[len(prefix):] == function or function in n[len(prefix):]]
    return names


async def _print_group(dispatcher: Dispatcher, group: str, since: dict[str, int],
                       colour: bool) -> None:
    label = group.rsplit("/", 1)[-1]
    params: dict[str, Any] = {"logGroupName": group}
    if group in since:
        params["startTime"] = since[group] + 1
    try:
        while True:
            result = await dispatcher.call("logs", "FilterLogEvents", params)
            for event in result.get("events", []):
                since[group] = max(since.get(group, 0), int(event["timestamp"]))
                stamp = time.strftime("%H:%M:%S", time.localtime(event["timestamp"] / 1000))
                message = str(event.get("message", "")).rstrip("\n")
                sys.stdout.write(f"{paint(label, colour_for(label), colour)} {stamp} {message}\n")
            token = result.get("nextToken")
            if not token:
                break
            params["nextToken"] = token
    except ServiceError as error:
        raise UserError(error.message) from error
    sys.stdout.flush()

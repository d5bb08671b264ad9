"""``fogbank invoke``: run one function of the template with an event.

Uses the running ``fogbank up`` when there is one (through the Lambda API on its edge);
otherwise brings the template up on free ports, invokes, and shuts down again.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

from fogbank.app import DeployError, LocalApp
from fogbank.cli.output import UserError
from fogbank.cli.paths import running_instance, template_path
from fogbank.core.errors import ServiceError
from fogbank.server import loop as event_loop
from fogbank.templates import TemplateError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("invoke", help="invoke a function of the template once")
    parser.add_argument("function", help="logical id (e.g. HelloFunction) or function name")
    parser.add_argument("--event", "-e", default=None,
                        help="JSON event file, or - for standard input (default: {})")
    parser.add_argument("--template", "-t", default=".", help="template file or its directory")


def read_event(source: str | None) -> bytes:
    if source is None:
        return b"{}"
    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as error:
            raise UserError(f"cannot read event file {source}: {error.strerror}") from error
    try:
        json.loads(raw or b"null")
    except ValueError as error:
        raise UserError(f"the event in {source} is not valid JSON: {error}") from error
    return raw


def run(args: argparse.Namespace) -> int:
    template = template_path(args.template)
    event = read_event(args.event)
    instance = running_instance(template)
    started = time.perf_counter()
    if instance:
        result = _invoke_remote(instance, args.function, event)
    else:
        result = event_loop.run(_invoke_local(template, args.function, event))
    elapsed_ms = (time.perf_counter() - started) * 1000
    return _print_result(result, elapsed_ms)


def _invoke_remote(instance: dict[str, Any], function: str, event: bytes) -> dict[str, Any]:
    import boto3
    from botocore.exceptions import ClientError

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name=instance.get("region", "us-east-1"))
    cfn = session.client("cloudformation", endpoint_url=instance["edge_url"])
    name = function
    try:
        resources = cfn.describe_stack_resources(StackName=instance["stack_name"])
        for resource in resources["StackResources"]:
            if resource["LogicalResourceId"] == function:
                name = resource["PhysicalResourceId"]
    except ClientError:
        pass
    client = session.client("lambda", endpoint_url=instance["edge_url"])
    try:
        reply = client.invoke(FunctionName=name, Payload=event, LogType="Tail")
    except ClientError as error:
        raise UserError(error.response["Error"].get("Message", str(error))) from error
    result: dict[str, Any] = dict(reply)
    result["Payload"] = reply["Payload"].read()
    return result


async def _invoke_local(template: Path, function: str, event: bytes) -> dict[str, Any]:
    app = LocalApp(template, edge_port=0, api_port=0)
    try:
        stack = await app.start()
    except (TemplateError, DeployError) as error:
        raise UserError(str(error)) from error
    try:
        functions = stack.functions()
        name = functions.get(function, function)
        try:
            return await app.call("lambda", "Invoke",
                                  {"FunctionName": name, "Payload": event, "LogType": "Tail"})
        except ServiceError as error:
            known = ", ".join(sorted(functions)) or "none"
            raise UserError(f"{error.message} (functions of the template: {known})") from error
    finally:
        await app.stop()


def _print_result(result: dict[str, Any], elapsed_ms: float) -> int:
    log_tail = result.get("LogResult")
    if log_tail:
        text = base64.b64decode(log_tail).decode("utf-8", "replace")
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
    payload = result.get("Payload") or b""
    try:
        shown = json.dumps(json.loads(payload), indent=2)
    except ValueError:
        shown = payload.decode("utf-8", "replace")
    print(shown)
    error = result.get("FunctionError")
    status = f"function error ({error})" if error else "ok"
    print(f"— {status}, status {result.get('StatusCode')}, {elapsed_ms:.1f} ms", file=sys.stderr)
    return 1 if error else 0

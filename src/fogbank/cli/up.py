"""``fogbank up``: start the local cloud, deploy the template, stream function logs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from fogbank.app import DeployedStack, DeployError, LocalApp, state_dir_for
from fogbank.cli.output import (
    UserError,
    colour_for,
    format_problems,
    paint,
    table,
    use_colour,
)
from fogbank.cli.paths import (
    RUN_FILE,
    parse_params,
    running_instance,
    template_path,
    write_run_file,
)
from fogbank.core.config import DEFAULT_API_PORT, DEFAULT_EDGE_PORT
from fogbank.core.errors import ServiceError
from fogbank.server import loop as event_loop
from fogbank.services.lambda_.runtime import zygote
from fogbank.templates import TemplateError, validate
from fogbank.templates.cache import TemplateCache

TEMPLATE_POLL_S = 1.0


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("up", help="run the application locally")
    parser.add_argument("path", nargs="?", default=".", help="template file or its directory")
    parser.add_argument("--port-edge", type=int, default=DEFAULT_EDGE_PORT,
                        help="port of the AWS APIs (default 4566)")
    parser.add_argument("--port-api", type=int, default=DEFAULT_API_PORT,
                        help="port of the application's HTTP APIs (default 3000)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; anything else exposes the cloud)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="template parameter override (repeatable)")
    parser.add_argument("--no-watch", action="store_true",
                        help="do not redeploy when the template file changes")


def run(args: argparse.Namespace) -> int:
    template = template_path(args.path)
    if running_instance(template):
        raise UserError(f"fogbank up is already running for {template}; stop it first")
    params = parse_params(args.param)
    # The Lambda zygote (it imports boto3) and the SAM transform start first, in processes of
    # their own, while this one imports and starts the cloud.
    runtime = zygote.launch(zygote.pycache_dir_for(state_dir_for(template) / "lambda"))
    cache = TemplateCache(state_dir_for(template), template, params)
    cache.prefetch()
    from fogbank.server.runner import PortInUse

    try:
        return event_loop.run(_up(template, params, args, cache, runtime))
    except PortInUse as error:
        flag = "--port-edge" if error.port == args.port_edge else "--port-api"
        raise UserError(f"{error}; is another fogbank up running? choose another with {flag}")\
            from error


async def _up(template: Path, params: dict[str, str], args: argparse.Namespace,
              cache: TemplateCache, runtime: zygote.Launched) -> int:
    colour = use_colour()
    started = time.perf_counter()
    try:
        app = LocalApp(template, parameters=params, host=args.host, edge_port=args.port_edge,
                       api_port=args.port_api, template_cache=cache, lambda_runtime=runtime)
    except BaseException:
        cache.cancel_prefetch()
        runtime.discard()
        raise
    try:
        stack = await app.start()
    except TemplateError as error:
        # Report every problem at once, as `fogbank validate` does, not just the first stage's.
        problems = validate(template, params) or list(error.problems)
        raise UserError("the template cannot be deployed:\n"
                        + format_problems(template, problems)) from error
    except DeployError as error:
        raise UserError(str(error)) from error
    ready_ms = (time.perf_counter() - started) * 1000
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():  # a second Ctrl-C: stop waiting for anything
            print("\nforced stop", file=sys.stderr, flush=True)
            os._exit(130)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    run_file = write_run_file(app.state_dir, {
        "pid": os.getpid(), "edge_url": app.edge_url, "api_url": app.api_url,
        "template": str(template), "stack_name": app.stack_name,
    })
    try:
        ok = await _report(app, stack, colour)
        print(f"\nfogbank is up in {ready_ms:.0f} ms — AWS APIs: {app.edge_url}  "
              f"HTTP APIs: {app.api_url}  (Ctrl-C to stop)", flush=True)
        if not ok:
            print("The stack did not deploy; fix the template and save it to retry.", flush=True)
        unsubscribe = _stream_logs(app, colour)
        watcher = None if args.no_watch else asyncio.create_task(_watch(app, template, colour))
        await stop.wait()
        if watcher:
            watcher.cancel()
        unsubscribe()
        print("\nstopping…", flush=True)
    finally:
        with contextlib.suppress(OSError):
            if run_file.exists() and run_file.name == RUN_FILE:
                run_file.unlink()
        await app.stop()
    return 0


async def _report(app: LocalApp, stack: DeployedStack, colour: bool) -> bool:
    print(f"Stack {stack.stack_name}: {stack.status}")
    if stack.status.endswith("ROLLBACK_COMPLETE") or stack.status.endswith("FAILED"):
        for reason in await app.failure_reasons():
            print(paint(f"  ✗ {reason}", "91", colour))
        return False
    urls = _api_urls(app)
    websites = await _website_urls(app, stack)
    rows = []
    for resource in stack.resources:
        logical = resource["LogicalResourceId"]
        physical = resource.get("PhysicalResourceId", "")
        rows.append([logical, resource["ResourceType"], physical,
                     websites.get(logical) or urls.get(physical, "")])
    print(table(["Logical id", "Type", "Physical name / ARN", "URL"], rows))
    for warning in stack.warnings:
        print(paint(f"warning: {warning}", "33", colour))
    front = app.cloud.api_front
    if front is not None:
        routes = front.route_summary()
        if routes:
            print("\nHTTP API routes:")
            for route in routes:
                print(f"  {route['method']:<7} {app.api_url}{route['path']}")
    if stack.outputs:
        print("\nOutputs:")
        for key, value in stack.outputs.items():
            print(f"  {key} = {value}")
    return True


def _api_urls(app: LocalApp) -> dict[str, str]:
    """API id → its URL on the edge (``/_aws/execute-api/{id}/{stage}``)."""
    urls: dict[str, str] = {}
    front = app.cloud.api_front
    if front is None:
        return urls
    for route in front.route_summary():
        api_id = route.get("api_id")
        if api_id and api_id not in urls:
            stage = route.get("stage") or ""
            urls[api_id] = f"{app.edge_url}/_aws/execute-api/{api_id}/{stage}".rstrip("/")
    return urls


async def _website_urls(app: LocalApp, stack: DeployedStack) -> dict[str, str]:
    """Logical id → the bucket's static website on the edge, for buckets with website hosting.

    The edge serves S3 website endpoints by host (``{bucket}.s3-website.localhost:{port}``);
    browsers resolve any ``*.localhost`` name to the loopback address."""
    urls: dict[str, str] = {}
    port = app.server.config.edge_port
    for resource in stack.resources:
        bucket = resource.get("PhysicalResourceId")
        if resource.get("ResourceType") != "AWS::S3::Bucket" or not bucket:
            continue
        try:
            await app.call("s3", "GetBucketWebsite", {"Bucket": bucket})
        except ServiceError:  # no website configuration (or no bucket any more)
            continue
        urls[resource["LogicalResourceId"]] = f"http://{bucket}.s3-website.localhost:{port}/"
    return urls


def _stream_logs(app: LocalApp, colour: bool) -> Any:
    logs = app.cloud.provider("logs")
    names = {physical: logical for logical, physical in
             (app.stack.functions().items() if app.stack else [])}

    request_ids: dict[str, str] = {}  # log stream (one per environment) → current request

    def show(group: str, stream: str, events: list[dict[str, Any]]) -> None:
        if not group.startswith("/aws/lambda/"):
            return
        physical = group[len("/aws/lambda/"):]
        label = names.get(physical, physical)
        name = paint(label, colour_for(label), colour)
        out: list[str] = []
        current = request_ids.get(stream, "-")
        prefix = f"{name} {paint(current[:8], '2', colour)} "
        for event in events:
            message = str(event.get("message", "")).rstrip("\n")
            if message.startswith("START RequestId: "):
                current = request_ids[stream] = message.split()[2]
                prefix = f"{name} {paint(current[:8], '2', colour)} "
            if "\n" in message:
                out.extend(f"{prefix}{line}\n" for line in message.split("\n"))
            else:
                out.append(f"{prefix}{message}\n")
        sys.stdout.write("".join(out))
        sys.stdout.flush()

    subscribe = getattr(logs, "subscribe", None)
    return subscribe(show) if subscribe else (lambda: None)


async def _watch(app: LocalApp, template: Path, colour: bool) -> None:
    """Redeploy (a stack update) whenever the template file is saved."""
    last = _mtime(template)
    while True:
        await asyncio.sleep(TEMPLATE_POLL_S)
        current = _mtime(template)
        if current == last:
            continue
        last = current
        print(paint(f"{template.name} changed — updating the stack…", "33", colour), flush=True)
        try:
            stack = await app.deploy()
        except (TemplateError, DeployError) as error:
            print(paint(f"update failed: {error}", "91", colour), flush=True)
            continue
        await _report(app, stack, colour)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

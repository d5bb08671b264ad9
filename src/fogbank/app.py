"""A template running in a local cloud: what ``fogbank up``, ``fogbank invoke`` and the
pytest plugin share.

``LocalApp.start()`` binds the ports, starts the cloud, loads the template (YAML tags, SAM
transform, local code mapped — ``fogbank.templates``) and deploys it as a stack through the
CloudFormation API, exactly as a client of the edge would; ``deploy()`` again applies an
edited template as a stack update (a diff of resources).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fogbank.core.clock import Clock
from fogbank.core.config import STATE_DIR_NAME
from fogbank.core.errors import ServiceError
from fogbank.templates.cache import TemplateCache, processed_body
from fogbank.templates.loader import find_template

if TYPE_CHECKING:
    from fogbank.services.lambda_.runtime.zygote import Launched

TERMINAL_FAILURES = {"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED",
                     "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED",
                     "UPDATE_FAILED"}


# Stack states from which only a delete leads on (UpdateStack refuses them).
UNUSABLE = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED"}


# Longest pause between two looks at a stack being deployed.
POLL_MAX_S = 0.01


class DeployError(Exception):
    """The template could not be deployed; ``str()`` is a sentence for the user."""


@dataclass
class DeployedStack:
    stack_name: str
    status: str
    reason: str
    resources: list[dict[str, Any]]
    outputs: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    def physical_id(self, logical_id: str) -> str | None:
        for resource in self.resources:
            if resource["LogicalResourceId"] == logical_id:
                return str(resource.get("PhysicalResourceId") or "") or None
        return None

    def functions(self) -> dict[str, str]:
        """Logical id → physical function name, for every Lambda function of the stack."""
        return {
            r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in self.resources if r["ResourceType"] == "AWS::Lambda::Function"
        }


def stack_name_for(template_path: Path) -> str:
    """A valid stack name from the application's directory name (``examples/hello`` → hello)."""
    base = template_path.parent.name if template_path.is_file() else template_path.name
    name = re.sub(r"[^A-Za-z0-9-]+", "-", base).strip("-") or "app"
    if not name[0].isalpha():
        name = "app-" + name
    return name[:128]


def state_dir_for(template_path: Path) -> Path:
    directory = template_path.parent if template_path.is_file() else template_path
    return directory / STATE_DIR_NAME


class LocalApp:
    """One SAM/CloudFormation application deployed into its own local cloud."""

    def __init__(self, path: Path, *, state_dir: Path | None = None,
                 parameters: dict[str, str] | None = None, host: str = "127.0.0.1",
                 edge_port: int = 4566, api_port: int = 3000, stack_name: str | None = None,
                 region: str | None = None, clock: Clock | None = None,
                 template_cache: TemplateCache | None = None,
                 lambda_runtime: Launched | None = None) -> None:
        # Imported here so that what only needs paths (the CLI) does not import the cloud.
        from fogbank.server.runner import CloudServer

        self.template_path = find_template(Path(path))
        self.parameters = dict(parameters or {})
        self.state_dir = state_dir or state_dir_for(self.template_path)
        self.stack_name = stack_name or stack_name_for(self.template_path.parent)
        self.template_cache = template_cache or TemplateCache(
            self.state_dir, self.template_path, self.parameters)
        self.server = CloudServer(self.state_dir, host=host, edge_port=edge_port,
                                  api_port=api_port, region=region, clock=clock)
        self.cloud = self.server.cloud
        if lambda_runtime is not None:  # a zygote ``fogbank up`` started before the cloud
            self.cloud.provider("lambda").adopt_runtime(lambda_runtime)
        self.stack: DeployedStack | None = None

    @property
    def edge_url(self) -> str:
        return self.server.config.edge_url

    @property
    def api_url(self) -> str:
        return self.server.config.api_url

    async def start(self) -> DeployedStack:
        await self.server.start()
        try:
            return await self.deploy()
        except BaseException:
            await self.server.stop()
            raise

    async def stop(self) -> None:
        self.template_cache.cancel_prefetch()
        await self.server.stop()

    async def call(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return await self.cloud.dispatcher.call(service, operation, params)

    async def deploy(self) -> DeployedStack:
        """Create the stack, or update it to the template as it is now on disk."""
        body = await self._processed_template_body()
        params = {
            "StackName": self.stack_name,
            "TemplateBody": body,
            "Parameters": [
                {"ParameterKey": key, "ParameterValue": value}
                for key, value in self.parameters.items()
            ],
            "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        }
        existing = await self._describe()
        if existing and existing["StackStatus"] in UNUSABLE:
            # A stack that never got created (or half deleted, e.g. `up` was killed during
            # its first deployment) cannot be updated: delete it and create it afresh.
            await self.call("cloudformation", "DeleteStack", {"StackName": self.stack_name})
            await self._wait()
            existing = await self._describe()
            if existing and existing["StackStatus"] in UNUSABLE:
                raise DeployError(
                    f"stack {self.stack_name} is {existing['StackStatus']} and could not be"
                    " deleted; run `fogbank reset` to start from scratch")
            existing = None
        if existing and existing["StackStatus"] == "UPDATE_ROLLBACK_FAILED":
            # e.g. a previous `up` was stopped mid-update: finish the rollback, as AWS asks.
            await self.call("cloudformation", "ContinueUpdateRollback",
                            {"StackName": self.stack_name})
            await self._wait()
        try:
            if existing:
                await self.call("cloudformation", "UpdateStack", params)
            else:
                await self.call("cloudformation", "CreateStack", params)
        except ServiceError as error:
            if "No updates are to be performed" not in error.message:
                raise DeployError(
                    f"CloudFormation refused the template: {error.message}") from error
        stack = await self._wait()
        self.stack = stack
        return stack

    async def _processed_template_body(self) -> str:
        """The plain-CloudFormation form of the template, cached by content (the SAM
        transform costs ~0.4 s): reused when the application is unchanged, or made by the
        prefetch ``fogbank up`` started before the cloud (``TemplateCache.prefetch``)."""
        cache = self.template_cache
        await cache.wait_for_prefetch()
        body = cache.read()
        if body is None:
            body = processed_body(self.template_path, self.parameters)
            cache.write(body)
        return body

    async def _describe(self) -> dict[str, Any] | None:
        try:
            result = await self.call("cloudformation", "DescribeStacks",
                                     {"StackName": self.stack_name})
        except ServiceError:
            return None
        stacks = result.get("Stacks") or []
        return stacks[0] if stacks else None

    async def _wait(self, timeout_s: float = 600.0) -> DeployedStack:
        delay = 0.002
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            stack = await self._describe()
            status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
            if not status.endswith("_IN_PROGRESS"):
                break
            if loop.time() > deadline:
                raise DeployError(
                    f"stack {self.stack_name} is still {status} after {timeout_s:.0f} s")
            await asyncio.sleep(delay)
            # Polling in process costs ~0.1 ms; a long backoff would only add to ready time.
            delay = min(delay * 2, POLL_MAX_S)
        if stack is None:
            return DeployedStack(self.stack_name, status, "", [], {})
        resources = (await self.call("cloudformation", "DescribeStackResources",
                                     {"StackName": self.stack_name})).get("StackResources", [])
        outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs") or []}
        warnings = await self._warnings()
        return DeployedStack(self.stack_name, status, stack.get("StackStatusReason", ""),
                             resources, outputs, warnings)

    async def _warnings(self) -> list[str]:
        provider = self.cloud.provider("cloudformation")
        unsupported = getattr(provider, "unsupported_types", None)
        if unsupported is None:
            return []
        types = list(unsupported(self.stack_name))
        if not types:
            return []
        return ["These resource types are not emulated yet; Ref/GetAtt on them give placeholder"
                " values: " + ", ".join(sorted(types))]

    async def failure_reasons(self) -> list[str]:
        """Why the last deployment failed: the FAILED events of the stack, oldest first."""
        try:
            result = await self.call("cloudformation", "DescribeStackEvents",
                                     {"StackName": self.stack_name})
        except ServiceError:
            return []
        reasons = []
        for event in reversed(result.get("StackEvents", [])):
            if event.get("ResourceStatus", "").endswith("FAILED"):
                reasons.append(f"{event['LogicalResourceId']}: "
                               f"{event.get('ResourceStatusReason', 'failed')}")
        return reasons

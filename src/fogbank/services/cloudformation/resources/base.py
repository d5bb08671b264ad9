"""The contract between the stack engine and resource handlers.

A handler turns one resource's resolved properties into calls on other services — only
through ``services.client.call(service, AWSOperation, AWSParams)`` — and returns the
physical id (what ``Ref`` gives) and the attributes ``Fn::GetAtt`` can read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.cloudformation.engine.errors import NeedsReplacement


@dataclass
class ResourceRequest:
    """One resource operation: resolved ``properties`` (and the previous ones on update)."""

    logical_id: str
    resource_type: str
    properties: dict[str, Any]
    stack_name: str
    stack_id: str
    region: str
    account_id: str
    physical_id: str | None = None
    old_properties: dict[str, Any] | None = None
    old_attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        return "aws"


@dataclass
class ResourceResult:
    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    # Set by an ``update`` that made a new physical resource (a custom resource answering
    # with a new PhysicalResourceId): the engine deletes the old one in the cleanup phase,
    # or, on rollback, deletes the new one and keeps the old.
    replaced: bool = False


class CustomResponseWaiter:
    """How the custom resource handler waits for a ResponseURL PUT (see ``custom_responses``)."""

    def response_url(self, token: str) -> str:
        raise NotImplementedError

    async def wait(self, token: str, timeout_s: float) -> dict[str, Any]:
        raise NotImplementedError

    def expect(self, token: str) -> None:
        raise NotImplementedError

    def poll(self, token: str) -> dict[str, Any] | None:
        """The response if it already arrived, else ``None``."""
        raise NotImplementedError

    def discard(self, token: str) -> None:
        raise NotImplementedError


@dataclass
class HandlerServices:
    """What handlers may use: the internal client, injected ids, the custom-resource waiter."""

    client: InternalClient
    ids: Any  # fogbank.core.ids.Ids
    custom_responses: CustomResponseWaiter
    custom_resource_timeout_s: float = 60.0


class ResourceHandler:
    """Base handler; subclasses set ``resource_type`` and implement create/update/delete.

    ``replace_on`` names properties whose change means a new physical resource (an immutable
    name). The default ``update`` asks for replacement."""

    resource_type: ClassVar[str] = ""
    replace_on: ClassVar[frozenset[str]] = frozenset()

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        raise NotImplementedError

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        raise NeedsReplacement()

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        raise NotImplementedError


def physical_name(request: ResourceRequest, services: HandlerServices, max_length: int = 64,
                  *, separator: str = "-", lower: bool = False) -> str:
    """CloudFormation's generated name: ``<stack>-<logicalId>-<RANDOM>``, truncated to fit."""
    suffix = services.ids.upper(12)
    budget = max_length - len(suffix) - 2 * len(separator)
    stack_part = request.stack_name[: max(budget // 2, budget - len(request.logical_id))]
    logical_part = request.logical_id[: budget - len(stack_part)]
    name = separator.join(part for part in (stack_part, logical_part, suffix) if part)
    return name.lower() if lower else name


def stable_token(*parts: str, length: int = 12) -> str:
    """A token that stays the same for the same inputs (placeholders, statement ids)."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length].upper()


def is_not_found(error: ServiceError) -> bool:
    """Whether a delete failed only because the thing is already gone."""
    code = error.error_code
    return "NotFound" in code or code in ("NoSuchEntity", "NoSuchBucket", "NoSuchKey")


def drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


def pick(properties: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: properties[name] for name in names if name in properties}


def tags_dict(tags: Any) -> dict[str, str] | None:
    """CloudFormation's ``[{Key, Value}]`` tag list → the ``{key: value}`` map many APIs take."""
    if isinstance(tags, dict):
        return {str(key): str(value) for key, value in tags.items()}
    if isinstance(tags, list):
        return {str(tag["Key"]): str(tag.get("Value", "")) for tag in tags
                if isinstance(tag, dict) and "Key" in tag}
    return None

"""Stack and resource records: plain data the store persists as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ResourceState:
    logical_id: str
    resource_type: str
    status: str
    physical_id: str | None = None
    status_reason: str | None = None
    timestamp: float = 0.0
    properties: dict[str, Any] = field(default_factory=dict)  # resolved, as last applied
    attributes: dict[str, Any] = field(default_factory=dict)  # for Fn::GetAtt
    definition: dict[str, Any] = field(default_factory=dict)  # the template entry
    placeholder: bool = False  # not emulated: Ref/GetAtt give placeholder values

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResourceState:
        return cls(**data)


@dataclass
class StackRecord:
    stack_id: str
    stack_name: str
    status: str
    creation_time: float
    template: dict[str, Any]  # processed (plain CloudFormation)
    template_body: str  # as submitted (GetTemplate Original)
    parameters: dict[str, str] = field(default_factory=dict)  # supplied values
    parameter_values: dict[str, Any] = field(default_factory=dict)  # resolved values
    status_reason: str | None = None
    last_updated_time: float | None = None
    deletion_time: float | None = None
    description: str | None = None
    capabilities: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    notification_arns: list[str] = field(default_factory=list)
    disable_rollback: bool = False
    outputs: list[dict[str, Any]] = field(default_factory=list)
    resources: dict[str, ResourceState] = field(default_factory=dict)
    unsupported_types: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)  # export names this stack imports
    change_set_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (shares the nested values: serialise it before changing the
        record; ``dataclasses.asdict`` would deep-copy the whole stack on every save)."""
        doc = dict(self.__dict__)
        doc["resources"] = {key: dict(state.__dict__) for key, state in self.resources.items()}
        return doc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StackRecord:
        values = dict(data)
        values["resources"] = {
            key: ResourceState.from_dict(value) for key, value in data["resources"].items()
        }
        return cls(**values)


@dataclass(frozen=True)
class StackEvent:
    stack_id: str
    stack_name: str
    event_id: str
    logical_id: str
    resource_type: str
    status: str
    timestamp: float
    physical_id: str | None = None
    status_reason: str | None = None
    properties: str | None = None  # ResourceProperties as JSON text

"""Stacks, their events and change sets in SQLite (``<state_dir>/cloudformation.db``).

A stack is one JSON document (its resources inside), written after every resource step, so
a restart finds the stack as it last was. Exports are read from live stacks' outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents
from fogbank.services.cloudformation.engine.model import StackEvent, StackRecord

LIVE_EXCLUDED = frozenset({"DELETE_COMPLETE", "REVIEW_IN_PROGRESS"})
INTERRUPTED_STATUS = {
    "CREATE_IN_PROGRESS": "CREATE_FAILED",
    "ROLLBACK_IN_PROGRESS": "ROLLBACK_FAILED",
    "DELETE_IN_PROGRESS": "DELETE_FAILED",
    "UPDATE_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_ROLLBACK_COMPLETE",
}


class CloudFormationStore:
    def __init__(self, state_dir: Path) -> None:
        self.db = Database(Path(state_dir) / "cloudformation.db")
        self.docs = Documents(self.db)

    # -- stacks ----------------------------------------------------------------------------
    def save(self, stack: StackRecord) -> None:
        self.docs.put("stack", stack.stack_id, stack.to_dict())

    def stacks(self) -> list[StackRecord]:
        return [StackRecord.from_dict(doc) for doc in self.docs.values("stack")]

    def by_id(self, stack_id: str) -> StackRecord | None:
        doc = self.docs.get("stack", stack_id)
        return StackRecord.from_dict(doc) if doc else None

    def live_by_name(self, name: str) -> StackRecord | None:
        """The stack a name means now (not deleted), or the stack with that id."""
        if name.startswith("arn:"):
            return self.by_id(name)
        for stack in reversed(self.stacks()):
            if stack.stack_name == name and stack.status != "DELETE_COMPLETE":
                return stack
        return None

    def recover_interrupted(self, reason: str) -> list[StackRecord]:
        """Stacks caught mid-operation by a stop: mark them failed so they can be retried."""
        recovered = []
        for stack in self.stacks():
            final = INTERRUPTED_STATUS.get(stack.status)
            if final is not None:
                stack.status, stack.status_reason = final, reason
                self.save(stack)
                recovered.append(stack)
        return recovered

    # -- events ----------------------------------------------------------------------------
    def event(self, event: StackEvent) -> None:
        self.docs.put("event", f"{event.stack_id}#{event.event_id}", event.__dict__)

    def events(self, stack_id: str) -> list[StackEvent]:
        """Newest first, as DescribeStackEvents returns them."""
        docs = self.docs.values("event", prefix=f"{stack_id}#")
        return [StackEvent(**doc) for doc in reversed(docs)]

    # -- exports ---------------------------------------------------------------------------
    def exports(self) -> list[tuple[str, str, str]]:
        """``(name, value, exporting stack id)`` of every live stack's exports."""
        found = []
        for stack in self.stacks():
            if stack.status in LIVE_EXCLUDED:
                continue
            for output in stack.outputs:
                if "ExportName" in output:
                    found.append((output["ExportName"], output["OutputValue"], stack.stack_id))
        return found

    def export_value(self, name: str) -> tuple[str, str] | None:
        for export_name, value, stack_id in self.exports():
            if export_name == name:
                return value, stack_id
        return None

    def importers(self, export_name: str) -> list[str]:
        return [stack.stack_name for stack in self.stacks()
                if stack.status not in LIVE_EXCLUDED and export_name in stack.imports]

    # -- change sets -----------------------------------------------------------------------
    def save_change_set(self, change_set: dict[str, Any]) -> None:
        self.docs.put("changeset", change_set["ChangeSetId"], change_set)

    def change_sets(self, stack_id: str | None = None) -> list[dict[str, Any]]:
        sets = self.docs.values("changeset")
        return [cs for cs in sets if stack_id is None or cs["StackId"] == stack_id]

    def delete_change_set(self, change_set_id: str) -> None:
        self.docs.delete("changeset", change_set_id)

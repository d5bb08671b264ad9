"""Scheduler records in SQLite (``scheduler.db``): schedule groups, schedules, tags, each
schedule's next fire time, and the delivery outbox (EventBridge's ``Outbox``) in the same
file. Records are JSON documents with AWS member names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents
from fogbank.services.events.store import TagsAndFireTimes

SEP = "\x1f"


class SchedulerStore(TagsAndFireTimes):
    def __init__(self, state_dir: Path) -> None:
        self.db = Database(Path(state_dir) / "scheduler.db")
        self.docs = Documents(self.db)

    def get_group(self, region: str, name: str) -> dict[str, Any] | None:
        found = self.docs.get("group", f"{region}{SEP}{name}")
        return found if isinstance(found, dict) else None

    def put_group(self, region: str, group: dict[str, Any]) -> None:
        self.docs.put("group", f"{region}{SEP}{group['Name']}", group)

    def delete_group(self, region: str, name: str) -> None:
        for schedule in self.list_schedules(region, name):
            self.delete_schedule(region, name, schedule["Name"])
        group = self.get_group(region, name)
        if group:
            self.docs.delete("tags", group["Arn"])
        self.docs.delete("group", f"{region}{SEP}{name}")

    def list_groups(self, region: str) -> list[dict[str, Any]]:
        return sorted(self.docs.values("group", f"{region}{SEP}"), key=lambda g: g["Name"])

    def get_schedule(self, region: str, group: str, name: str) -> dict[str, Any] | None:
        found = self.docs.get("schedule", SEP.join((region, group, name)))
        return found if isinstance(found, dict) else None

    def put_schedule(self, region: str, schedule: dict[str, Any]) -> None:
        key = SEP.join((region, schedule["GroupName"], schedule["Name"]))
        self.docs.put("schedule", key, schedule)

    def delete_schedule(self, region: str, group: str, name: str) -> bool:
        schedule = self.get_schedule(region, group, name)
        if schedule:
            self.docs.delete("fire", schedule["Arn"])
        return self.docs.delete("schedule", SEP.join((region, group, name)))

    def list_schedules(self, region: str, group: str | None = None) -> list[dict[str, Any]]:
        prefix = f"{region}{SEP}" + (f"{group}{SEP}" if group is not None else "")
        return sorted(self.docs.values("schedule", prefix),
                      key=lambda s: (s["GroupName"], s["Name"]))

    def all_schedules(self) -> list[tuple[str, dict[str, Any]]]:
        """``(region, schedule)`` for every schedule of every region."""
        return [(key.split(SEP, 1)[0], doc) for key, doc in self.docs.items("schedule")]

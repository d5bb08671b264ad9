"""EventBridge records in SQLite (``events.db``): buses, rules, targets, tags, the next fire
time of scheduled rules, and the delivery outbox (``outbox.py``) in the same file so an event
and its deliveries commit together.

Records are JSON documents keyed by region, bus and name with AWS member names, so the
provider shapes responses by picking members.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents

SEP = "\x1f"  # bus names may contain "/", so keys use a separator names cannot


def _key(*parts: str) -> str:
    return SEP.join(parts)


class TagsAndFireTimes:
    """Tags by ARN and the next fire time of a scheduled thing (a rule, a schedule), kept as
    documents in ``self.docs``; shared by the EventBridge and Scheduler stores."""

    docs: Documents

    def tags(self, arn: str) -> dict[str, str]:
        found = self.docs.get("tags", arn)
        return dict(found) if isinstance(found, dict) else {}

    def set_tags(self, arn: str, tags: dict[str, str]) -> None:
        if tags:
            self.docs.put("tags", arn, tags)
        else:
            self.docs.delete("tags", arn)

    def next_fire(self, arn: str) -> float | None:
        found = self.docs.get("fire", arn)
        return float(found["next_s"]) if isinstance(found, dict) else None

    def set_next_fire(self, arn: str, next_s: float | None) -> None:
        if next_s is None:
            self.docs.delete("fire", arn)
        else:
            self.docs.put("fire", arn, {"next_s": next_s})


class EventsStore(TagsAndFireTimes):
    def __init__(self, state_dir: Path) -> None:
        self.db = Database(Path(state_dir) / "events.db")
        self.docs = Documents(self.db)

    # -- buses ------------------------------------------------------------------------

    def get_bus(self, region: str, name: str) -> dict[str, Any] | None:
        found = self.docs.get("bus", _key(region, name))
        return found if isinstance(found, dict) else None

    def put_bus(self, region: str, bus: dict[str, Any]) -> None:
        self.docs.put("bus", _key(region, bus["Name"]), bus)

    def delete_bus(self, region: str, name: str) -> None:
        for rule in self.list_rules(region, name):
            self.delete_rule(region, name, rule["Name"])
        self.docs.delete("bus", _key(region, name))

    def list_buses(self, region: str) -> list[dict[str, Any]]:
        return sorted(self.docs.values("bus", _key(region, "")), key=lambda bus: bus["Name"])

    # -- rules ------------------------------------------------------------------------

    def get_rule(self, region: str, bus: str, name: str) -> dict[str, Any] | None:
        found = self.docs.get("rule", _key(region, bus, name))
        return found if isinstance(found, dict) else None

    def put_rule(self, region: str, rule: dict[str, Any]) -> None:
        self.docs.put("rule", _key(region, rule["EventBusName"], rule["Name"]), rule)

    def delete_rule(self, region: str, bus: str, name: str) -> None:
        for target in self.list_targets(region, bus, name):
            self.delete_target(region, bus, name, target["Id"])
        rule = self.get_rule(region, bus, name)
        if rule:
            self.docs.delete("tags", rule["Arn"])
            self.docs.delete("fire", rule["Arn"])
        self.docs.delete("rule", _key(region, bus, name))

    def list_rules(self, region: str, bus: str) -> list[dict[str, Any]]:
        return sorted(self.docs.values("rule", _key(region, bus, "")),
                      key=lambda rule: rule["Name"])

    def all_rules(self) -> list[dict[str, Any]]:
        return [rule for rule in self.docs.values("rule") if isinstance(rule, dict)]

    # -- targets ----------------------------------------------------------------------

    def list_targets(self, region: str, bus: str, rule: str) -> list[dict[str, Any]]:
        return self.docs.values("target", _key(region, bus, rule, ""))

    def put_target(self, region: str, bus: str, rule: str, target: dict[str, Any]) -> None:
        self.docs.put("target", _key(region, bus, rule, target["Id"]), target)

    def delete_target(self, region: str, bus: str, rule: str, target_id: str) -> bool:
        return self.docs.delete("target", _key(region, bus, rule, target_id))


    def close(self) -> None:
        self.db.close()

"""The receivers configuration and how a receiver renders changes.

``receivers.json`` (next to this file) is the one place receivers are declared: name,
SNS filter policy, mode (``per-change``: an SQS-triggered function stores each change in
the inbox table; ``batched``: a scheduled batcher drains the queue into S3 exports),
format (``json`` or ``csv``), the fields it receives and, for batched ones, the schedule.
``generate_receivers.py`` at the app's root turns it into the template's queues,
subscriptions, mappings and schedules; the functions read it to render.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_PATH = Path(__file__).with_name("receivers.json")
MODES = ("per-change", "batched")
FORMATS = ("json", "csv")
QUEUE_INFIX = "-rcv-"  # queue name = <stack name>-rcv-<receiver name>


@dataclass(frozen=True)
class Receiver:
    name: str
    mode: str
    format: str
    fields: tuple[str, ...]
    filter_policy: dict[str, Any] = field(default_factory=dict)
    schedule: str = ""
    description: str = ""

    def render(self, message: dict[str, Any]) -> dict[str, Any]:
        """The fields this receiver takes from one change message."""
        flat = {**message["product"], **{k: v for k, v in message.items() if k != "product"}}
        return {name: flat.get(name) for name in self.fields}

    def export(self, messages: list[dict[str, Any]]) -> bytes:
        """An export file of several changes (one row or JSON line each, with its key)."""
        rows = [{"idempotency_key": m["idempotency_key"], **self.render(m)} for m in messages]
        if self.format == "json":
            return "".join(json.dumps(row, sort_keys=True) + "\n" for row in rows).encode()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["idempotency_key", *self.fields],
                                lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "|".join(map(str, v)) if isinstance(v, list) else
                             ("" if v is None else v) for k, v in row.items()})
        return out.getvalue().encode()


def load(path: Path = CONFIG_PATH) -> list[Receiver]:
    """The configured receivers; ValueError with every problem found."""
    document = json.loads(path.read_text())
    receivers: list[Receiver] = []
    problems: list[str] = []
    for index, entry in enumerate(document.get("receivers", [])):
        where = f"receivers[{index}] ({entry.get('name', '?')})"
        name = str(entry.get("name", ""))
        if not name or not all(c.isalnum() or c == "-" for c in name) or len(name) > 40 \
                or QUEUE_INFIX in name:
            problems.append(f"{where}: name must be 1-40 letters, digits or '-'")
        if entry.get("mode") not in MODES:
            problems.append(f"{where}: mode must be one of {', '.join(MODES)}")
        if entry.get("format") not in FORMATS:
            problems.append(f"{where}: format must be one of {', '.join(FORMATS)}")
        if entry.get("mode") == "batched" and not str(entry.get("schedule", "")).startswith(
                ("rate(", "cron(")):
            problems.append(f"{where}: a batched receiver needs a schedule (rate/cron)")
        if not entry.get("fields"):
            problems.append(f"{where}: fields must list at least one field")
        receivers.append(Receiver(
            name=name, mode=str(entry.get("mode")), format=str(entry.get("format")),
            fields=tuple(entry.get("fields") or ()),
            filter_policy=dict(entry.get("filter_policy") or {}),
            schedule=str(entry.get("schedule", "")),
            description=str(entry.get("description", ""))))
    names = [r.name for r in receivers]
    problems += [f"receiver name {n!r} is used twice" for n in set(names) if names.count(n) > 1]
    if problems:
        raise ValueError("receivers.json: " + "; ".join(problems))
    return receivers


def by_name(path: Path = CONFIG_PATH) -> dict[str, Receiver]:
    return {receiver.name: receiver for receiver in load(path)}


def receiver_of_queue(queue_arn_or_name: str) -> str:
    """The receiver a queue belongs to, from its name ``<stack>-rcv-<receiver>``."""
    name = queue_arn_or_name.rsplit(":", 1)[-1]
    return name.rsplit(QUEUE_INFIX, 1)[1] if QUEUE_INFIX in name else name

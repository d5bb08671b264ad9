"""SQLite-backed state of the Lambda control plane: functions, layer versions and queued
asynchronous (``Event``) invocations. Code files live next to the database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents
from fogbank.services.lambda_.models import FunctionRecord, LayerVersionRecord


class LambdaStore:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.db = Database(state_dir / "lambda.db")
        self.docs = Documents(self.db)
        self.code_root = state_dir / "code"
        self.layer_root = state_dir / "layers"
        # Every invoke reads its function's record: keep the stored JSON of each in memory
        # (written through on every change) and decode a fresh record per read.
        self._function_json: dict[str, str] = {}
        self._function_records: dict[str, FunctionRecord] = {}

    def close(self) -> None:
        self.db.close()

    # -------------------------------------------------------------- functions

    def get_function(self, name: str) -> FunctionRecord | None:
        text = self._function_json.get(name)
        if text is None:
            doc = self.docs.get("function", name)
            if doc is None:
                return None
            text = self._function_json[name] = json.dumps(doc)
        return FunctionRecord.from_doc(json.loads(text))

    def peek_function(self, name: str) -> FunctionRecord | None:
        """The current record, shared rather than copied: for readers that never change it
        (the invoke path, which reads a record thousands of times a second)."""
        record = self._function_records.get(name)
        if record is None:
            record = self.get_function(name)
            if record is not None:
                self._function_records[name] = record
        return record

    def put_function(self, record: FunctionRecord) -> None:
        doc = record.to_doc()
        self._function_json.pop(record.name, None)
        self._function_records.pop(record.name, None)
        self.docs.put("function", record.name, doc)
        self._function_json[record.name] = json.dumps(doc)

    def delete_function(self, name: str) -> FunctionRecord | None:
        record = self.get_function(name)
        if record is None:
            return None
        self._function_json.pop(name, None)
        self._function_records.pop(name, None)
        self.docs.delete("function", name)
        if record.code.kind == "zip":
            shutil.rmtree(self.function_code_dir(name), ignore_errors=True)
        return record

    def list_functions(self) -> list[FunctionRecord]:
        records = [FunctionRecord.from_doc(doc) for doc in self.docs.values("function")]
        return sorted(records, key=lambda record: record.name)

    def function_code_dir(self, name: str) -> Path:
        path = self.code_root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def total_reserved(self, excluding: str = "") -> int:
        return sum(record.reserved_concurrency or 0 for record in self.list_functions()
                   if record.name != excluding)

    # -------------------------------------------------------------- versions, aliases

    def put_version(self, record: FunctionRecord) -> None:
        self.docs.put("version", _numbered(record.name, int(record.version)), record.to_doc())

    def get_version(self, name: str, version: int) -> FunctionRecord | None:
        doc = self.docs.get("version", _numbered(name, version))
        return FunctionRecord.from_doc(doc) if doc is not None else None

    def delete_version(self, name: str, version: int) -> bool:
        return self.docs.delete("version", _numbered(name, version))

    def versions(self, name: str) -> list[FunctionRecord]:
        """Oldest first."""
        records = [FunctionRecord.from_doc(doc)
                   for doc in self.docs.values("version", prefix=f"{name}:")]
        return sorted(records, key=lambda record: int(record.version))

    def put_alias(self, function_name: str, alias: dict[str, Any]) -> None:
        self.docs.put("alias", f"{function_name}:{alias['Name']}", alias)

    def get_alias(self, function_name: str, alias_name: str) -> dict[str, Any] | None:
        doc = self.docs.get("alias", f"{function_name}:{alias_name}")
        return dict(doc) if doc is not None else None

    def delete_alias(self, function_name: str, alias_name: str) -> bool:
        return self.docs.delete("alias", f"{function_name}:{alias_name}")

    def aliases(self, function_name: str) -> list[dict[str, Any]]:
        docs = self.docs.values("alias", prefix=f"{function_name}:")
        return sorted(docs, key=lambda alias: str(alias["Name"]))

    def delete_function_versions(self, name: str) -> None:
        for record in self.versions(name):
            self.delete_version(name, int(record.version))
        for alias in self.aliases(name):
            self.delete_alias(name, alias["Name"])

    # -------------------------------------------------------------- layers

    def next_layer_version(self, name: str) -> int:
        """Versions are never reused, even after deletion (as in AWS)."""
        last = int(self.docs.get("layer_counter", name) or 0)
        self.docs.put("layer_counter", name, last + 1)
        return last + 1

    def put_layer_version(self, record: LayerVersionRecord) -> None:
        self.docs.put("layer", _layer_key(record.name, record.version), record.to_doc())

    def get_layer_version(self, name: str, version: int) -> LayerVersionRecord | None:
        doc = self.docs.get("layer", _layer_key(name, version))
        return LayerVersionRecord.from_doc(doc) if doc is not None else None

    def delete_layer_version(self, name: str, version: int) -> bool:
        return self.docs.delete("layer", _layer_key(name, version))

    def layer_versions(self, name: str) -> list[LayerVersionRecord]:
        """Newest first."""
        docs = self.docs.values("layer", prefix=f"{name}:")
        records = [LayerVersionRecord.from_doc(doc) for doc in docs]
        return sorted(records, key=lambda record: -record.version)

    def layer_names(self) -> list[str]:
        return sorted({key.rsplit(":", 1)[0] for key, _ in self.docs.items("layer")})

    def layer_content_dir(self, name: str) -> Path:
        path = self.layer_root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # -------------------------------------------------------------- async invocations

    def put_event(self, request_id: str, event: dict[str, Any]) -> None:
        self.docs.put("event", request_id, event)

    def delete_event(self, request_id: str) -> None:
        self.docs.delete("event", request_id)

    def pending_events(self) -> list[tuple[str, dict[str, Any]]]:
        return self.docs.items("event")


def _layer_key(name: str, version: int) -> str:
    return f"{name}:{version:010d}"


def _numbered(name: str, version: int) -> str:
    return f"{name}:{version:010d}"

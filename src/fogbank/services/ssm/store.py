"""Parameters in SQLite: one JSON document per parameter, keyed by region and name.

A document is ``{"name", "tags": {key: value}, "versions": [version, ...]}``, oldest version
first; a version holds everything PutParameter set (``type``, ``value``, ``description``,
``allowed_pattern``, ``key_id``, ``tier``, ``data_type``, ``policies``), its ``labels`` and
``modified_s``. Each write commits before the operation answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents
from fogbank.services.ssm.names import storage_key

KIND = "parameter"


class ParameterStore:
    def __init__(self, state_dir: Path) -> None:
        self.db = Database(Path(state_dir) / "ssm.db")
        self.docs = Documents(self.db, "parameters")

    @staticmethod
    def _key(region: str, name: str) -> str:
        return f"{region}|{storage_key(name)}"

    def get(self, region: str, name: str) -> dict[str, Any] | None:
        doc = self.docs.get(KIND, self._key(region, name))
        return doc if isinstance(doc, dict) else None

    def save(self, region: str, doc: dict[str, Any]) -> None:
        self.docs.put(KIND, self._key(region, doc["name"]), doc)

    def delete(self, region: str, name: str) -> bool:
        return self.docs.delete(KIND, self._key(region, name))

    def all(self, region: str) -> list[dict[str, Any]]:
        """Every parameter of a region, ordered by name."""
        docs = self.docs.values(KIND, f"{region}|")
        return sorted(docs, key=lambda doc: str(doc["name"]))

    def close(self) -> None:
        self.db.close()

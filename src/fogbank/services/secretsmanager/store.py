"""Secrets in SQLite: one JSON document per secret, keyed by region and name.

A document holds the secret's metadata (``name``, ``arn``, ``description``, ``kms_key_id``,
``tags`` as AWS's ``[{Key, Value}]`` list, ``created_s``, ``changed_s``, ``accessed_s``,
``deleted_s`` and ``purge_s`` while scheduled for deletion) and ``versions``: version id →
``{"string" | "binary_b64", "stages", "created_s", "accessed_s"}`` in creation order.
A secret whose recovery window has passed is purged the next time anything looks it up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents

KIND = "secret"
ARN_SUFFIX_LENGTH = 6


class SecretStore:
    def __init__(self, state_dir: Path, clock: Any) -> None:
        self.db = Database(Path(state_dir) / "secretsmanager.db")
        self.docs = Documents(self.db, "secrets")
        self.clock = clock

    def _alive(self, region: str, doc: Any) -> dict[str, Any] | None:
        if not isinstance(doc, dict):
            return None
        purge_s = doc.get("purge_s")
        if purge_s is not None and purge_s <= self.clock.now():
            self.docs.delete(KIND, f"{region}|{doc['name']}")
            return None
        return doc

    def by_name(self, region: str, name: str) -> dict[str, Any] | None:
        return self._alive(region, self.docs.get(KIND, f"{region}|{name}"))

    def find(self, region: str, secret_id: str) -> dict[str, Any] | None:
        """A secret by name, full ARN, or partial ARN (the ARN without its 6-character
        suffix), as AWS resolves ``SecretId``."""
        if not secret_id.startswith("arn:"):
            return self.by_name(region, secret_id)
        for doc in self.all(region):
            arn = str(doc["arn"])
            if arn == secret_id or arn[:-(ARN_SUFFIX_LENGTH + 1)] == secret_id:
                return doc
        return None

    def save(self, region: str, doc: dict[str, Any]) -> None:
        self.docs.put(KIND, f"{region}|{doc['name']}", doc)

    def delete(self, region: str, name: str) -> None:
        self.docs.delete(KIND, f"{region}|{name}")

    def all(self, region: str) -> list[dict[str, Any]]:
        """Every live secret of a region in creation order."""
        found = []
        for doc in self.docs.values(KIND, f"{region}|"):
            alive = self._alive(region, doc)
            if alive is not None:
                found.append(alive)
        return sorted(found, key=lambda doc: (doc["created_s"], doc["name"]))

    def close(self) -> None:
        self.db.close()

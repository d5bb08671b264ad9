"""IAM records as JSON documents in one SQLite file.

IAM is global (not per region). Names of roles, users and managed policies are unique
regardless of case, as in AWS, so records are keyed by the lower-cased name (managed
policies by ARN). A role's inline policies and attached policy ARNs live in its record;
a managed policy's versions live in its record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents

ROLE = "role"
USER = "user"
POLICY = "policy"
ACCESS_KEY = "access_key"
GROUP = "group"


class IamStore:
    def __init__(self, path: Path | str) -> None:
        self.documents = Documents(Database(path))

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        found = self.documents.get(kind, _key(kind, name))
        return found if isinstance(found, dict) else None

    def put(self, kind: str, name: str, record: dict[str, Any]) -> None:
        self.documents.put(kind, _key(kind, name), record)

    def delete(self, kind: str, name: str) -> bool:
        return self.documents.delete(kind, _key(kind, name))

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.documents.values(kind) if isinstance(doc, dict)]


def _key(kind: str, name: str) -> str:
    return name if kind in (POLICY, ACCESS_KEY) else name.lower()

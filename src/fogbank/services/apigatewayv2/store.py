"""HTTP API records in SQLite (APIs, routes, integrations, authorizers, stages, deployments),
kept in botocore's output shapes. ``generation`` changes on every write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.core.db import Database, Documents

API = "api"
CHILD_KINDS = ("route", "integration", "authorizer", "stage", "deployment")


class HttpApiStore:
    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        self.docs = Documents(self.db)
        self.generation = 0

    def put_api(self, api: dict[str, Any]) -> None:
        self.docs.put(API, api["ApiId"], api)
        self.generation += 1

    def get_api(self, api_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(API, api_id)
        return dict(doc) if doc else None

    def list_apis(self) -> list[dict[str, Any]]:
        return list(self.docs.values(API))

    def delete_api(self, api_id: str) -> None:
        for kind in CHILD_KINDS:
            for key, _ in self.docs.items(kind, f"{api_id}/"):
                self.docs.delete(kind, key)
        self.docs.delete(API, api_id)
        self.generation += 1

    # Children: kind in CHILD_KINDS, keyed by their id (stages by name)
    def put(self, kind: str, api_id: str, key: str, doc: dict[str, Any]) -> None:
        self.docs.put(kind, f"{api_id}/{key}", doc)
        self.generation += 1

    def get(self, kind: str, api_id: str, key: str) -> dict[str, Any] | None:
        doc = self.docs.get(kind, f"{api_id}/{key}")
        return dict(doc) if doc else None

    def list(self, kind: str, api_id: str) -> list[dict[str, Any]]:
        return list(self.docs.values(kind, f"{api_id}/"))

    def delete(self, kind: str, api_id: str, key: str) -> bool:
        self.generation += 1
        return self.docs.delete(kind, f"{api_id}/{key}")

    def close(self) -> None:
        self.db.close()

"""HTTP API records in SQLite (APIs, routes, integrations, authorizers, stages, deployments),
kept in botocore's output shapes. ``generation`` changes on every write."""

from __future__ import annotations

from typing import Any

from fogbank.services.apigateway.shared import ApiDocumentStore

API = "api"
CHILD_KINDS = ("route", "integration", "authorizer", "stage", "deployment")


class HttpApiStore(ApiDocumentStore):
    API_KIND = API
    CHILD_KINDS = CHILD_KINDS

    def put_api(self, api: dict[str, Any]) -> None:
        self.docs.put(API, api["ApiId"], api)
        self.generation += 1

    def delete_api(self, api_id: str) -> None:
        self._delete_children(api_id)
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

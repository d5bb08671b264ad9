"""What REST APIs (this package) and HTTP APIs (``apigatewayv2``) share besides the data
plane's model: reading OpenAPI text, the operation keys of an OpenAPI path item, and the
document store layout (one API record, children keyed ``{api_id}/{child}``) with the
``ApiSource`` plumbing over it.

The one module of this package, with ``dataplane.model``, that ``apigatewayv2`` imports;
it imports nothing from either service's store, provider or errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import yaml

from fogbank.core.db import Database, Documents

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
ANY_METHOD = "x-amazon-apigateway-any-method"


def load_document(body: bytes | str | dict[str, Any]) -> Any:
    """JSON or YAML text (or an already-parsed template ``Body``) → its value, or ``None``
    when it is neither; the caller says which values it accepts."""
    if isinstance(body, dict):  # an already-parsed template Body (lenient internal callers)
        body = json.dumps(body)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except ValueError:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return None


def method_verb(key: str) -> str | None:
    """The HTTP method an OpenAPI path item's member names (``ANY`` for API Gateway's
    any-method extension), or ``None`` for members that are not operations."""
    if key in HTTP_METHODS:
        return key.upper()
    if key == ANY_METHOD:
        return "ANY"
    return None


def str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


class ApiDocumentStore:
    """SQLite documents: one record per API (kind ``API_KIND``, keyed by its id) and its
    children (``CHILD_KINDS``, keyed ``{api_id}/{child key}``). Every write bumps
    ``generation`` so the data plane knows to recompile its route tables."""

    API_KIND: ClassVar[str]
    CHILD_KINDS: ClassVar[tuple[str, ...]]

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        self.docs = Documents(self.db)
        self.generation = 0

    def get_api(self, api_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(self.API_KIND, api_id)
        return dict(doc) if doc else None

    def list_apis(self) -> list[dict[str, Any]]:
        return list(self.docs.values(self.API_KIND))

    def _delete_children(self, api_id: str) -> None:
        for kind in self.CHILD_KINDS:
            for key, _ in self.docs.items(kind, f"{api_id}/"):
                self.docs.delete(kind, key)

    def close(self) -> None:
        self.db.close()


StoreT = TypeVar("StoreT", bound=ApiDocumentStore)


class StoreSource(Generic[StoreT]):
    """The ``generation`` half of a ``dataplane.model.ApiSource`` over a store; subclasses
    add ``definitions()`` and keep ``__slots__`` empty (sources take no attributes)."""

    __slots__ = ("_store",)

    def __init__(self, store: StoreT) -> None:
        self._store = store

    @property
    def generation(self) -> int:
        return self._store.generation

"""botocore service models, loaded once per service, and the routing indexes built from them.

The catalog reads every model's ``metadata`` block (a few kilobytes at the head of each
file) once to learn signing names, endpoint prefixes and JSON target prefixes; full models
are loaded only for services that actually receive requests.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from botocore.loaders import Loader
from botocore.model import ServiceModel

# Query-protocol services an unsigned ``Action=`` request may be meant for, and the
# API versions that tell them apart when several define the same action.
QUERY_ACTION_SERVICES: tuple[str, ...] = ("sts", "iam", "cloudformation", "sqs", "sns")


@dataclass(frozen=True)
class ServiceMetadata:
    service: str
    protocol: str
    signing_name: str
    endpoint_prefix: str
    target_prefix: str | None
    api_version: str


class ServiceCatalog:
    """Lazily loaded botocore models plus the signing-name / target / action indexes."""

    def __init__(self, loader: Loader | None = None) -> None:
        self._loader = loader or Loader()
        self._lock = threading.Lock()
        self._models: dict[str, ServiceModel] = {}
        self._metadata: dict[str, ServiceMetadata] | None = None
        self._by_signing_name: dict[str, list[str]] = {}
        self._by_target_prefix: dict[str, str] = {}
        self._actions: dict[str, list[str]] | None = None

    # -- models ---------------------------------------------------------------------------

    def model(self, service: str) -> ServiceModel:
        model = self._models.get(service)
        if model is None:
            with self._lock:
                model = self._models.get(service)
                if model is None:
                    data = self._loader.load_service_model(service, "service-2")
                    model = ServiceModel(data, service_name=service)
                    self._models[service] = model
        return model

    # -- metadata indexes -----------------------------------------------------------------

    def metadata(self) -> dict[str, ServiceMetadata]:
        if self._metadata is None:
            with self._lock:
                if self._metadata is None:
                    self._build_metadata_index()
        assert self._metadata is not None
        return self._metadata

    def services_for_signing_name(self, signing_name: str) -> list[str]:
        self.metadata()
        return self._by_signing_name.get(signing_name, [])

    def service_for_target_prefix(self, prefix: str) -> str | None:
        self.metadata()
        return self._by_target_prefix.get(prefix)

    def services_for_action(self, action: str) -> list[str]:
        if self._actions is None:
            actions: dict[str, list[str]] = {}
            for service in QUERY_ACTION_SERVICES:
                for name in self.model(service).operation_names:
                    actions.setdefault(name, []).append(service)
            self._actions = actions
        return self._actions.get(action, [])

    def service_for_query_version(self, version: str) -> str | None:
        meta = self.metadata()
        for service in QUERY_ACTION_SERVICES:
            if service in meta and meta[service].api_version == version:
                return service
        return None

    def _build_metadata_index(self) -> None:
        metadata: dict[str, ServiceMetadata] = {}
        for service in self._loader.list_available_services("service-2"):
            raw = self._read_metadata(service)
            if raw is None:
                continue
            endpoint_prefix = raw.get("endpointPrefix", service)
            metadata[service] = ServiceMetadata(
                service=service,
                protocol=raw.get("protocol", ""),
                signing_name=raw.get("signingName", endpoint_prefix),
                endpoint_prefix=endpoint_prefix,
                target_prefix=raw.get("targetPrefix"),
                api_version=raw.get("apiVersion", ""),
            )
        by_signing: dict[str, list[str]] = {}
        by_target: dict[str, str] = {}
        for service, meta in sorted(metadata.items()):
            by_signing.setdefault(meta.signing_name, []).append(service)
            if meta.target_prefix:
                by_target.setdefault(meta.target_prefix, service)
        for names in by_signing.values():
            names.sort(key=lambda name: (name != metadata[name].signing_name, name))
        self._by_signing_name = by_signing
        self._by_target_prefix = by_target
        self._metadata = metadata

    def _read_metadata(self, service: str) -> dict[str, Any] | None:
        """Decode only the ``metadata`` object at the head of the model file."""
        try:
            version = self._loader.determine_latest_version(service, "service-2")
        except Exception:  # noqa: BLE001 - an unreadable model is simply not routable
            return None
        for data_path in self._loader.search_paths:
            base = os.path.join(data_path, service, version, "service-2.json")
            for path, opener in ((base + ".gz", gzip.open), (base, open)):
                if not os.path.isfile(path):
                    continue
                with opener(path, "rb") as handle:
                    head = handle.read(8192).decode("utf-8", "replace")
                start = head.find('"metadata"')
                if start < 0:
                    return None
                start = head.index("{", start)
                try:
                    value, _ = json.JSONDecoder().raw_decode(head, start)
                except ValueError:
                    return None
                return value if isinstance(value, dict) else None
        return None

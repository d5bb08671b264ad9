"""Pure App Directory logic: where the caller reached us, absolute URLs, 1.x views, manifests.

Stored records hold URL templates: ``{apiBaseUrl}`` (this API, as the caller reached it) and
``{artifactsBaseUrl}`` (where the front-end artifacts are served). They are resolved per
request, so the same directory answers correctly behind any host name - the problem the
original StockFlux team solved with a CloudFront origin header carrying the public host.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

OPENFIN_HOST = "OpenFin"
UUID_NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # RFC 4122 URL namespace


@dataclass(frozen=True)
class Origin:
    """How the caller reached the API: scheme, host (with port) and stage path prefix."""

    scheme: str
    host: str
    stage_prefix: str = ""

    @property
    def api_base_url(self) -> str:
        return f"{self.scheme}://{self.host}{self.stage_prefix}"

    def matches_host(self, host: str) -> bool:
        """True when ``host`` names this directory (with or without the port)."""
        wanted = host.strip().lower()
        mine = self.host.lower()
        return wanted in (mine, mine.split(":", 1)[0])


def origin_of(headers: Mapping[str, str], stage: str | None) -> Origin:
    """The public origin from the request headers.

    ``X-Forwarded-Host`` (a CDN's origin header) wins over ``Host``; ``X-Forwarded-Proto`` (set
    by API Gateway and load balancers) gives the scheme, defaulting to https.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    host = (lowered.get("x-forwarded-host") or lowered.get("host") or "localhost").split(",")[0]
    scheme = (lowered.get("x-forwarded-proto") or "https").split(",")[0].strip().lower()
    prefix = "" if not stage or stage == "$default" else f"/{stage}"
    return Origin(scheme if scheme in ("http", "https") else "https", host.strip(), prefix)


def plain(value: Any) -> Any:
    """DynamoDB's Decimals back to ints/floats, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def resolve(value: Any, bases: Mapping[str, str]) -> Any:
    """Replace ``{apiBaseUrl}``/``{artifactsBaseUrl}`` in every string of ``value``."""
    if isinstance(value, str):
        for name, base in bases.items():
            value = value.replace("{" + name + "}", base)
        return value
    if isinstance(value, dict):
        return {k: resolve(v, bases) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, bases) for v in value]
    return value


def url_bases(origin: Origin, artifacts_base_url: str | None) -> dict[str, str]:
    api = origin.api_base_url
    return {"apiBaseUrl": api,
            "artifactsBaseUrl": (artifacts_base_url or f"{api}/artifacts").rstrip("/")}


def split_app_id(requested: str) -> tuple[str, str | None]:
    """``myApp@host.example.com`` → (``myApp``, ``host.example.com``); raw ids have no host."""
    app_id, sep, host = requested.rpartition("@")
    return (app_id, host) if sep and app_id and host else (requested, None)


def _config_value(value: str) -> Any:
    return {"true": True, "false": False}.get(value, value)


def to_v1(record: Mapping[str, Any]) -> dict[str, Any]:
    """The FDC3 1.x view StockFlux's front end reads (``customConfig`` as an object)."""
    manifest = (record.get("hostManifests") or {}).get(OPENFIN_HOST)
    listens_for = ((record.get("interop") or {}).get("intents") or {}).get("listensFor") or {}
    legacy: dict[str, Any] = {
        "images": [{"url": s["src"]} for s in record.get("screenshots") or []],
        "intents": [{"name": name} for name in listens_for],
        "contactEmail": record.get("contactEmail"),
        "manifest": manifest if isinstance(manifest, str) else None,
        "manifestType": "openfin",
        "description": record.get("description"),
        "title": record.get("title"),
        "icons": [{"icon": i["src"]} for i in record.get("icons") or []],
        "supportEmail": record.get("supportEmail"),
        "customConfig": {p["name"]: _config_value(p.get("value", ""))
                         for p in record.get("customConfig") or []},
        "appId": record["appId"],
        "name": record.get("name") or record.get("title"),
        "publisher": record.get("publisher"),
    }
    return {k: v for k, v in legacy.items() if v is not None}


def openfin_manifest(record: Mapping[str, Any], openfin: Mapping[str, Any],
                     api_base_url: str) -> dict[str, Any]:
    """The OpenFin application manifest (``openfin --config <url>``) of one app.

    ``record`` and ``openfin`` are already resolved to absolute URLs."""
    icons = record.get("icons") or []
    icon = icons[0]["src"] if icons else None
    startup: dict[str, Any] = {
        "name": record["appId"],
        "uuid": str(uuid.uuid5(UUID_NAMESPACE, f"{api_base_url}/apps/v1/{record['appId']}")),
        "url": record["details"]["url"],
        **({"applicationIcon": icon} if icon else {}),
        **(openfin.get("window") or {}),
        "customData": {"apiBaseUrl": api_base_url},
    }
    manifest: dict[str, Any] = {
        "runtime": openfin.get("runtime") or {},
        "startup_app": startup,
        "services": openfin.get("services") or [],
    }
    shortcut = openfin.get("shortcut")
    if shortcut:
        manifest["shortcut"] = {"company": record.get("publisher", ""), **shortcut,
                                **({"icon": icon} if icon else {})}
    if openfin.get("splashScreenImage"):
        manifest["splashScreenImage"] = openfin["splashScreenImage"]
    return manifest


def error_body(code: int, message: str) -> str:
    """FDC3's ``ErrorDTO``."""
    return json.dumps({"code": code, "message": message})

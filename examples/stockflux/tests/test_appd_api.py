"""The App Directory over real HTTP on a deployed stack: FDC3 AppD 2.x records validated
against the official schema, the legacy StockFlux routes, absolute manifest URLs per host."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from jsonschema import Draft7Validator

from fogbank.testing import RunningApp

SPECS = Path(__file__).resolve().parent / "fdc3"
SPEC_FILES = ["fdc3-appd-2.1.openapi.json", "fdc3-appd-2.2.openapi.json"]
DETAILS_BY_TYPE = {"web": "WebAppDetails", "native": "NativeAppDetails",
                   "citrix": "CitrixAppDetails", "onlineNative": "OnlineNativeAppDetails",
                   "other": "OtherAppDetails"}
APP_IDS = ["fdc3", "giantmachines-watchlist", "stockflux-chart", "stockflux-container",
           "stockflux-launcher", "stockflux-news", "stockflux-watchlist"]


class AppdSchema:
    """Validators built from one OpenAPI document's ``components``.

    ``details`` is validated by the record's ``type`` (2.2 declares LaunchDetails ``oneOf``,
    which a web record's ``{url}`` matches twice: as WebAppDetails and OnlineNativeAppDetails)."""

    def __init__(self, path: Path) -> None:
        components = json.loads(path.read_text())["components"]
        self.components = components
        no_details = copy.deepcopy(components)
        no_details["schemas"]["BaseApplication"]["properties"].pop("details")
        self._application = self._validator(no_details, "Application")
        self._error = self._validator(components, "ErrorDTO")
        self._v1 = self._validator(components, "ApplicationV1")
        self._details = {t: self._validator(components, name)
                         for t, name in DETAILS_BY_TYPE.items()}

    @staticmethod
    def _validator(components: dict[str, Any], name: str) -> Draft7Validator:
        schema = {"$ref": f"#/components/schemas/{name}", "components": components}
        Draft7Validator.check_schema(schema)
        return Draft7Validator(schema)

    def application_errors(self, record: dict[str, Any]) -> list[str]:
        found = [e.message for e in self._application.iter_errors(record)]
        details_schema = self._details.get(record.get("type", ""))
        if details_schema is not None:
            found += [f"details: {e.message}" for e in details_schema.iter_errors(
                record.get("details"))]
        return found

    def error_dto_errors(self, body: Any) -> list[str]:
        found = [e.message for e in self._error.iter_errors(body)]
        return found + [f"missing {k}" for k in ("code", "message") if k not in body]

    def v1_errors(self, record: dict[str, Any]) -> list[str]:
        # StockFlux's 1.x records carry customConfig as an object, not NameValuePair[]
        legacy = {k: v for k, v in record.items() if k != "customConfig"}
        return [e.message for e in self._v1.iter_errors(legacy)]


@pytest.fixture(scope="module", params=SPEC_FILES)
def schema(request: pytest.FixtureRequest) -> AppdSchema:
    return AppdSchema(SPECS / request.param)


def urls_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if "://" in value or value.startswith("/") else []
    if isinstance(value, dict):
        return [u for v in value.values() for u in urls_in(v)]
    if isinstance(value, list):
        return [u for v in value for u in urls_in(v)]
    return []


def get(app: RunningApp, path: str, **headers: str) -> requests.Response:
    return requests.get(app.api_url + path, headers=headers, timeout=30)


def test_all_applications_validate_against_the_official_schema(
        stockflux_app: RunningApp, schema: AppdSchema) -> None:
    response = get(stockflux_app, "/appd/v2/apps")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"applications", "message"} and isinstance(body["message"], str)
    assert sorted(a["appId"] for a in body["applications"]) == APP_IDS
    for record in body["applications"]:
        assert schema.application_errors(record) == [], record["appId"]


def test_the_schema_check_catches_bad_records(schema: AppdSchema) -> None:
    good = {"appId": "a", "title": "A", "type": "web", "details": {"url": "https://a.example"}}
    assert schema.application_errors(good) == []
    assert schema.application_errors({**good, "details": {"path": "/bin/a"}})
    assert schema.application_errors({**good, "type": "native"})
    assert schema.application_errors({k: v for k, v in good.items() if k != "title"})
    assert schema.application_errors({**good, "icons": [{"url": "x"}]})


@pytest.mark.parametrize("app_id", APP_IDS)
def test_each_application_by_id(stockflux_app: RunningApp, schema: AppdSchema,
                                app_id: str) -> None:
    response = get(stockflux_app, f"/appd/v2/apps/{app_id}")
    assert response.status_code == 200
    record = response.json()
    assert record["appId"] == app_id and schema.application_errors(record) == []
    for url in urls_in(record):
        parsed = urlparse(url)
        assert parsed.scheme == "http" and parsed.netloc == urlparse(stockflux_app.api_url).netloc


def test_fully_qualified_app_id(stockflux_app: RunningApp) -> None:
    host = urlparse(stockflux_app.api_url).netloc
    for qualified in (f"stockflux-chart@{host}", f"stockflux-chart@{host.split(':')[0]}",
                      f"stockflux-chart%40{host}"):
        response = get(stockflux_app, f"/appd/v2/apps/{qualified}")
        assert response.status_code == 200 and response.json()["appId"] == "stockflux-chart"
    by_public_name = get(stockflux_app, "/appd/v2/apps/stockflux-chart@appd.example.com",
                         Host="appd.example.com")
    assert by_public_name.status_code == 200


def test_errors_are_error_dtos(stockflux_app: RunningApp, schema: AppdSchema) -> None:
    for path in ("/appd/v2/apps/no-such-app", "/appd/v2/apps/stockflux-chart@other.example",
                 "/apps/v1/no-such-app", "/apps/v1/no-such-app/app.json"):
        response = get(stockflux_app, path)
        assert response.status_code == 404, path
        body = response.json()
        assert schema.error_dto_errors(body) == [] and body["code"] == 404, path


def test_legacy_routes_serve_stockflux_1x_records(stockflux_app: RunningApp,
                                                  schema: AppdSchema) -> None:
    response = get(stockflux_app, "/apps/v1")
    assert response.status_code == 200
    records = response.json()
    assert isinstance(records, list) and sorted(r["appId"] for r in records) == APP_IDS
    for record in records:
        assert schema.v1_errors(record) == [], record["appId"]
        assert record["manifestType"] == "openfin"
        assert record["manifest"] == f"{stockflux_app.api_url}/apps/v1/{record['appId']}/app.json"
    watchlist = get(stockflux_app, "/apps/v1/stockflux-watchlist").json()
    assert watchlist["customConfig"] == {"showInLauncher": True,
                                         "launcherIntent": "viewWatchlist"}
    assert watchlist["intents"] == [{"name": "WatchlistAdd"}, {"name": "WatchlistView"}]


def test_manifest_urls_follow_the_request_host(stockflux_app: RunningApp) -> None:
    local = get(stockflux_app, "/apps/v1/stockflux-chart/app.json")
    assert local.status_code == 200
    startup = local.json()["startup_app"]
    assert startup["customData"]["apiBaseUrl"] == stockflux_app.api_url
    assert startup["url"] == (f"{stockflux_app.api_url}/artifacts/stockflux-chart/13.0.645/"
                              "index.html")
    public = get(stockflux_app, "/apps/v1/stockflux-chart/app.json",
                 Host="stockflux.example.com").json()
    assert public["startup_app"]["customData"]["apiBaseUrl"] == "http://stockflux.example.com"
    assert public["startup_app"]["applicationIcon"] == (
        "http://stockflux.example.com/artifacts/stockflux-chart/13.0.645/favicon.ico")
    # a CDN in front names the public host in X-Forwarded-Host (the original's CloudFront header)
    cdn = get(stockflux_app, "/apps/v1/stockflux-news/app.json",
              **{"X-Forwarded-Host": "cdn.example.org"}).json()
    assert cdn["startup_app"]["url"].startswith("http://cdn.example.org/artifacts/stockflux-news/")
    assert cdn["startup_app"]["uuid"] != public["startup_app"]["uuid"]


def test_cors_allows_any_origin(stockflux_app: RunningApp) -> None:
    response = get(stockflux_app, "/appd/v2/apps", Origin="https://some.site.example")
    assert response.headers.get("access-control-allow-origin") == "*"

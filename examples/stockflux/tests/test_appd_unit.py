"""Pure unit tests of the App Directory, authorizer and seed handlers (no cloud)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from examples.stockflux.tests.lambda_context import LambdaContext

EXAMPLE = Path(__file__).resolve().parent.parent
CONTEXT = LambdaContext("stockflux-AppDirectoryFunction-TEST", remaining_ms=9000)


@pytest.fixture(scope="module")
def records(load_handler: Callable[..., ModuleType]) -> ModuleType:
    return load_handler("appd", "appd_records")


@pytest.fixture(scope="module")
def appd(load_handler: Callable[..., ModuleType]) -> ModuleType:
    return load_handler("appd")


@pytest.fixture(scope="module")
def auth(load_handler: Callable[..., ModuleType]) -> ModuleType:
    return load_handler("authorizer")


@pytest.fixture(scope="module")
def seed(load_handler: Callable[..., ModuleType]) -> ModuleType:
    return load_handler("seed")


class FakeTable:
    """The slice of a boto3 DynamoDB Table the handlers use, over a dict."""

    def __init__(self, items: list[dict[str, Any]] | None = None, name: str = "Apps") -> None:
        self.name = name
        self.items = {item["appId"]: item for item in items or []}

    def scan(self, **_: Any) -> dict[str, Any]:
        return {"Items": list(self.items.values())}

    def get_item(self, Key: dict[str, str]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        item = self.items.get(Key["appId"])
        return {"Item": item} if item else {}

    def batch_writer(self, **_: Any) -> FakeTable:
        return self

    def __enter__(self) -> FakeTable:
        return self

    def __exit__(self, *_: Any) -> None:
        return None

    def put_item(self, Item: dict[str, Any]) -> None:  # noqa: N803
        self.items[Item["appId"]] = Item

    def delete_item(self, Key: dict[str, str]) -> None:  # noqa: N803
        self.items.pop(Key["appId"], None)


def http_event(path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {"host": "appd.example.com", "x-forwarded-proto": "https", **(headers or {})},
        "requestContext": {
            "accountId": "000000000000", "apiId": "api123", "domainName": "appd.example.com",
            "requestId": "r1", "routeKey": "$default", "stage": "$default",
            "time": "28/Nov/2026:02:00:00 +0000", "timeEpoch": 1,
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "pytest"},
        },
        "isBase64Encoded": False,
    }


# --- records: origins, URL templates, 1.x views, manifests -------------------------------

def test_origin_prefers_forwarded_host_and_proto(records: ModuleType) -> None:
    origin = records.origin_of({"Host": "abc.execute-api", "X-Forwarded-Host": "sf.example",
                                "X-Forwarded-Proto": "https"}, "$default")
    assert origin.api_base_url == "https://sf.example"
    staged = records.origin_of({"host": "127.0.0.1:3000", "x-forwarded-proto": "http"}, "prod")
    assert staged.api_base_url == "http://127.0.0.1:3000/prod"
    assert staged.matches_host("127.0.0.1") and staged.matches_host("127.0.0.1:3000")
    assert not staged.matches_host("other.example")


@pytest.mark.parametrize("requested, expected", [
    ("stockflux-chart", ("stockflux-chart", None)),
    ("stockflux-chart@appd.example.com", ("stockflux-chart", "appd.example.com")),
    ("a@b@host", ("a@b", "host")),
    ("@host", ("@host", None)),
])
def test_split_fully_qualified_app_id(records: ModuleType, requested: str,
                                      expected: tuple[str, str | None]) -> None:
    assert records.split_app_id(requested) == expected


def test_v1_view_of_every_bundled_record_is_the_stockflux_sample(
        records: ModuleType, seed: ModuleType) -> None:
    """The 2.x records were converted from StockFlux's 1.x samples (data/apps.v1.json):
    deriving the 1.x view back gives exactly those samples."""
    samples = json.loads((EXAMPLE / "data" / "apps.v1.json").read_text())
    derived = [records.to_v1(item["record"]) for item in seed.bundled_items()]
    assert derived == samples


def test_manifest_is_absolute_for_the_callers_host(records: ModuleType, seed: ModuleType) -> None:
    item = next(i for i in seed.bundled_items() if i["appId"] == "stockflux-chart")
    bases = records.url_bases(records.Origin("https", "sf.example"), None)
    manifest = records.openfin_manifest(records.resolve(item["record"], bases),
                                        records.resolve(item["openfin"], bases),
                                        bases["apiBaseUrl"])
    startup = manifest["startup_app"]
    assert startup["url"] == "https://sf.example/artifacts/stockflux-chart/13.0.645/index.html"
    assert startup["customData"] == {"apiBaseUrl": "https://sf.example"}
    assert startup["name"] == "stockflux-chart" and startup["defaultWidth"] == 850
    assert manifest["runtime"]["version"] == "12.69.43.22"
    assert {"name": "fdc3"} in manifest["services"]
    assert manifest["shortcut"]["icon"].startswith("https://sf.example/artifacts/")
    assert "BaseUrl}" not in json.dumps(manifest)  # every URL template resolved


# --- the App Directory handler -----------------------------------------------------------

@pytest.fixture
def directory(appd: ModuleType, seed: ModuleType, monkeypatch: pytest.MonkeyPatch) -> FakeTable:
    table = FakeTable(seed.bundled_items())
    monkeypatch.setattr(appd, "directory", appd.AppDirectory(table))
    monkeypatch.delenv("ARTIFACTS_BASE_URL", raising=False)
    return table


def call(appd: ModuleType, path: str, **headers: str) -> tuple[int, Any]:
    response = appd.lambda_handler(http_event(path, headers), CONTEXT)
    return response["statusCode"], json.loads(response["body"])


def test_handler_lists_and_gets_apps(appd: ModuleType, directory: FakeTable) -> None:
    status, body = call(appd, "/appd/v2/apps")
    assert status == 200 and body["message"] == "OK"
    assert len(body["applications"]) == 7
    status, app = call(appd, "/appd/v2/apps/stockflux-news@appd.example.com")
    assert status == 200 and app["details"]["url"].startswith("https://appd.example.com/")


def test_handler_errors_are_error_dtos(appd: ModuleType, directory: FakeTable) -> None:
    assert call(appd, "/appd/v2/apps/missing") == (
        404, {"code": 404, "message": "Application missing not found"})
    status, body = call(appd, "/appd/v2/apps/stockflux-news@elsewhere.example")
    assert status == 404 and body["code"] == 404 and "elsewhere.example" in body["message"]
    status, body = call(appd, "/apps/v1/missing/app.json")
    assert (status, body["code"]) == (404, 404)


def test_handler_answers_500_error_dto_when_storage_fails(
        appd: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(FakeTable):
        def scan(self, **_: Any) -> dict[str, Any]:
            raise RuntimeError("table unavailable")

    monkeypatch.setattr(appd, "directory", appd.AppDirectory(Broken()))
    assert call(appd, "/appd/v2/apps") == (
        500, {"code": 500, "message": "The app directory could not answer"})


def test_artifacts_base_url_setting(appd: ModuleType, directory: FakeTable,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARTIFACTS_BASE_URL", "https://cdn.example/artifacts/")
    _, app = call(appd, "/appd/v2/apps/stockflux-chart")
    assert app["details"]["url"] == (
        "https://cdn.example/artifacts/stockflux-chart/13.0.645/index.html")
    assert app["hostManifests"]["OpenFin"] == (
        "https://appd.example.com/apps/v1/stockflux-chart/app.json")


# --- the authorizer ----------------------------------------------------------------------

KEY = b"k" * 32


def test_authorizer_accepts_a_valid_token(auth: ModuleType) -> None:
    token = auth.sign_hs256({"sub": "alice", "exp": 2_000}, KEY)
    answer = auth.authorize({"headers": {"authorization": f"Bearer {token}"}}, mode="jwt",
                            key=lambda: KEY, now_s=1_000)
    assert answer == {"isAuthorized": True, "context": {"auth": "jwt", "sub": "alice"}}


@pytest.mark.parametrize("headers", [{}, {"authorization": "Basic abc"},
                                     {"authorization": "Bearer"},
                                     {"authorization": "Bearer not-a-jwt"}])
def test_authorizer_missing_or_malformed_header_is_unauthorized(
        auth: ModuleType, headers: dict[str, str]) -> None:
    with pytest.raises(auth.Unauthorized, match="^Unauthorized$"):
        auth.authorize({"headers": headers}, mode="jwt", key=lambda: KEY, now_s=1_000)


@pytest.mark.parametrize("claims, key, now_s", [
    ({"sub": "a"}, b"another key", 1_000),          # signed with another key
    ({"sub": "a", "exp": 900}, KEY, 1_000),          # expired (beyond the leeway)
    ({"sub": "a", "nbf": 2_000}, KEY, 1_000),        # not yet valid
])
def test_authorizer_refuses_invalid_tokens(auth: ModuleType, claims: dict[str, Any],
                                           key: bytes, now_s: float) -> None:
    token = auth.sign_hs256(claims, key)
    answer = auth.authorize({"headers": {"Authorization": f"bearer {token}"}}, mode="jwt",
                            key=lambda: KEY, now_s=now_s)
    assert answer["isAuthorized"] is False


def test_authorizer_refuses_alg_none(auth: ModuleType) -> None:
    token = auth.sign_hs256({"sub": "a"}, KEY)
    head = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    forged = ".".join([head, token.split(".")[1], ""])
    answer = auth.authorize({"headers": {"authorization": f"Bearer {forged}"}}, mode="jwt",
                            key=lambda: KEY, now_s=0)
    assert answer["isAuthorized"] is False


def test_authorizer_mode_none_lets_everyone_in(auth: ModuleType) -> None:
    assert auth.authorize({"headers": {}}, mode="none", key=lambda: b"",
                          now_s=0)["isAuthorized"] is True


# --- the seed custom resource ------------------------------------------------------------

def cfn_event(request: str, table: str = "Apps", **extra: Any) -> dict[str, Any]:
    properties = {"ServiceToken": "arn:aws:lambda:us-east-1:000000000000:function:seed",
                  "Table": table, "Region": "us-east-1"}
    return {"RequestType": request, "ServiceToken": properties["ServiceToken"],
            "ResponseURL": "http://127.0.0.1:9/answer", "StackId": "s", "RequestId": "r",
            "LogicalResourceId": "DataIngestLambdaTrigger",
            "ResourceType": "Custom::DataIngestLambdaTrigger",
            "ResourceProperties": properties, **extra}


def test_seed_create_update_delete(seed: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    table = FakeTable(name="Apps")
    monkeypatch.setattr(seed, "table_for", lambda properties: table)
    items = seed.bundled_items()

    def apply(kind: str, bundle: list[dict[str, Any]], **extra: Any) -> tuple[str, Any]:
        if kind != "Create":
            extra["PhysicalResourceId"] = "appd-seed-Apps"
        if kind == "Update":
            extra["OldResourceProperties"] = cfn_event(kind)["ResourceProperties"]
        return seed.apply(seed.parse_request(cfn_event(kind, **extra)), bundle)

    physical_id, data = apply("Create", items)
    assert physical_id == "appd-seed-Apps" and data == {"Seeded": 7} and len(table.items) == 7
    table.put_item({"appId": "added-by-admin", "record": {}})
    apply("Update", items[1:])
    assert items[0]["appId"] not in table.items  # no longer bundled → removed
    assert "added-by-admin" in table.items       # not ours → kept
    apply("Update", items)
    assert len(table.items) == 8                 # idempotent: no duplicates
    _, data = apply("Delete", items)
    assert data == {"Removed": 7} and list(table.items) == ["added-by-admin"]
    # a Delete for a resource whose Create failed (another physical id) touches nothing
    table.put_item(items[0])
    assert seed.apply(seed.parse_request(cfn_event("Delete", PhysicalResourceId="appd-seed-x1")),
                      items) == ("appd-seed-x1", {})
    assert len(table.items) == 2


def test_seed_failure_answers_failed(seed: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[tuple[str, str, str]] = []
    monkeypatch.setattr(seed, "respond", lambda event, context, status, physical_id, data,
                        reason="": answers.append((status, physical_id, reason)))
    event = cfn_event("Create")
    del event["ResourceProperties"]["Table"]
    seed.lambda_handler(event, CONTEXT)
    assert answers[-1][0] == "FAILED" and "Table" in answers[-1][2]
    seed.lambda_handler(cfn_event("Rename"), CONTEXT)
    assert answers[-1][0] == "FAILED" and "Rename" in answers[-1][2]


def test_seed_init_leaves_the_parser_for_the_first_request() -> None:
    """Init stays lean (Lambda limits it to 10 s): pydantic is imported by the first request."""
    seed_dir = EXAMPLE / "src" / "seed"
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import app; "
             "print(sorted(m for m in ('pydantic', 'aws_lambda_powertools.utilities.parser') "
             "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe, str(seed_dir)], capture_output=True,
                            text=True, check=True, timeout=120,
                            env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.stdout.strip() == "[]"

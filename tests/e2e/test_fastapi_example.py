"""examples/fastapi end to end: FastAPI through Mangum behind an HTTP API catch-all route."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(EXAMPLES / "fastapi")


def test_root_and_catch_all(fogbank_app):
    root = requests.get(fogbank_app.api_url + "/", timeout=120)
    assert root.status_code == 200
    assert root.json() == {"message": "hello from FastAPI", "stage": "local"}
    items = requests.get(fogbank_app.api_url + "/items", params={"tag": "kitchen"}, timeout=60)
    assert [item["name"] for item in items.json()] == ["kettle"]


def test_path_query_and_errors(fogbank_app):
    item = requests.get(fogbank_app.api_url + "/items/2", params={"verbose": "true"},
                        timeout=60).json()
    assert item["price_with_tax"] == 48.0 and item["tax_rate"] == 0.2
    missing = requests.get(fogbank_app.api_url + "/items/99", timeout=60)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "item 99 not found"}
    greeting = requests.get(fogbank_app.api_url + "/users/ada/greeting", params={"lang": "fr"},
                            timeout=60)
    assert greeting.json() == {"greeting": "bonjour ada"}


def test_pydantic_body_validation(fogbank_app):
    created = requests.post(fogbank_app.api_url + "/items",
                            json={"name": "mug", "price": 10, "tags": ["kitchen"]}, timeout=60)
    assert created.status_code == 201
    assert created.json()["price_with_tax"] == 12.0
    invalid = requests.post(fogbank_app.api_url + "/items", json={"name": "", "price": -1},
                            timeout=60)
    assert invalid.status_code == 422
    assert {error["loc"][-1] for error in invalid.json()["detail"]} == {"name", "price"}

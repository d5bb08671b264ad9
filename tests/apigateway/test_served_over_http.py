"""Over real HTTP (uvicorn, real Lambda workers): response headers HTTP cannot carry give
API Gateway's malformed-response answer, and a function's own timeout is a function error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

APP = Path(__file__).parent / "apps" / "bad_headers"


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(APP)


@pytest.mark.parametrize("case", ["euro", "crlf", "space", "colon"])
def test_rest_route_answers_502_for_headers_http_cannot_carry(fogbank_app: Any, case: str) -> None:
    reply = requests.get(f"{fogbank_app.api_url}/rest/{case}", timeout=60)
    assert reply.status_code == 502
    assert reply.json() == {"message": "Internal server error"}
    assert "X-Injected" not in reply.headers


@pytest.mark.parametrize("case", ["euro", "crlf", "space", "colon"])
def test_http_route_answers_500_for_headers_http_cannot_carry(fogbank_app: Any, case: str) -> None:
    reply = requests.get(f"{fogbank_app.api_url}/http/{case}", timeout=60)
    assert reply.status_code == 500
    assert reply.json() == {"message": "Internal Server Error"}


def test_latin1_header_value_is_served(fogbank_app: Any) -> None:
    for prefix in ("rest", "http"):
        reply = requests.get(f"{fogbank_app.api_url}/{prefix}/latin1", timeout=60)
        assert reply.status_code == 200 and reply.text == "ok"
        assert reply.raw.headers["X-U"].encode("latin-1") == "café".encode("latin-1")


def test_function_timeout_is_a_function_error(fogbank_app: Any) -> None:
    rest = requests.get(f"{fogbank_app.api_url}/rest-slow", timeout=60)
    assert rest.status_code == 502 and rest.json() == {"message": "Internal server error"}
    http = requests.get(f"{fogbank_app.api_url}/http-slow", timeout=60)
    assert http.status_code == 500 and http.json() == {"message": "Internal Server Error"}

"""Bad input on every public route of the shared stack: each answers a 4xx (or an empty
result) with a clear message, never a 500 - huge ids and queries, path-traversal-like ids,
unicode, malformed bodies. Nothing here writes to the shared stack (every write is refused)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from fogbank.testing import RunningApp

HUGE = "a" * 5000
TRAVERSAL = quote("../../etc/passwd", safe="")
SURROGATE_NAME = '{"exchange": "NYSE", "symbol": "ZQX", "name": "Zq \\ud800 Inc."}'


def call(app: RunningApp, method: str, path: str, body: str | None = None) -> requests.Response:
    return requests.request(method, app.api_url + path, data=body, timeout=60)


@pytest.mark.parametrize(("path", "status"), [
    (f"/securities/search/{HUGE}", 400),
    ("/securities/search/" + "%20".join(["ab"] * 40), 400),
    ("/securities/search/%F0%9F%98%80", 200),
    ("/securities/search/%00", 200),
    (f"/securities/{HUGE}", 404),
    (f"/securities/{TRAVERSAL}", 404),
    ("/securities/%F0%9F%98%80", 404),
    (f"/ohlc/{HUGE}/2024-01-02", 404),
    (f"/ohlc/{TRAVERSAL}/2024-01-02", 404),
    ("/ohlc/AAPL/2024-W01-1", 400),
    ("/ohlc/AAPL/2024-13-01", 400),
    (f"/news/{HUGE}", 200),
    (f"/news/{TRAVERSAL}", 200),
    (f"/appd/v2/apps/{HUGE}", 400),
    (f"/appd/v2/apps/{TRAVERSAL}", 404),
    ("/appd/v2/apps/@@", 404),
    (f"/apps/v1/{HUGE}/app.json", 400),
    (f"/admin/securities/{HUGE}", 404),
    (f"/admin/securities/{TRAVERSAL}", 404),
    ("/admin/securities/claim%23NYSE%23AAPL", 404),
])
def test_odd_paths_get_a_clear_answer(stockflux_app: RunningApp, path: str, status: int) -> None:
    response = call(stockflux_app, "GET", path)
    assert response.status_code == status, response.text
    body = response.json()
    if status == 200:
        assert body in ([], {"success": True, "data": []}), body
    else:
        assert len(response.text) < 500, "errors do not echo huge input"
        assert "Internal" not in response.text


@pytest.mark.parametrize(("method", "path", "body", "message"), [
    ("POST", "/admin/securities", "{bad json", "The request body must be JSON"),
    ("POST", "/admin/securities", "[]", "The request body must be a JSON object"),
    ("POST", "/admin/securities", None, "The request body must be a JSON object"),
    ("POST", "/admin/securities", SURROGATE_NAME, "name must be printable Unicode text"),
    ("POST", "/admin/securities", '{"exchange": "NYSE", "symbol": "ZQX", "name": "a\\u0000b"}',
     "name must be printable Unicode text"),
    ("PATCH", "/admin/securities/733b0a5d-f259-5dfd-bd3d-8a4da288905f", '{"enabled": "yes"}',
     "enabled must be true or false"),
    ("PUT", f"/admin/securities/{HUGE}", '{"exchange": "NYSE", "symbol": "ZQX", "name": "x"}',
     "No security with id aaaa"),
    ("DELETE", f"/admin/securities/{TRAVERSAL}", None, "No security with id ../../etc/passwd"),
])
def test_bad_admin_requests_are_4xx_with_messages(stockflux_app: RunningApp, method: str,
                                                   path: str, body: str | None,
                                                   message: str) -> None:
    response = call(stockflux_app, method, path, body)
    assert 400 <= response.status_code < 500, response.text
    assert any(m.startswith(message) for m in response.json()["messages"]), response.text

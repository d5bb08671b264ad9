"""The page's own behaviour in headless Chromium, without a cloud: its files are served from
``src/site_deploy/site`` on a made-up origin and the API is answered by Playwright routes, so
the chart code, the debounce, stale answers, link safety and error display are checked
precisely and fast. (test_browser.py runs the same page against the deployed stack.)"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest

from examples.stockflux.tests.site_support import SITE_DEPLOY, chromium

ORIGIN = "http://stockflux.test"
API = "http://api.test"
TIMEOUT_MS = 10_000


def ohlc_rows(days: int, seed: int = 7) -> list[dict[str, Any]]:
    rows, price, day, rng = [], 100.0, dt.date(2024, 1, 1), random.Random(seed)
    while len(rows) < days:
        if day.weekday() < 5:
            close = max(1.0, price * (1 + rng.gauss(0, 0.02)))
            rows.append({"date": day.isoformat(), "open": price, "high": max(price, close) + 1,
                         "low": min(price, close) - 1, "close": close,
                         "volume": rng.randint(10**6, 5 * 10**6)})
            price = close
        day += dt.timedelta(days=1)
    return rows


SECURITIES = [{"symbol": "AAPL", "name": "Apple Inc."},
              {"symbol": "APLE", "name": "Apple Hospitality REIT"}]
NEWS = [{"title": "Apple ships", "source": "Wire", "summary": "It shipped.",
         "url": "https://news.test/a", "time": 1764300000000},
        {"title": "Sneaky", "source": "Bad", "summary": "", "url": "javascript:alert(1)",
         "time": 1764300000000}]


class FakeApi:
    """Answers the API's routes; records what the page asked."""

    def __init__(self) -> None:
        self.searches: list[str] = []
        self.fail_ohlc = False

    def __call__(self, route: Any) -> None:
        path = route.request.url[len(API):]
        if path.startswith("/securities/search/"):
            self.searches.append(path.rsplit("/", 1)[1])
            body: Any = {"success": True, "data": SECURITIES}
        elif path.startswith("/ohlc/"):
            if self.fail_ohlc:
                route.fulfill(status=200, content_type="application/json",
                              body=json.dumps({"success": False,
                                               "error": {"messages": ["quota exhausted"]}}))
                return
            body = {"success": True, "data": ohlc_rows(30 if "APLE" in path else 500)}
        elif path.startswith("/news/"):
            body = NEWS
        elif path == "/appd/v2/apps":
            body = {"applications": [{"appId": "stockflux-chart", "title": "Chart",
                                      "description": "Stockflux Chart app"}], "message": "OK"}
        else:
            route.fulfill(status=404, content_type="application/json",
                          body='{"message":"Not Found"}')
            return
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body),
                      headers={"Access-Control-Allow-Origin": "*"})


def serve_site(route: Any) -> None:
    name = route.request.url[len(ORIGIN) + 1:].split("?")[0] or "index.html"
    if name == "config.json":
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({"apiBaseUrl": API + "/"}))
        return
    path = SITE_DEPLOY / "site" / name
    if not path.is_file():
        route.fulfill(status=404, body="missing")
        return
    kinds = {".html": "text/html", ".js": "text/javascript", ".css": "text/css",
             ".svg": "image/svg+xml"}
    route.fulfill(status=200, content_type=kinds[path.suffix], body=path.read_bytes())


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def site(browser: Any) -> Iterator[tuple[Any, FakeApi]]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    api = FakeApi()
    context.route(f"{ORIGIN}/**", serve_site)
    context.route(f"{API}/**", api)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(ORIGIN + "/")
    page.wait_for_selector("#apps li")
    try:
        yield page, api
    finally:
        context.close()


def painted(page: Any, colour: tuple[int, int, int] | None = None) -> int:
    """Pixels of the chart that are painted (of one colour, if given)."""
    return int(page.evaluate("""(colour) => {
        const c = document.getElementById("chart");
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] === 0) continue;
            if (!colour || (Math.abs(d[i] - colour[0]) < 8 && Math.abs(d[i + 1] - colour[1]) < 8
                            && Math.abs(d[i + 2] - colour[2]) < 8)) n++;
        }
        return n;
    }""", list(colour) if colour else None))


def test_chart_helpers(site):
    page, _ = site
    assert page.evaluate("StockChart.niceTicks(0, 97, 5)") == {
        "ticks": [0, 20, 40, 60, 80], "step": 20}
    assert page.evaluate("StockChart.niceTicks(1.02, 1.09, 4).step") == 0.02
    rows = page.evaluate("""StockChart.normalise([
        {date: "2024-01-03", open: 2, high: 3, low: 1, close: 2.5, volume: 10},
        {date: "2024-01-02", close: 1},
        {date: "not a date", close: 1},
        {date: "2024-01-04", close: "x"}])""")
    assert [r["close"] for r in rows] == [1, 2.5]
    assert rows[0] == {"t": 1704153600000, "open": 1, "high": 1, "low": 1, "close": 1,
                       "volume": 0}
    assert page.evaluate("(rows) => StockChart.normalise(rows)", rows) == rows


def test_debounced_search_line_chart_news_and_hover(site):
    page, api = site
    page.type("#search", "apple", delay=20)  # five keystrokes, one request
    page.wait_for_selector("#results li button")
    assert api.searches == ["apple"]
    assert page.locator("#results li button").count() == 2

    page.click("#results li button[data-symbol='AAPL']")
    page.wait_for_function("() => document.getElementById('chart').dataset.points === '500'")
    assert page.get_attribute("#chart", "data-kind") == "line"
    assert painted(page, (31, 111, 235)) > 500  # the blue close-price line
    assert page.inner_text("#chart-title") == "AAPL — Apple Inc."
    assert page.inner_text("#chart-status").startswith("500 trading days since ")

    page.wait_for_selector("#news li")
    links = page.locator("#news li a")
    assert links.count() == 1 and links.first.get_attribute("href") == "https://news.test/a"
    assert page.locator("#news li").count() == 2  # the javascript: story is listed unlinked

    box = page.locator("#chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.inner_text("#chart-readout").startswith("20")
    page.mouse.move(box["x"] + 2, box["y"] + 2)  # the axis gutter: no day
    assert page.inner_text("#chart-readout") == ""
    assert page.locator("#errors li").count() == 0


def test_few_days_draw_candles(site):
    page, _ = site
    page.fill("#search", "apple")
    page.click("#results li button[data-symbol='APLE']")
    page.wait_for_function("() => document.getElementById('chart').dataset.points === '30'")
    assert page.get_attribute("#chart", "data-kind") == "candles"
    assert painted(page, (26, 127, 55)) > 50 and painted(page, (207, 34, 46)) > 50


def test_failures_are_shown_not_swallowed(site):
    page, api = site
    api.fail_ohlc = True
    page.fill("#search", "apple")
    page.click("#results li button[data-symbol='AAPL']")
    page.wait_for_selector("#chart-status.error")
    assert "quota exhausted" in page.inner_text("#chart-status")
    assert "quota exhausted" in page.inner_text("#errors")
    page.route(f"{API}/securities/**", lambda route: route.fulfill(
        status=404, content_type="application/json", body='{"message":"Not Found"}'))
    page.fill("#search", "zzz")
    page.wait_for_selector("#search-status.error")
    assert "HTTP 404" in page.inner_text("#search-status")


def test_missing_configuration_is_reported(browser):
    context = browser.new_context()
    context.route(f"{ORIGIN}/**", lambda route: route.fulfill(status=404, body="")
                  if route.request.url.endswith("config.json") else serve_site(route))
    try:
        page = context.new_page()
        page.goto(ORIGIN + "/")
        page.wait_for_selector("#search-status.error", timeout=TIMEOUT_MS)
        assert "config.json" in page.inner_text("#errors")
        assert page.is_disabled("#search")
    finally:
        context.close()

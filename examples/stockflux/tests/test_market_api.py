"""The market-data API end to end over real HTTP: search kept in step by the stream consumer,
a security with its recent OHLC, the admin CRUD, OHLC from the synthetic provider and from a
Nasdaq Data Link stand-in behind the DynamoDB cache (provider calls counted, TTL expiry on
the cloud's clock), and news ingested by the schedule as the clock advances.

One deployment of a copy of the example seeding 300 securities (the curated ones and some
generated) on a ManualClock; the full 5,000-security universe is checked on the shared stack
at the end and measured in ``bench/stockflux``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
import requests

from examples.stockflux.tests.market_support import (
    LAYER,
    eod_row,
    nasdaq_data_link_stand_in,
    response_url_catcher,
    small_app_copy,
)
from fogbank.core.clock import ManualClock
from fogbank.testing import RunningApp, run_app

assert LAYER.is_dir()  # market_support put the layer on sys.path for these imports
from stockflux_market.news_feed import SyntheticNewsFeed  # noqa: E402
from stockflux_market.ohlc.calendar import (  # noqa: E402
    is_trading_day,
    last_trading_day,
    trading_days,
)
from stockflux_market.universe import universe  # noqa: E402

UNIVERSE_SIZE = 300
T = TypeVar("T")


def eventually(probe: Callable[[], T], *, timeout_s: float = 120.0) -> T:
    """Poll ``probe`` until it returns something truthy (stream and async work). The deadline
    only matters when the test fails, so it is generous: a loaded 2-CPU machine runs the
    stream consumer many times slower than an idle one."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(float(int(time.time())))


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
           ) -> Iterator[RunningApp]:
    root = tmp_path_factory.mktemp("market")
    app_dir = small_app_copy(root / "stockflux", UNIVERSE_SIZE)
    with run_app(app_dir, state_dir=root / "state", clock=clock) as app:
        assert app.stack.status == "CREATE_COMPLETE", app.failure_reasons()
        yield app


@pytest.fixture(scope="module")
def api(market: RunningApp) -> Callable[..., requests.Response]:
    session = requests.Session()

    def call(method: str, path: str, body: Any = None) -> requests.Response:
        return session.request(method, market.api_url + path, timeout=30,
                               data=None if body is None else json.dumps(body))

    return call


def search(api: Callable[..., requests.Response], query: str) -> list[str]:
    response = api("GET", "/securities/search/" + quote(query))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return [hit["symbol"] for hit in body["data"]]


@pytest.fixture(scope="module")
def indexed(api: Callable[..., requests.Response]) -> None:
    """Wait until the stream consumer has indexed the whole seed (the stream is ordered, so
    the last seeded security comes last)."""
    last = universe(UNIVERSE_SIZE)[-1]
    assert eventually(lambda: last.symbol in search(api, last.symbol), timeout_s=300)


def test_seed_is_listed_by_the_admin_api(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/admin/securities")
    assert response.status_code == 200
    listed = response.json()
    assert len(listed) == UNIVERSE_SIZE
    assert set(listed[0]) == {"securityId", "exchange", "symbol", "name", "enabled", "visible",
                              "updated"}
    assert [(s["symbol"], s["exchange"]) for s in listed] == sorted(
        (s["symbol"], s["exchange"]) for s in listed)
    seeded = {s.security_id: s for s in universe(UNIVERSE_SIZE)}
    assert {s["securityId"] for s in listed} == set(seeded)
    assert all(s["enabled"] and s["visible"] for s in listed)


@pytest.mark.usefixtures("indexed")
def test_search_is_ranked_prefix_multiword_and_diacritic_insensitive(
        api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/securities/search/aapl")
    assert response.json()["data"][0] == {
        "symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ",
        "securityId": universe(1)[0].security_id}
    assert search(api, "AAPL")[0] == "AAPL"
    assert search(api, "app")[0] == "AAPL"  # a prefix of a name word
    assert search(api, "micro")[:2] == ["AMD", "MSFT"]  # a whole word, then a prefix
    assert search(api, "Société Générale")[0] == "GLE"
    assert search(api, "societe generale")[0] == "GLE"
    assert search(api, "SOC GEN")[0] == "GLE"
    assert search(api, "Nestlé") == search(api, "nestle") == ["NESN"]
    assert search(api, "orsted")[0] == "ORSTED"
    assert search(api, "brk.b")[0] == "BRK.B"
    assert search(api, "ge")[0] == "GE"  # the exact symbol first
    assert search(api, "general electric") == ["GE"]  # every word must match
    assert search(api, "apple electric") == []
    assert search(api, "xyzzyq") == []
    limited = api("GET", "/securities/search/a?limit=3").json()["data"]
    assert len(limited) == 3
    bad = api("GET", "/securities/search/a?limit=0")
    assert bad.status_code == 400 and bad.json()["success"] is False


def test_security_with_its_recent_ohlc(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/securities/NESN")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["name"] == "Nestlé S.A."
    bars = body["data"]["ohlc"]
    assert 15 <= len(bars) <= 23
    assert all(is_trading_day(date.fromisoformat(bar["date"])) for bar in bars)
    assert set(bars[0]) == {"date", "open", "high", "low", "close", "volume"}
    missing = api("GET", "/securities/NOSUCH")
    assert missing.status_code == 404
    assert missing.json() == {"success": False,
                              "error": {"messages": ["No security with symbol NOSUCH"]}}


@pytest.mark.usefixtures("indexed")
def test_admin_crud_keeps_search_in_step(api: Callable[..., requests.Response]) -> None:
    empty = api("POST", "/admin/securities", {})
    assert empty.status_code == 400
    assert empty.json() == {"messages": ["exchange is required", "symbol is required",
                                         "name is required"]}
    wrong = api("POST", "/admin/securities", {"exchange": "NYSE", "symbol": "no way",
                                              "name": 5, "enabled": "yes", "colour": "red"})
    assert wrong.status_code == 400
    assert wrong.json()["messages"] == [
        "symbol must be 1 to 12 letters, digits, dots or hyphens", "name must be a string",
        "enabled must be true or false", "colour is not a field of a security"]
    not_json = api("POST", "/admin/securities", None)
    assert not_json.status_code == 400 and not_json.json()["messages"]

    created = api("POST", "/admin/securities", {
        "exchange": "nyse", "symbol": "qzx", "name": "Quetzal Zéphyr Xylophones Inc.",
        "enabled": True, "visible": True})
    assert created.status_code == 201, created.text
    security = created.json()
    assert security["symbol"] == "QZX" and security["exchange"] == "NYSE"
    security_id = security["securityId"]
    assert api("GET", f"/admin/securities/{security_id}").json() == security
    assert eventually(lambda: search(api, "zephyr") == ["QZX"])

    duplicate = api("POST", "/admin/securities", {"exchange": "NYSE", "symbol": "QZX",
                                                  "name": "Another"})
    assert duplicate.status_code == 409
    assert duplicate.json() == {"messages": ["A security with symbol QZX already exists on NYSE"]}
    elsewhere = api("POST", "/admin/securities", {"exchange": "LSE", "symbol": "QZX",
                                                  "name": "Quetzal London plc"})
    assert elsewhere.status_code == 201
    assert api("DELETE", f"/admin/securities/{elsewhere.json()['securityId']}"
               ).status_code == 204

    renamed = api("PUT", f"/admin/securities/{security_id}", {
        **security, "symbol": "QZY", "name": "Quokka Zenith Yachts Inc."})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["symbol"] == "QZY" and renamed.json()["updated"] >= security["updated"]
    assert eventually(lambda: search(api, "quokka") == ["QZY"])
    assert search(api, "zephyr") == []
    reuse = api("POST", "/admin/securities", {"exchange": "NYSE", "symbol": "QZX",
                                              "name": "Reused Symbol Inc."})
    assert reuse.status_code == 201  # the rename released the old symbol
    api("DELETE", f"/admin/securities/{reuse.json()['securityId']}")
    taken = api("PUT", f"/admin/securities/{security_id}", {
        "exchange": "NASDAQ", "symbol": "AAPL", "name": "Not Apple"})
    assert taken.status_code == 409

    disabled = api("PATCH", f"/admin/securities/{security_id}", {"enabled": False})
    assert disabled.status_code == 200 and disabled.json()["enabled"] is False
    assert eventually(lambda: search(api, "quokka") == [])
    assert api("GET", "/securities/QZY").status_code == 404
    assert api("PATCH", f"/admin/securities/{security_id}", {"enabled": True}).ok
    assert eventually(lambda: search(api, "quokka") == ["QZY"])
    hidden = api("PATCH", f"/admin/securities/{security_id}", {"visible": False})
    assert hidden.json()["visible"] is False
    assert eventually(lambda: search(api, "quokka") == [])
    assert api("PATCH", f"/admin/securities/{security_id}", {"visible": "no"}).json() == {
        "messages": ["visible must be true or false"]}
    assert api("PATCH", f"/admin/securities/{security_id}", {}).status_code == 400
    assert api("PATCH", f"/admin/securities/{security_id}", {"visible": True}).ok
    assert eventually(lambda: search(api, "quokka") == ["QZY"])

    assert api("DELETE", f"/admin/securities/{security_id}").status_code == 204
    assert api("GET", f"/admin/securities/{security_id}").status_code == 404
    assert eventually(lambda: search(api, "quokka") == [])
    for method, body in (("GET", None), ("PUT", security), ("PATCH", {"enabled": True}),
                         ("DELETE", None)):
        gone = api(method, f"/admin/securities/{security_id}", body)
        assert gone.status_code == 404, method
        assert gone.json() == {"messages": [f"No security with id {security_id}"]}
    assert len(api("GET", "/admin/securities").json()) == UNIVERSE_SIZE


def test_ohlc_from_the_synthetic_provider(api: Callable[..., requests.Response]) -> None:
    today = datetime.now(UTC).date()
    start = today - timedelta(days=400)
    response = api("GET", f"/ohlc/MSFT/{start.isoformat()}")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    dates = [bar["date"] for bar in body["data"]]
    assert dates == [d.isoformat() for d in trading_days(start, last_trading_day(today))]
    assert api("GET", f"/ohlc/msft/{start.isoformat()}").json() == body
    for bad in ("2025-13-01", "yesterday", "2025-1-1"):
        answer = api("GET", f"/ohlc/MSFT/{bad}")
        assert answer.status_code == 400 and answer.json()["success"] is False
    future = api("GET", f"/ohlc/MSFT/{(today + timedelta(days=10)).isoformat()}")
    assert future.status_code == 400
    unknown = api("GET", "/ohlc/NOSUCH/2025-01-02")
    assert unknown.status_code == 404
    assert unknown.json() == {"success": False,
                              "error": {"messages": ["No OHLC data for symbol NOSUCH"]}}


def ingest_runs(market: RunningApp) -> list[dict[str, Any]]:
    runs = []
    for line in market.logs("NewsIngestFunction", wait_s=0):
        if '"news ingested"' in line:
            runs.append(json.loads(line))
    return runs


def test_news_is_ingested_on_schedule(api: Callable[..., requests.Response],
                                      market: RunningApp, clock: ManualClock) -> None:
    backfill = eventually(lambda: ingest_runs(market))
    assert len(backfill) == 1 and backfill[0]["stories"] > 0  # the creation-time backfill
    # which symbols have stories depends on the clock: ask the feed (deterministic) which
    # one has the most in the backfilled window, and expect exactly its latest ten
    feed = SyntheticNewsFeed()
    backfilled = list(feed.stories(backfill[0]["sinceMs"], backfill[0]["untilMs"]))
    by_symbol: dict[str, list[dict[str, object]]] = {}
    for story in sorted(backfilled, key=lambda s: (s.time_ms, s.story_id), reverse=True):
        for symbol in story.symbols:
            by_symbol.setdefault(symbol, []).append(story.as_api())
    symbol = max(by_symbol, key=lambda name: len(by_symbol[name]))
    latest = api("GET", f"/news/{symbol.lower()}")
    assert latest.status_code == 200
    stories = latest.json()
    assert stories == by_symbol[symbol][:10]
    assert set(stories[0]) == {"title", "source", "summary", "url", "time"}
    times = [story["time"] for story in stories]
    assert times == sorted(times, reverse=True) and all(isinstance(t, int) for t in times)
    assert api("GET", "/news/NOSUCH").json() == []

    for runs in range(2, 8):  # each quarter hour has stories; a run's window may miss them
        clock.advance(15 * 60)
        run = eventually(lambda n=runs: len(ingest_runs(market)) >= n and ingest_runs(market))
        assert run, "the schedule did not fire"
        window = run[-1]
        assert window["untilMs"] == int(clock.now() * 1000)
        fresh = list(feed.stories(window["sinceMs"], window["untilMs"]))
        if fresh:
            break
    assert fresh, "no stories in six quarter hours"
    story = max(fresh, key=lambda s: s.time_ms)
    assert story.as_api() in api("GET", f"/news/{story.symbols[0]}").json()


def test_real_provider_through_the_cache(api: Callable[..., requests.Response],
                                         market: RunningApp, clock: ManualClock) -> None:
    ssm = market.client("ssm")
    provider_parameter = market.stack.outputs["MarketDataProviderParameterName"]
    key_parameter = provider_parameter.rsplit("/", 1)[0] + "/api-key"
    ssm.put_parameter(Name=key_parameter, Value="secret-key-1", Type="SecureString")
    end = last_trading_day(datetime.now(UTC).date())
    start = end - timedelta(days=14)
    with nasdaq_data_link_stand_in(api_key="secret-key-1") as stand_in:
        stand_in.datasets["NVDA"] = [eod_row(d.isoformat(), 100.0 + i)
                                     for i, d in enumerate(trading_days(start, end))]
        ssm.put_parameter(Name=provider_parameter, Overwrite=True, Value=json.dumps({
            "provider": "nasdaq-data-link", "baseUrl": stand_in.url,
            "apiKeyParameter": key_parameter, "timeoutSeconds": 5}))
        try:
            first = api("GET", f"/ohlc/NVDA/{start.isoformat()}")
            assert first.status_code == 200, first.text
            assert [bar["close"] for bar in first.json()["data"]] == [
                row[4] for row in stand_in.datasets["NVDA"]]
            assert len(stand_in.calls_for("NVDA")) == 1
            assert api("GET", f"/ohlc/NVDA/{start.isoformat()}").json() == first.json()
            assert len(stand_in.calls_for("NVDA")) == 1  # the repeat came from the cache

            ddb = market.client("dynamodb")
            table = [t for t in ddb.list_tables()["TableNames"] if "OhlcCacheTable" in t][0]
            assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
                "TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
            key = {"cacheKey": {"S": f"ohlc#NVDA#{start.isoformat()}#{end.isoformat()}"}}
            item = ddb.get_item(TableName=table, Key=key)["Item"]
            assert int(item["expiresAt"]["N"]) - int(item["cachedAt"]["N"]) == 21600

            unknown_there = api("GET", f"/ohlc/INTC/{start.isoformat()}")
            assert unknown_there.status_code == 404  # listed here, unknown to the provider
            assert api("GET", "/ohlc/LIMIT/2025-01-02").status_code == 404
            assert stand_in.calls_for("LIMIT") == []  # unknown symbols spend no quota

            # past the TTL on the cloud's clock: DynamoDB's background sweep deletes the entry
            clock.advance(int(item["expiresAt"]["N"]) - clock.now() + 2)
            assert eventually(lambda: "Item" not in ddb.get_item(TableName=table, Key=key))
            again = api("GET", f"/ohlc/NVDA/{start.isoformat()}")
            assert again.json() == first.json()
            assert len(stand_in.calls_for("NVDA")) == 2

            ssm.put_parameter(Name=provider_parameter, Overwrite=True, Value=json.dumps({
                "provider": "nasdaq-data-link", "baseUrl": "http://127.0.0.1:1/api/v3",
                "apiKeyParameter": key_parameter, "timeoutSeconds": 2}))
            down = api("GET", f"/ohlc/AMD/{start.isoformat()}")
            assert down.status_code == 502
            assert down.json() == {"success": False, "error": {
                "messages": ["The market data provider is unavailable"]}}
            ssm.put_parameter(Name=provider_parameter, Overwrite=True, Value="not json")
            assert api("GET", f"/ohlc/AMD/{start.isoformat()}").status_code == 502
        finally:
            ssm.put_parameter(Name=provider_parameter, Overwrite=True,
                              Value='{"provider": "synthetic"}')
    broken = api("GET", f"/ohlc/AMZN/{start.isoformat()}")
    assert broken.status_code == 200  # synthetic again


def custom_resource_event(request_type: str, response_url: str, function: str,
                          properties: dict[str, Any]) -> dict[str, Any]:
    return {"RequestType": request_type, "ResponseURL": response_url,
            "StackId": "arn:aws:cloudformation:us-east-1:000000000000:stack/t/1",
            "RequestId": f"req-{request_type}", "LogicalResourceId": "Probe",
            "ResourceType": "Custom::Probe", "PhysicalResourceId": "probe-1",
            "ResourceProperties": {"ServiceToken": function, **properties}}


def test_custom_resources_always_answer_cloudformation(market: RunningApp) -> None:
    table = market.stack.outputs["SecuritiesTableName"]
    with response_url_catcher() as (url, received):
        bad = market.invoke("MarketSeedFunction", custom_resource_event(
            "Create", url, "seed", {"SecuritiesTable": table, "UniverseSize": "lots"}))
        assert bad.ok
        assert received[-1]["Status"] == "FAILED"
        assert "UniverseSize must be a whole number" in received[-1]["Reason"]
        assert received[-1]["RequestId"] == "req-Create"
        missing = market.invoke("MarketSeedFunction", custom_resource_event(
            "Update", url, "seed", {"SecuritiesTable": "no-such-table", "UniverseSize": "5"}))
        assert missing.ok and received[-1]["Status"] == "FAILED"
        again = market.invoke("MarketSeedFunction", custom_resource_event(
            "Update", url, "seed", {"SecuritiesTable": table, "UniverseSize": "200"}))
        assert again.ok and received[-1]["Status"] == "SUCCESS"
        assert received[-1]["Data"] == {"Written": 0}  # all 200 are there: nothing rewritten
        deleted = market.invoke("MarketSeedFunction", custom_resource_event(
            "Delete", url, "seed", {"SecuritiesTable": table}))
        assert deleted.ok and received[-1]["Status"] == "SUCCESS"
        assert received[-1]["PhysicalResourceId"] == "probe-1"
        news = market.invoke("NewsIngestFunction", custom_resource_event(
            "Delete", url, "news", {"NewsTable": "whatever"}))
        assert news.ok and received[-1]["Status"] == "SUCCESS"
    assert len(received) == 5


def test_full_universe_on_the_shared_stack(stockflux_app: RunningApp) -> None:
    listed = requests.get(stockflux_app.api_url + "/admin/securities", timeout=60).json()
    assert len(listed) >= 5000
    assert len({(s["exchange"], s["symbol"]) for s in listed}) == len(listed)

    def found() -> list[Any]:
        return requests.get(stockflux_app.api_url + "/securities/search/nestl%C3%A9",
                            timeout=30).json()["data"]

    assert eventually(found, timeout_s=300)[0]["symbol"] == "NESN"

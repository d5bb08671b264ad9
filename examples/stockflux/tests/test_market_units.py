"""Pure tests of the market-data layer (no cloud): text folding, the search index's items and
ranking, the seed universe, the trading calendar, the synthetic provider, the Nasdaq Data
Link adapter against a stand-in server on 127.0.0.1, and the synthetic news feed."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from examples.stockflux.tests.market_support import LAYER, eod_row, nasdaq_data_link_stand_in

assert LAYER.is_dir()  # market_support put the layer on sys.path for these imports
from stockflux_market import search_index  # noqa: E402
from stockflux_market.news_feed import SLOT_MS, SyntheticNewsFeed  # noqa: E402
from stockflux_market.ohlc.calendar import (  # noqa: E402
    is_trading_day,
    last_trading_day,
    trading_days,
)
from stockflux_market.ohlc.config import provider_from_config  # noqa: E402
from stockflux_market.ohlc.nasdaq import (  # noqa: E402
    NasdaqDataLinkProvider,
    parse_dataset_data,
)
from stockflux_market.ohlc.providers import ProviderError, SymbolNotFound  # noqa: E402
from stockflux_market.ohlc.synthetic import SyntheticProvider  # noqa: E402
from stockflux_market.text import fold, symbol_token, words  # noqa: E402
from stockflux_market.universe import universe  # noqa: E402


def security(security_id: str, symbol: str, name: str, **flags: bool) -> dict[str, object]:
    return {"securityId": security_id, "symbol": symbol, "exchange": "NYSE", "name": name,
            "enabled": flags.get("enabled", True), "visible": flags.get("visible", True),
            "updated": "2026-11-28T00:00:00.000Z"}


def search(securities: list[dict[str, object]], query: str, limit: int = 10) -> list[str]:
    """Run a query against an in-memory partition, as the securities function does."""
    plan = search_index.plan(words(query))
    if plan is None:
        return []
    items = [item for s in securities
             for item in search_index.index_items(search_index.searchable(s)).values()
             if item["prefix"] == plan.partition]
    items.sort(key=lambda item: item["rank"])
    if plan.exact:
        items = items[:limit]
    else:
        items = [i for i in items if all(" " + w in i["wordline"] for w in plan.filter_words)]
    return [r["symbol"] for r in search_index.rank_results(plan, items, limit)]


def test_folding_removes_case_diacritics_and_inner_punctuation() -> None:
    assert fold("Société Générale") == "societe generale"
    assert words("Nestlé S.A.") == ["nestle", "sa"]
    assert words("Ørsted A/S") == ["orsted", "a", "s"]
    assert words("Münchener Rückversicherungs-Gesellschaft") == [
        "munchener", "ruckversicherungs", "gesellschaft"]
    assert words("L'Oréal, AT&T  Straße") == ["loreal", "att", "strasse"]
    assert symbol_token("BRK.B") == "brkb"


def test_index_items_are_the_prefixes_of_symbol_and_name_words() -> None:
    items = search_index.index_items(search_index.searchable(
        security("id-1", "GLE", "Société Générale S.A.")))
    prefixes = sorted({prefix for prefix, _ in items})
    assert prefixes == ["g", "ge", "gen", "gene", "gl", "gle", "s", "sa", "so", "soc", "soci"]
    ranks = {prefix: rank for prefix, rank in items}
    assert ranks["gle"].startswith("00")  # the whole symbol
    assert ranks["g"].startswith("10")  # a prefix of the symbol beats the name word
    assert ranks["soc"].startswith("30")  # a prefix of the first name word
    assert ranks["sa"].startswith("22")  # the third name word, whole


def test_disabled_invisible_and_non_securities_have_no_items() -> None:
    assert search_index.searchable(security("a", "X", "X Corp", enabled=False)) is None
    assert search_index.searchable(security("a", "X", "X Corp", visible=False)) is None
    assert search_index.searchable({"securityId": "claim#NYSE#X", "claimedBy": "a"}) is None


def test_changes_delete_only_what_the_new_image_lacks() -> None:
    old = security("id-1", "ABC", "Alpha Beta Corp")
    new = security("id-1", "ABC", "Alpha Gamma Corp")
    change = search_index.changes(old, new)
    deleted = {prefix for prefix, _ in change.deletes}
    assert "be" in deleted and "ga" not in deleted
    assert {item["prefix"] for item in change.puts} >= {"ga", "gamm", "a", "abc"}
    # the same prefix with a different rank (name order changed) is replaced, not duplicated
    assert not set(change.deletes) & {(i["prefix"], i["rank"]) for i in change.puts}
    removed = search_index.changes(new, None)
    assert not removed.puts and len(removed.deletes) == len(
        search_index.index_items(search_index.searchable(new)))
    assert search_index.changes(new, {**new, "updated": "later"}) == search_index.IndexChanges(
        [], [])
    disabled = search_index.changes(new, {**new, "enabled": False})
    assert not disabled.puts and disabled.deletes


UNIVERSE = [
    security("1", "APP", "AppLovin Corporation"),
    security("2", "AAPL", "Apple Inc."),
    security("3", "APPN", "Appian Corporation"),
    security("4", "GLE", "Société Générale S.A."),
    security("5", "GE", "General Electric Company"),
    security("6", "NESN", "Nestlé S.A."),
    security("7", "MAPP", "Mapp Apparel Inc."),
    security("8", "GEN", "Gen Digital Inc."),
]


@pytest.mark.parametrize(("query", "expected"), [
    # exact symbol, symbol prefix, then name-word prefixes (the first word before the second)
    ("app", ["APP", "APPN", "AAPL", "MAPP"]),
    ("APPL", ["AAPL", "APP"]),  # "Apple" and "AppLovin" start with "appl"
    ("ge", ["GE", "GEN", "GLE"]),
    ("gen", ["GEN", "GE", "GLE"]),  # the exact symbol, then "Gen" (a whole name word) first
    ("general", ["GE", "GLE"]),  # a long word: filtered partition, ranked in the function
    ("société générale", ["GLE"]),
    ("SOCIETE gen", ["GLE"]),
    ("nestle", ["NESN"]),
    ("Nestlé", ["NESN"]),
    ("gen electric", ["GE"]),  # every word must match
    ("apple electric", []),
    ("  ", []),
])
def test_search_ranking(query: str, expected: list[str]) -> None:
    assert search(UNIVERSE, query) == expected


def test_exact_partition_order_equals_the_ranking_function() -> None:
    """For one short word the stored order IS the ranking, so Limit can cut it."""
    for query in ("a", "ap", "app", "g", "gen", "n"):
        plan = search_index.plan([query])
        assert plan is not None and plan.exact
        stored = search(UNIVERSE, query, limit=100)
        reranked = search_index.rank_results(
            search_index.QueryPlan([query], query, exact=False),
            [i for s in UNIVERSE for i in search_index.index_items(
                search_index.searchable(s)).values() if i["prefix"] == query], 100)
        assert stored == [r["symbol"] for r in reranked]


def test_universe_is_deterministic_large_and_unique() -> None:
    securities = universe(5000)
    assert len(securities) == 5000
    assert securities == universe(5000)
    assert universe(300) == securities[:300]
    assert len({(s.exchange, s.symbol) for s in securities}) == 5000
    assert len({s.security_id for s in securities}) == 5000
    assert len({(s.exchange, s.name) for s in securities}) == 5000  # Toyota: NYSE and TSE
    names = {s.name for s in securities}
    assert {"Société Générale S.A.", "Nestlé S.A.", "Apple Inc."} <= names
    assert sum(not s.name.isascii() for s in securities) > 500  # diacritics are common
    assert Counter(s.exchange for s in securities).most_common(1)[0][0] == "NASDAQ"
    assert all(1 <= len(symbol_token(s.symbol)) <= 8 for s in securities)


def test_trading_calendar() -> None:
    assert not is_trading_day(date(2026, 11, 28))  # Saturday
    assert not is_trading_day(date(2026, 12, 25))  # Christmas
    assert not is_trading_day(date(2027, 12, 24))  # Christmas 2027 is a Saturday
    assert not is_trading_day(date(2022, 12, 26))  # Christmas 2022 was a Sunday
    assert not is_trading_day(date(2026, 11, 26))  # Thanksgiving
    assert not is_trading_day(date(2026, 4, 3))  # Good Friday
    assert not is_trading_day(date(2026, 1, 19))  # Martin Luther King Jr. Day
    assert not is_trading_day(date(2026, 5, 25))  # Memorial Day
    assert not is_trading_day(date(2026, 6, 19))  # Juneteenth
    assert is_trading_day(date(2021, 12, 31))  # New Year's Day 2022 (a Saturday) not moved
    assert last_trading_day(date(2026, 11, 29)) == date(2026, 11, 27)
    days = list(trading_days(date(2026, 11, 23), date(2026, 11, 29)))
    assert [d.isoformat() for d in days] == ["2026-11-23", "2026-11-24", "2026-11-25",
                                             "2026-11-27"]


def test_synthetic_provider_is_a_deterministic_plausible_random_walk() -> None:
    provider = SyntheticProvider()
    start, end = date(2024, 1, 1), date(2025, 12, 31)
    bars = provider.daily_bars("AAPL", start, end)
    assert bars == provider.daily_bars("aapl", start, end)
    # the NYSE traded 252 days in 2024 and 250 in 2025, one of them lost to the special
    # closure of 9 January 2025 (a national day of mourning) that no rule predicts
    assert len(bars) == 252 + 251
    assert all(is_trading_day(date.fromisoformat(b["date"])) for b in bars)
    assert [b["date"] for b in bars] == sorted(b["date"] for b in bars)
    for bar in bars:
        assert bar["low"] <= min(bar["open"], bar["close"])
        assert bar["high"] >= max(bar["open"], bar["close"])
        assert bar["low"] > 0 and bar["volume"] > 0
    # a shorter range is a slice of the longer one: the walk does not depend on the request
    later = provider.daily_bars("AAPL", date(2025, 6, 2), end)
    assert later == [b for b in bars if b["date"] >= "2025-06-02"]
    assert provider.daily_bars("MSFT", start, end) != bars
    moves = [abs(b["close"] / a["close"] - 1) for a, b in zip(bars, bars[1:], strict=False)]
    assert max(moves) < 0.25 and sum(moves) / len(moves) < 0.05


def test_nasdaq_adapter_against_a_stand_in_server() -> None:
    with nasdaq_data_link_stand_in(api_key="k-123") as stand_in:
        stand_in.datasets["BRK_B"] = [eod_row("2025-06-02", 500.0), eod_row("2025-06-03", 510.0),
                                      eod_row("2025-06-04", 505.5)]
        provider = NasdaqDataLinkProvider(stand_in.url, "k-123")
        bars = provider.daily_bars("BRK.B", date(2025, 6, 3), date(2025, 6, 30))
        assert bars == [
            {"date": "2025-06-03", "open": 509.0, "high": 512.0, "low": 508.0, "close": 510.0,
             "volume": 1234567},
            {"date": "2025-06-04", "open": 504.5, "high": 507.5, "low": 503.5, "close": 505.5,
             "volume": 1234567}]
        request = stand_in.requests[-1]
        assert request["path"] == "/api/v3/datasets/EOD/BRK_B/data.json"
        assert request["query"] == {"start_date": "2025-06-03", "end_date": "2025-06-30",
                                    "order": "asc", "api_key": "k-123"}
        with pytest.raises(SymbolNotFound, match="QECx02"):
            provider.daily_bars("NOPE", date(2025, 6, 3), date(2025, 6, 30))
        with pytest.raises(ProviderError, match="429"):
            provider.daily_bars("LIMIT", date(2025, 6, 3), date(2025, 6, 30))
        with pytest.raises(ProviderError, match="QEAx01"):
            NasdaqDataLinkProvider(stand_in.url, "wrong").daily_bars(
                "BRK.B", date(2025, 6, 3), date(2025, 6, 30))
    with pytest.raises(ProviderError, match="unreachable"):
        NasdaqDataLinkProvider(stand_in.url, "k-123", timeout_s=1).daily_bars(
            "BRK.B", date(2025, 6, 3), date(2025, 6, 30))


def test_dataset_parsing_rejects_malformed_answers() -> None:
    with pytest.raises(ProviderError):
        parse_dataset_data({"dataset": {}})
    with pytest.raises(ProviderError):
        parse_dataset_data({"dataset_data": {"column_names": ["Date", "Close"], "data": []}})
    assert parse_dataset_data({"dataset_data": {
        "column_names": ["Date", "Open", "High", "Low", "Close", "Volume"],
        "data": [["2025-01-03", 1, 2, 0.5, 1.5, None], ["2025-01-02", 1, 2, 0.5, 1.5, 7]]}}) == [
        {"date": "2025-01-02", "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 7},
        {"date": "2025-01-03", "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 0}]


def test_provider_configuration() -> None:
    assert isinstance(provider_from_config({"provider": "synthetic"}, ssm=None),
                      SyntheticProvider)
    with pytest.raises(ProviderError, match="unknown"):
        provider_from_config({"provider": "bloomberg"}, ssm=None)
    with pytest.raises(ProviderError, match="apiKeyParameter"):
        provider_from_config({"provider": "nasdaq-data-link"}, ssm=None)


def test_synthetic_news_feed_is_deterministic_however_the_window_is_cut() -> None:
    feed = SyntheticNewsFeed(universe_size=500)
    start = 1_795_000_000_000 // SLOT_MS * SLOT_MS
    day = list(feed.stories(start, start + 96 * SLOT_MS))
    halves = list(feed.stories(start, start + 40 * SLOT_MS + 123)) + list(
        feed.stories(start + 40 * SLOT_MS + 123, start + 96 * SLOT_MS))
    assert day == halves
    assert 96 <= len(day) <= 96 * 6
    assert len({s.story_id for s in day}) == len(day)
    assert all(start <= s.time_ms < start + 96 * SLOT_MS for s in day)
    assert Counter(s.symbols[0] for s in day).most_common(1)[0][1] > 1
    story = day[0].as_api()
    assert set(story) == {"title", "source", "summary", "url", "time"}
    assert isinstance(story["time"], int)

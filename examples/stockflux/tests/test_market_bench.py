"""``bench/stockflux`` without a server: the query mix is deterministic and covers every kind,
the percentiles are nearest-rank, and the report states the target and whether it is met."""

from __future__ import annotations

from bench.stockflux import report
from bench.stockflux.measure import Timings, search_path
from bench.stockflux.queries import KINDS, query_mix


def test_query_mix_is_deterministic_and_covers_every_kind() -> None:
    mix = query_mix(60, 5000)
    assert mix == query_mix(60, 5000)
    assert {q.kind for q in mix} == set(KINDS)
    assert all(q.text.strip() for q in mix)
    assert any(not q.text.isascii() for q in mix if q.kind == "diacritics")
    assert search_path("Société Générale") == (
        "/securities/search/Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale")


def test_percentiles_are_nearest_rank() -> None:
    timings = Timings()
    for ms in range(1, 101):
        timings.add(float(ms))
    assert timings.summary() == {"count": 100, "p50_ms": 50.0, "p90_ms": 90.0, "p99_ms": 99.0}
    assert Timings().summary()["p50_ms"] is None


def test_report_states_target_and_verdict() -> None:
    run = {"date": "2026-11-28 03:00 UTC", "universe_size": 5000, "loadavg_1m_at_end": 2.0,
           "elapsed_s": 100.0, "deployed_s": 12.0, "index_s": 30.0, "index_items": 63134,
           "machine": {"nproc": 2, "cpu_model": "cpu", "python": "3.11", "kernel": "6",
                       "loadavg_1m_at_start": 1.5},
           "search": {"all": {"count": 600, "p50_ms": 7.5, "p90_ms": 12.0, "p99_ms": 30.0},
                      "by_kind": {"symbol": {"count": 100, "p50_ms": 6.0, "p90_ms": 8.0,
                                             "p99_ms": 20.0, "example": "AAPL",
                                             "mean_results": 3.0}}},
           "ohlc_miss": {"p50_ms": 50.0}, "ohlc_hit": {"p50_ms": 8.0}, "news": {"p50_ms": 5.0},
           "security": {"p50_ms": 9.0}, "notes": ["a note"]}
    text = report.markdown(run, "the method")
    assert "| search p50, 600 queries over 5,000 securities | 7.50 ms | < 20 ms | yes |" in text
    assert "No peer" in text and "load average 1.5 at the start and 2.0" in text
    assert "| symbol | `AAPL` | 100 | 6.00 ms | 20.00 ms | 3.0 |" in text
    assert text.endswith("the method\n")
    slow = {**run, "search": {"all": {"count": 10, "p50_ms": 25.0}}}
    assert "| 25.00 ms | < 20 ms | NO |" in report.markdown(slow, "m")

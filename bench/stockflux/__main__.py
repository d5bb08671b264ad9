"""``python -m bench.stockflux``: search, OHLC and news of the StockFlux example through its
HTTP API on fogbank (see the package docstring)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.load import BenchError
from bench.peers import Fogbank
from bench.report import machine
from bench.stockflux import report
from bench.stockflux.measure import ApiClient, RequestFailed, Timings, search_path
from bench.stockflux.queries import KINDS, query_mix, universe

BENCH_DIR = Path(__file__).resolve().parents[1]
EXAMPLE = BENCH_DIR.parent / "examples" / "stockflux"
UNIVERSE_SIZE = 5000  # what the template seeds

METHOD = """\
`fogbank up` runs a fresh copy of `examples/stockflux` (its own state directory, free loopback
ports); the stack seeds 5,000 securities (`Custom::SecuritiesSeed`) and the search indexer
builds the index from the table's stream. "Index complete" is when a search for the last
seeded security's symbol finds it (the stream is ordered, so every earlier one is indexed).
Then one client process sends sequential GETs over one keep-alive HTTP connection to the API
port, each timed from sending to the last body byte, after 20 unrecorded warm-up requests of
each kind:

- **search**: a deterministic mix (`bench/stockflux/queries.py`, seed 7) of exact symbols,
  symbol prefixes (1-3 characters), name prefixes (2-4), whole name words (long words go
  through the filtered plan), two-word prefixes ("soc gen" style) and accented names as
  written; every answer must be `200` with `success: true`; bounded by `--queries` and
  `--seconds`.
- **OHLC**: `GET /ohlc/{symbol}/{today - 2 years}` for `--ohlc-symbols` symbols: the first
  request of each is a cache miss (the synthetic provider walks the symbol's history), the
  next two are hits from the DynamoDB cache.
- **news**: `GET /news/{symbol}` over the curated symbols (the ones the feed covers most).
- **security**: `GET /securities/{symbol}` (the security and 30 days of OHLC, cached).

The client shares the machine's 2 CPUs with fogbank and its function workers; other work on
the machine (the load average above) slows every figure.
"""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stockflux", description=__doc__)
    parser.add_argument("--queries", type=int, default=1200, help="searches (≤ 5000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="search time budget (≤ 120)")
    parser.add_argument("--ohlc-symbols", type=int, default=40, help="symbols for OHLC (≤ 200)")
    parser.add_argument("--deploy-deadline", type=float, default=300.0)
    parser.add_argument("--index-deadline", type=float, default=300.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    args.queries = min(max(args.queries, 12), 5000)
    args.seconds = min(max(args.seconds, 1.0), 120.0)
    args.ohlc_symbols = min(max(args.ohlc_symbols, 1), 200)
    return args


def _ok(status: int, body: Any, what: str) -> None:
    if status != 200:
        raise BenchError(f"{what} answered {status}: {str(body)[:300]}")


def wait_for_index(client: ApiClient, deadline_s: float) -> float:
    last = universe(UNIVERSE_SIZE)[-1]
    began = time.perf_counter()
    while True:
        status, body, _ = client.get(search_path(last.symbol))
        if status == 200 and any(hit["symbol"] == last.symbol for hit in body["data"]):
            return time.perf_counter() - began
        if time.perf_counter() - began > deadline_s:
            raise BenchError(f"the search index was not complete {deadline_s:g} s after deploy")
        time.sleep(0.25)


def measure_search(client: ApiClient, args: argparse.Namespace) -> dict[str, Any]:
    mix = query_mix(args.queries, UNIVERSE_SIZE)
    for query in mix[:20]:
        client.get(search_path(query.text))
    overall = Timings()
    by_kind = {kind: Timings() for kind in KINDS}
    results: dict[str, list[int]] = {kind: [] for kind in KINDS}
    examples = {kind: next(q.text for q in mix if q.kind == kind) for kind in KINDS}
    deadline = time.perf_counter() + args.seconds
    for query in mix:
        if time.perf_counter() > deadline:
            break
        status, body, elapsed_ms = client.get(search_path(query.text))
        _ok(status, body, f"search {query.text!r}")
        if not body.get("success"):
            raise BenchError(f"search {query.text!r} answered {body}")
        overall.add(elapsed_ms)
        by_kind[query.kind].add(elapsed_ms)
        results[query.kind].append(len(body["data"]))
    return {"all": overall.summary(), "by_kind": {
        kind: {**timings.summary(), "example": examples[kind],
               "mean_results": statistics.fmean(results[kind]) if results[kind] else 0.0}
        for kind, timings in by_kind.items() if timings.samples_ms}}


def measure_ohlc(client: ApiClient, symbols: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    start = (datetime.now(UTC).date() - timedelta(days=730)).isoformat()
    miss, hit = Timings(), Timings()
    for symbol in symbols:
        status, body, elapsed_ms = client.get(f"/ohlc/{symbol}/{start}")
        _ok(status, body, f"ohlc {symbol}")
        miss.add(elapsed_ms)
        for _ in range(2):
            status, body, elapsed_ms = client.get(f"/ohlc/{symbol}/{start}")
            _ok(status, body, f"ohlc {symbol}")
            hit.add(elapsed_ms)
    return miss.summary(), hit.summary()


def measure_paths(client: ApiClient, paths: list[str], rounds: int) -> dict[str, Any]:
    for path in paths[:20]:
        client.get(path)
    timings = Timings()
    for index in range(rounds):
        path = paths[index % len(paths)]
        status, body, elapsed_ms = client.get(path)
        _ok(status, body, path)
        timings.add(elapsed_ms)
    return timings.summary()


def index_items(edge_url: str) -> int | None:
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name="us-east-1")
    dynamodb = session.client("dynamodb", endpoint_url=edge_url)
    for name in dynamodb.list_tables()["TableNames"]:
        if "SearchIndexTable" in name:
            return int(dynamodb.describe_table(TableName=name)["Table"]["ItemCount"])
    return None


def run(args: argparse.Namespace) -> dict[str, Any]:
    began = time.perf_counter()
    result: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                              "machine": machine(), "universe_size": UNIVERSE_SIZE, "notes": []}
    fogbank = Fogbank()
    result["fogbank"] = fogbank.version()
    with tempfile.TemporaryDirectory(prefix="bench-stockflux-") as workdir:
        app = Path(workdir) / "stockflux"
        shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".fogbank", "__pycache__",
                                                                    "tests"))
        try:
            started = time.perf_counter()
            fogbank.start(app / "template.yaml", Path(workdir))
            deployment = fogbank.deploy(args.deploy_deadline)
            result["deployed_s"] = round(time.perf_counter() - started, 2)
            route = urlsplit(deployment.route_url)
            client = ApiClient(f"{route.scheme}://{route.netloc}")
            result["index_s"] = round(wait_for_index(client, args.index_deadline), 2)
            result["index_items"] = index_items(deployment.endpoint_url)
            result["search"] = measure_search(client, args)
            securities = universe(UNIVERSE_SIZE)
            step = max(1, len(securities) // args.ohlc_symbols)
            symbols = [s.symbol for s in securities[::step]][:args.ohlc_symbols]
            result["ohlc_miss"], result["ohlc_hit"] = measure_ohlc(client, symbols)
            curated = [s.symbol for s in securities[:100]]
            result["news"] = measure_paths(client, [f"/news/{s}" for s in curated], 300)
            result["security"] = measure_paths(client, [f"/securities/{s}" for s in curated],
                                               300)
            client.close()
        except (BenchError, RequestFailed) as exc:
            result["error"] = str(exc)
            result["notes"].append(f"the run stopped early: {exc}")
        finally:
            fogbank.stop()
    result["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    result["elapsed_s"] = round(time.perf_counter() - began, 1)
    result["notes"].append(f"today is {date.today().isoformat()}: OHLC ranges end on the last "
                           "trading day before it, so the miss figure covers ~500 bars")
    return result


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    run_result = run(args)
    text = report.markdown(run_result, METHOD)
    print(text)
    if not args.no_write:
        report.write(run_result, METHOD, BENCH_DIR / "RESULTS-stockflux.md",
                     Path(__file__).resolve().parent / "results-stockflux.json")
    return 1 if "error" in run_result else 0


if __name__ == "__main__":
    sys.exit(main())

"""Turn the measured dicts into the stdout table, ``results-dynamodb.json`` and
``RESULTS-dynamodb.md``: figures per server, ratios fogbank/moto and fogbank/dynalite, targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.dynamodb.workload import FULL_SEED_ITEMS
from bench.report import markdown_table, one_line, ratio, reader_at, text_table

Result = dict[str, Any]
Reader = Callable[[Result], float | None]
FULL_LOAD_TARGET_S = 180.0


def _full_load_s(result: Result) -> float | None:
    rate = reader_at("seed", "items_per_s")(result)
    return FULL_SEED_ITEMS / rate if rate else None


def _boto3_vs_canned(processes: int) -> Callable[[Result, Result | None], float | None]:
    def read(result: Result, canned: Result | None) -> float | None:
        mine = reader_at("boto3", f"p{processes}", "calls_per_s")(result)
        ceiling = reader_at("boto3", f"p{processes}", "calls_per_s")(canned) if canned else None
        return mine / ceiling if mine and ceiling else None
    return read


@dataclass(frozen=True)
class Metric:
    label: str
    read: Reader
    unit: str
    target: str = ""
    meets: Callable[[float], bool] | None = None
    higher_is_better: bool = False


def _wrk(operation: str, field: str) -> Reader:
    return reader_at("wrk", operation, field)


METRICS: tuple[Metric, ...] = (
    Metric("GetItem ops/s, 16 conn", _wrk("GetItem", "ok_per_s"), "ops/s",
           "≥ 15,000 (durable)", lambda v: v >= 15_000, True),
    Metric("GetItem p50", _wrk("GetItem", "p50_ms"), "ms"),
    Metric("GetItem p99", _wrk("GetItem", "p99_ms"), "ms"),
    Metric("PutItem ops/s, 16 conn", _wrk("PutItem", "ok_per_s"), "ops/s", higher_is_better=True),
    Metric("PutItem p50", _wrk("PutItem", "p50_ms"), "ms"),
    Metric("PutItem p99", _wrk("PutItem", "p99_ms"), "ms"),
    Metric("Query 100-item pages/s, 16 conn", _wrk("Query", "ok_per_s"), "ops/s",
           "≥ 1,000", lambda v: v >= 1_000, True),
    Metric("Query p50", _wrk("Query", "p50_ms"), "ms"),
    Metric("Query p99", _wrk("Query", "p99_ms"), "ms"),
    Metric("UpdateItem+condition ops/s, 16 conn", _wrk("UpdateItem", "ok_per_s"), "ops/s",
           higher_is_better=True),
    Metric("UpdateItem p50", _wrk("UpdateItem", "p50_ms"), "ms"),
    Metric("UpdateItem p99", _wrk("UpdateItem", "p99_ms"), "ms"),
    Metric("boto3 GetItem calls/s, 1 process", reader_at("boto3", "p1", "calls_per_s"), "ops/s",
           higher_is_better=True),
    Metric("boto3 GetItem p50, 1 process", reader_at("boto3", "p1", "p50_ms"), "ms"),
    Metric("boto3 GetItem calls/s, 4 processes", reader_at("boto3", "p4", "calls_per_s"), "ops/s",
           higher_is_better=True),
    Metric("seed load items/s (BatchWriteItem, 4 proc)", reader_at("seed", "items_per_s"), "ops/s",
           higher_is_better=True),
    Metric("seed: full 3.15 M items, extrapolated", _full_load_s, "s", "< 3 min",
           lambda v: v < FULL_LOAD_TARGET_S),
    Metric("seed: RSS after load", reader_at("seed", "rss_mb_after"), "MiB"),
    Metric("month query p50, first 100-item page",
           reader_at("seed", "queries", "page100", "p50_ms"), "ms", "< 5 ms", lambda v: v < 5),
    Metric("month query p50, first 1 MB page", reader_at("seed", "queries", "page1mb", "p50_ms"),
           "ms"),
    Metric("server CPU per GetItem", _wrk("GetItem", "server_cpu_us_per_op"), "us",
           "≤ 66.7 µs (15,000/s on one core)", lambda v: v <= 1e6 / 15_000),
    Metric("server CPU per PutItem", _wrk("PutItem", "server_cpu_us_per_op"), "us"),
    Metric("server CPU per UpdateItem", _wrk("UpdateItem", "server_cpu_us_per_op"), "us"),
    Metric("server CPU per Query page", _wrk("Query", "server_cpu_us_per_op"), "us",
           "≤ 1,000 µs (1,000/s on one core)", lambda v: v <= 1_000),
    Metric("server CPU per seed item", reader_at("seed", "server_cpu_us_per_op"), "us",
           "≤ 57 µs (3.15 M in 3 min on one core)", lambda v: v <= 180e6 / FULL_SEED_ITEMS),
    Metric("start → answers ListTables", reader_at("ready_s"), "s"),
    Metric("preload 20,000 items (1 conn) items/s", reader_at("preload", "items_per_s"), "ops/s",
           higher_is_better=True),
)

# (label, reader of fogbank's fraction of the canned ceiling, target)
CEILING_METRICS = (
    ("boto3 GetItem, 1 process: fogbank ÷ canned", _boto3_vs_canned(1), 0.9),
    ("boto3 GetItem, 4 processes: fogbank ÷ canned", _boto3_vs_canned(4), 0.9),
)
RATIO_PEERS = ("moto", "dynalite (memory)", "dynalite (disk)")


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.1f} s" if value >= 10 else f"{value:.2f} s"
    if unit == "ops/s":
        return f"{value:,.0f}"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "us":
        return f"{value:,.0f} µs" if value >= 100 else f"{value:.1f} µs"
    return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"


def rows(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: metric, each server, fogbank/each peer, target, fogbank meets it."""
    servers = [r for r in results if r["peer"] != "canned"]
    by_name = {r["peer"]: r for r in servers}
    fogbank = by_name.get("fogbank")
    peers = [name for name in RATIO_PEERS if name in by_name] if fogbank else []
    header = ["metric", *(r["peer"] for r in servers), *(f"fogbank/{name}" for name in peers),
              "target", "fogbank meets"]
    table: list[list[str]] = []
    for metric in METRICS:
        mine = metric.read(fogbank) if fogbank else None
        row = [metric.label, *(fmt(metric.read(r), metric.unit) for r in servers)]
        row += [ratio(mine, metric.read(by_name[name])) for name in peers]
        met = "" if metric.meets is None or mine is None else ("yes" if metric.meets(mine)
                                                                  else "NO")
        table.append([*row, metric.target, met])
    return header, table


def ceiling_lines(results: list[Result]) -> list[str]:
    """The client-bound comparison: each server's boto3 calls/s as a fraction of canned."""
    canned = next((r for r in results if r["peer"] == "canned" and not r.get("error")), None)
    if canned is None:
        return ["- canned-response ceiling: not measured"]
    one = fmt(reader_at("boto3", "p1", "calls_per_s")(canned), "ops/s")
    one_p50 = fmt(reader_at("boto3", "p1", "p50_ms")(canned), "ms")
    four = fmt(reader_at("boto3", "p4", "calls_per_s")(canned), "ops/s")
    lines = [f"- canned-response server (client-bound ceiling): {one} GetItem calls/s from 1 "
             f"boto3 process (p50 {one_p50}), {four} from 4."]
    for result in results:
        if result["peer"] == "canned":
            continue
        parts = []
        for processes in (1, 4):
            share = _boto3_vs_canned(processes)(result, canned)
            if share is not None:
                verdict = "within 10 %" if share >= 0.9 else "NOT within 10 %"
                parts.append(f"{processes} process(es) {share:.0%} of canned ({verdict})")
        if parts:
            lines.append(f"- {result['peer']}: " + ", ".join(parts))
    return lines


def notes(results: list[Result]) -> list[str]:
    lines: list[str] = []
    for result in results:
        durable = "durable" if result.get("durable") else "in memory"
        lines.append(f"- **{result['peer']}** {result.get('version', '?')} ({durable})")
        for operation, run in (result.get("wrk") or {}).items():
            failed = run.get("non_2xx", 0) + run.get("socket_errors", 0)
            if failed:
                lines.append(f"  - {operation}: {failed:,} of {run['requests']:,} answers were "
                             f"errors (only 2xx answers are counted in ops/s)")
        seed = result.get("seed")
        if seed:
            page = seed.get("queries", {}).get("page1mb", {})
            held = (f"skipped: {page['skipped']}" if "skipped" in page
                    else f"held {page.get('items_p50', '—')} items")
            lines.append(f"  - seed load: {seed['items']:,} items in {seed['seconds']:g} s "
                         f"({'complete' if seed['complete'] else 'stopped at the budget'}, "
                         f"{seed['retries']} UnprocessedItems/throttle retries); month query "
                         f"first 1 MB page {held}")
        if result.get("step_s"):
            lines.append("  - step times: " + ", ".join(
                f"{step} {seconds:g} s" for step, seconds in result["step_s"].items()))
        lines += [f"  - {finding}" for finding in result.get("findings", [])]
        if result.get("error"):
            lines.append(f"  - **error:** `{one_line(result['error'])}`")
    return lines


def render_markdown(run: dict[str, Any], method: str) -> str:
    header, table = rows(run["results"])
    box = run["machine"]
    return "\n".join([
        "# fogbank DynamoDB bench results",
        "",
        f"Run {run['date']} on {box['nproc']} CPU(s), {box['cpu_model']}, Python "
        f"{box['python']}, Linux {box['kernel']}, {box['wrk']}; 1-minute load average "
        f"{box['loadavg_1m_at_start']} at the start and {run.get('loadavg_1m_at_end', '?')} at "
        f"the end (other work on the machine slows every figure). Whole run "
        f"{run.get('elapsed_s', '?')} s. Seed workload at {run['seed_fraction']:g} of a "
        f"meter-year. Written by `python -m bench.dynamodb`; rerun it to refresh this file.",
        "",
        markdown_table(header, table),
        "",
        "Ratios are fogbank ÷ peer: above 1× is better for ops/s, below 1× for times and memory. "
        "“fogbank meets” compares fogbank's own figure with the issue's target.",
        "",
        "## What this run does not show",
        "",
        "- The full 3.15 M-item seed load was not run: the load time above is the scaled run's "
        "rate extrapolated linearly (a table 20× larger is unlikely to load faster).",
        "- moto has no durable mode; its seed load is bounded (see its notes), so its month "
        "queries ran on the part it loaded, and its 1 MB month page is skipped when the "
        "100-item page alone takes over 500 ms.",
        "- The load generators (wrk, boto3 and loader processes) share the 2 CPUs with the "
        "server, and other work on the machine (see the load average) takes its share: absolute "
        "figures are lower than on an idle machine; the ratios between servers measured in the "
        "same run are the figures to read.",
        "",
        "## Client-bound check (boto3 GetItem vs a canned-response server)",
        "",
        *ceiling_lines(run["results"]),
        "",
        "## Servers and findings",
        "",
        *notes(run["results"]),
        "",
        "## Method",
        "",
        method,
        "",
    ])


def print_table(results: list[Result]) -> str:
    header, table = rows(results)
    return text_table(header, table)

"""Turn the measured dicts into the stdout table, ``results.json`` and ``RESULTS.md``."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Result = dict[str, Any]


@dataclass(frozen=True)
class Metric:
    label: str
    read: Callable[[Result], float | None]
    unit: str
    target: str = ""
    meets: Callable[[float], bool] | None = None
    higher_is_better: bool = False


def reader_at(*path: str) -> Callable[[Result], float | None]:
    def read(result: Result) -> float | None:
        value: Any = result
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value) if isinstance(value, int | float) else None
    return read


METRICS: tuple[Metric, ...] = (
    Metric("up: start → route answers", reader_at("ready_s"), "s", "< 0.5 s", lambda v: v < 0.5),
    Metric("up: start → deployed", reader_at("deployed_s"), "s"),
    Metric("up again (same app, state kept): start → route answers",
           reader_at("restart_ready_s"), "s", "< 0.5 s", lambda v: v < 0.5),
    Metric("cold: first API request", reader_at("api_cold_ms"), "ms", "≤ 20 ms", lambda v: v <= 20),
    Metric("cold: first Lambda Invoke", reader_at("invoke_cold_ms"), "ms", "≤ 20 ms",
           lambda v: v <= 20),
    Metric("API warm p50, 1 conn", reader_at("wrk", "c1", "p50_ms"), "ms", "≤ 1 ms",
           lambda v: v <= 1),
    Metric("API warm p99, 1 conn", reader_at("wrk", "c1", "p99_ms"), "ms"),
    Metric("API warm p50, new conn per request", reader_at("api_new_connection_p50_ms"), "ms"),
    Metric("API req/s, 1 conn", reader_at("wrk", "c1", "requests_per_s"), "req/s",
           higher_is_better=True),
    Metric("API warm p50, 16 conn", reader_at("wrk", "c16", "p50_ms"), "ms"),
    Metric("API warm p99, 16 conn", reader_at("wrk", "c16", "p99_ms"), "ms"),
    Metric("API req/s, 16 conn", reader_at("wrk", "c16", "requests_per_s"), "req/s", "≥ 5,000",
           lambda v: v >= 5000, higher_is_better=True),
    Metric("Invoke round trip p50 (boto3)", reader_at("invoke_p50_ms"), "ms"),
    Metric("Invoke round trip p99 (boto3)", reader_at("invoke_p99_ms"), "ms"),
    Metric("idle RSS, process tree", reader_at("idle_rss_mb"), "MiB"),
)


def machine() -> dict[str, Any]:
    cpu_model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_model": cpu_model,
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
            "python": platform.python_version(), "kernel": platform.release(),
            "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr)
            else "?"}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "req/s":
        return f"{value:,.0f}"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def ratio(mine: float | None, theirs: float | None) -> str:
    if mine is None or theirs is None or theirs == 0:
        return "—"
    return f"{mine / theirs:.3g}×"


def rows(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: metric, each peer, fogbank/MiniStack, target, fogbank meets it."""
    names = [r["peer"] for r in results]
    by_name = {r["peer"]: r for r in results}
    header = ["metric", *names]
    ratio_pair = ("fogbank", "MiniStack")
    has_ratio = all(name in by_name for name in ratio_pair)
    if has_ratio:
        header.append("fogbank/MiniStack")
    header += ["target", "fogbank meets"]
    table: list[list[str]] = []
    for metric in METRICS:
        row = [metric.label, *(_fmt(metric.read(r), metric.unit) for r in results)]
        if has_ratio:
            row.append(ratio(metric.read(by_name["fogbank"]), metric.read(by_name["MiniStack"])))
        mine = metric.read(by_name["fogbank"]) if "fogbank" in by_name else None
        met = "" if metric.meets is None or mine is None else ("yes" if metric.meets(mine)
                                                                  else "NO")
        row += [metric.target, met]
        table.append(row)
    return header, table


def text_table(header: list[str], table: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
             for row in [header, *table]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: list[str], table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


def notes(results: list[Result]) -> list[str]:
    lines: list[str] = []
    for result in results:
        peer = result["peer"]
        lines.append(f"- **{peer}** {result.get('version', '?')}, template "
                     f"`{result.get('template', '—')}`, idle processes: "
                     f"{result.get('idle_processes', '—')}, RSS after load: "
                     f"{_fmt(result.get('loaded_rss_mb'), 'MiB')}, Invoke samples: "
                     f"{result.get('invoke_count', '—')}, first API request needed "
                     f"{result.get('api_cold_attempts', '—')} attempt(s).")
        lines += [f"  - {key.replace('_', ' ')}: {value}"
                  for key, value in result.get("details", {}).items()]
        lines += [f"  - {finding}" for finding in result.get("findings", [])]
        if result.get("error"):
            lines.append(f"  - **error:** `{one_line(result['error'])}`")
    return lines


def one_line(text: str) -> str:
    """The first line and, for a long message (a traceback), its last two lines; backticks
    replaced so the line can sit inside a Markdown code span."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) > 4:
        lines = [lines[0], "…", *lines[-2:]]
    return " ⏎ ".join(lines).replace("`", "'")


def write_json(path: Path, run: dict[str, Any]) -> None:
    path.write_text(json.dumps(run, indent=2, default=str) + "\n")


# Each of these benches writes its own results file; this one points at them.
OTHER_RESULTS = [
    "- DynamoDB against moto and dynalite: `RESULTS-dynamodb.md` (`python -m bench.dynamodb`)",
    "- S3, SQS, SNS and the event wires against moto and MiniStack: `RESULTS-events.md`"
    " (`python -m bench.events`)",
    "- StockFlux search, OHLC and news through the API: `RESULTS-stockflux.md`"
    " (`python -m bench.stockflux`)",
    "- product-data full refresh (100,000 products, lost and duplicated deliveries counted):"
    " `RESULTS-product-data.md` (`python -m bench.product_data`)",
    "- energy-billing meter-year load and bill queries: `RESULTS-energy-billing.md`"
    " (`python -m bench.energy_billing`)",
]


def write_markdown(path: Path, run: dict[str, Any], method: str) -> None:
    header, table = rows(run["results"])
    box = run["machine"]
    text = "\n".join([
        "# fogbank bench results",
        "",
        f"Run {run['date']} on {box['nproc']} CPU(s), {box['cpu_model']}, Python "
        f"{box['python']}, Linux {box['kernel']}, {box['wrk']}; 1-minute load average "
        f"{box['loadavg_1m_at_start']} when the run started"
        + (f" and {box['loadavg_1m_at_end']} when it ended" if "loadavg_1m_at_end" in box
           else "")
        + " (other work on the machine slows every figure). "
        "Written by `python -m bench`; rerun it to refresh this file.",
        "",
        markdown_table(header, table),
        "",
        "Ratios are fogbank ÷ MiniStack: below 1× is better for times and memory, above 1× "
        "is better for req/s.",
        "",
        "## Peers and findings",
        "",
        *notes(run["results"]),
        "",
        "What is known about each peer's figures (and why) is in `bench/README.md`.",
        "",
        "## The other workloads",
        "",
        *OTHER_RESULTS,
        "",
        "## Method",
        "",
        method,
        "",
    ])
    path.write_text(text)

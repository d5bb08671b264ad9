"""``bench/RESULTS-stockflux.md`` and the raw JSON from one run's dict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEARCH_P50_TARGET_MS = 20.0


def _ms(value: Any) -> str:
    return "—" if value is None else f"{value:,.2f} ms"


def _s(value: Any) -> str:
    return "—" if value is None else f"{value:,.1f} s"


def meets_target(run: dict[str, Any]) -> bool | None:
    p50 = run.get("search", {}).get("all", {}).get("p50_ms")
    return None if p50 is None else p50 < SEARCH_P50_TARGET_MS


def markdown(run: dict[str, Any], method: str) -> str:
    box = run["machine"]
    search = run.get("search", {})
    overall = search.get("all", {})
    meets = meets_target(run)
    verdict = {True: "yes", False: "NO", None: "not measured"}[meets]
    lines = [
        "# fogbank bench: StockFlux market data",
        "",
        f"Run {run['date']} on {box['nproc']} CPU(s), {box['cpu_model']}, Python "
        f"{box['python']}, Linux {box['kernel']}; 1-minute load average "
        f"{box['loadavg_1m_at_start']} at the start and {run.get('loadavg_1m_at_end', '?')} at "
        f"the end (the machine is shared: other work slows every figure). Whole run "
        f"{_s(run.get('elapsed_s'))}. Written by `python -m bench.stockflux`; rerun it to "
        f"refresh this file.",
        "",
        "No peer: this workload is an application (HTTP API → Lambda → DynamoDB, a stream "
        "consumer, SSM), not one service, so nothing runs it side by side; the figure to read is "
        f"the search p50 against its target of < {SEARCH_P50_TARGET_MS:g} ms.",
        "",
        "| metric | fogbank | target | fogbank meets |",
        "|---|---|---|---|",
        f"| search p50, {overall.get('count', 0)} queries over {run.get('universe_size', '?'):,} "
        f"securities | {_ms(overall.get('p50_ms'))} | < {SEARCH_P50_TARGET_MS:g} ms | {verdict} |",
        f"| search p90 | {_ms(overall.get('p90_ms'))} |  |  |",
        f"| search p99 | {_ms(overall.get('p99_ms'))} |  |  |",
    ]
    for label, key in (("OHLC p50, cache miss (2 years, synthetic provider)", "ohlc_miss"),
                       ("OHLC p50, cache hit", "ohlc_hit"),
                       ("news p50 (latest 10)", "news"),
                       ("security + 30 days OHLC p50 (cached)", "security")):
        figures = run.get(key, {})
        lines.append(f"| {label} | {_ms(figures.get('p50_ms'))} |  |  |")
    lines += [
        f"| deploy: `fogbank up` start → stack up (seed included) | {_s(run.get('deployed_s'))} "
        "|  |  |",
        f"| search index complete after the stack is up | {_s(run.get('index_s'))} |  |  |",
        f"| search index items | {run.get('index_items', '—'):,} |  |  |",
        "",
        "## Search by kind of query",
        "",
        "| kind | example | queries | p50 | p99 | mean results |",
        "|---|---|---|---|---|---|",
    ]
    for kind, figures in search.get("by_kind", {}).items():
        lines.append(f"| {kind} | `{figures.get('example', '')}` | {figures['count']} | "
                     f"{_ms(figures['p50_ms'])} | {_ms(figures['p99_ms'])} | "
                     f"{figures.get('mean_results', 0):.1f} |")
    if run.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in run["notes"]]
    lines += ["", "## Method", "", method]
    return "\n".join(lines) + "\n"


def write(run: dict[str, Any], method: str, markdown_path: Path, json_path: Path) -> None:
    markdown_path.write_text(markdown(run, method))
    json_path.write_text(json.dumps(run, indent=2, default=str) + "\n")

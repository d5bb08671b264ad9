"""The energy-billing bench's table, JSON and Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Run = dict[str, Any]


def _get(run: Run, *path: str) -> Any:
    value: Any = run
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if isinstance(value, int) or abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def rows(run: Run) -> list[tuple[str, str, str, str]]:
    """(metric, value, target, met) rows."""
    load, scale = run.get("load", {}), run.get("scale", {})
    table = [
        ("data points loaded (rows × 30 line items)", _num(scale.get("data_points")), "", ""),
        ("rows (half-hour revisions) / files", f"{_num(scale.get('rows'))} / "
         f"{_num(scale.get('files'))}", "", ""),
        ("load time: first upload → queue drained", _num(load.get("load_s"), "s"), "", ""),
        ("load throughput, data points/s", _num(load.get("data_points_per_s")), "", ""),
        ("load throughput, rows (DynamoDB items)/s", _num(load.get("rows_per_s")), "", ""),
        *([("full meter-year at this rate (extrapolated)", _num(load.get("meter_year_s"), "s"),
            "", "")] if (scale.get("rows") or 0) < 105_120 else []),
        ("peak RSS during the load, server + Lambda workers",
         _num(_get(run, "memory", "peak_tree_mb"), "MiB"), "bounded", ""),
        ("peak RSS, whole run (+ aggregation and API functions)",
         _num(_get(run, "memory", "peak_tree_run_mb"), "MiB"), "", ""),
        ("peak RSS, server process alone", _num(_get(run, "memory", "peak_server_mb"), "MiB"),
         "", ""),
        ("CPU during the load: server process / Lambda workers",
         f"{_num(_get(run, 'memory', 'load_cpu_server_s'), 's')} / "
         f"{_num(_get(run, 'memory', 'load_cpu_lambda_workers_s'), 's')}", "", ""),
        ("items stored = rows sent", f"{_num(_get(run, 'verify', 'items'))} = "
         f"{_num(scale.get('rows'))}", "equal",
         "yes" if _get(run, "verify", "items") == scale.get("rows") else "NO"),
        ("messages in the DLQ", _num(_get(run, "verify", "dlq")), "0",
         "yes" if _get(run, "verify", "dlq") == 0 else "NO"),
        ("aggregation (days + months)", _num(_get(run, "aggregation", "aggregation_s"), "s"),
         "", ""),
    ]
    for key, label in (("month_raw", "month bill from half-hours (before aggregation)"),
                       ("month_aggregated", "month bill (aggregates)"),
                       ("range_mixed", "16-day bill, partial days at the edges"),
                       ("day_half_hours", "one day's 48 half-hours"),
                       ("year_aggregated", "year bill (12 month aggregates)")):
        result = _get(run, "bills", key)
        if result is None:
            continue
        target = "< 50 ms" if key == "month_aggregated" else ""
        met = ("yes" if result["p50_ms"] < 50 else "NO") if target else ""
        table.append((f"{label} p50", _num(result["p50_ms"], "ms"), target, met))
        table.append((f"{label} p99", _num(result["p99_ms"], "ms"), "", ""))
    return table


def text_table(run: Run) -> str:
    table = rows(run)
    width = max(len(r[0]) for r in table)
    return "\n".join(f"{r[0]:<{width}}  {r[1]:>22}  {r[2]:>8}  {r[3]}" for r in table)


def write_json(path: Path, run: Run) -> None:
    path.write_text(json.dumps(run, indent=2, default=str) + "\n")


def write_markdown(path: Path, run: Run, method: str, findings: str) -> None:
    info, scale = run["machine"], run["scale"]
    lines = [
        "# Energy billing — one meter-year through the real pipeline",
        "",
        f"Run {run['started']} on {info['nproc']} CPU(s), {info['cpu_model']}, Python "
        f"{info['python']}; 1-minute load average {info['loadavg_1m_at_start']} at the start "
        f"and {run.get('loadavg_1m_at_end', '?')} at the end (other work on this shared machine "
        f"slows every figure). fogbank {run.get('fogbank', '?')}. Scale: {scale['meters']} "
        f"meter(s) × {scale['days']} days from {scale['start']} × {scale['revisions']} "
        f"revisions; worker concurrency {scale['worker_concurrency']}. Whole run "
        f"{run.get('total_s', '?')} s. Written by `python -m bench.energy_billing "
        f"{run.get('argv', '')}`.".replace("  ", " "),
        "",
        "| metric | fogbank | target | meets |",
        "|---|---|---|---|",
        *(f"| {m} | {v} | {t} | {ok} |" for m, v, t, ok in rows(run)),
        "",
    ]
    if run.get("error"):
        lines += [f"**The run stopped early:** {run['error']}", ""]
    lines += ["## Findings", "", findings.strip(), "", "## Method", "", method.strip(), ""]
    path.write_text("\n".join(lines))

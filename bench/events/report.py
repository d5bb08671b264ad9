"""Turn the measured dicts into the stdout table, ``results-events.json`` and
``RESULTS-events.md``: figures per server, ratios fogbank/moto and fogbank/MiniStack, targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.report import markdown_table, one_line, ratio, reader_at, text_table

Result = dict[str, Any]
Reader = Callable[[Result], float | None]
PEERS = ("moto", "MiniStack")


@dataclass(frozen=True)
class Metric:
    label: str
    read: Reader
    unit: str
    target: str = ""
    meets: Callable[[float], bool] | None = None


def _three_times_moto(label: str, *path: str) -> Metric:
    return Metric(label, reader_at(*path), "/s", "≥ 3× moto")


def _ops() -> list[Metric]:
    metrics: list[Metric] = []
    for size in ("1KiB", "1MiB"):
        for verb in ("put", "get"):
            for procs in (1, 4):
                metrics.append(_three_times_moto(
                    f"S3 {verb.upper()} {size}, {procs} proc ops/s",
                    "ops", "s3", f"{verb}_{size}_p{procs}", "per_s"))
    for procs in (1, 4):
        metrics.append(_three_times_moto(f"SQS SendMessage, {procs} proc msg/s",
                                         "ops", "sqs", f"send_p{procs}", "per_s"))
    for depth in (0, 10_000, 30_000):
        for procs in (1, 4):
            metrics.append(Metric(
                f"SQS Receive+Delete, {depth:,} queued, {procs} proc msg/s",
                reader_at("ops", "sqs", f"receive_{depth}_p{procs}", "per_s"), "/s",
                "≥ 3,000, flat" if procs == 4 else "", (lambda v: v >= 3000) if procs == 4
                else None))
    for procs in (1, 4):
        metrics.append(_three_times_moto(f"SNS Publish (→ 3 SQS queues), {procs} proc ops/s",
                                         "ops", "sns", f"publish_p{procs}", "per_s"))
        metrics.append(Metric(f"SNS fan-out: last copy queued after the last Publish, {procs} proc",
                              reader_at("ops", "sns", f"publish_p{procs}", "delivery_lag_s"),
                              "s"))
    return metrics


def _wires() -> list[Metric]:
    metrics: list[Metric] = []
    for wire, label in (("s3", "S3 PUT"), ("sqs", "SQS send"), ("stream", "DynamoDB write")):
        metrics.append(Metric(f"{label} → handler start p50", reader_at("wires", wire, "p50_ms"),
                              "ms", "≤ 10 ms", lambda v: v <= 10))
        metrics.append(Metric(f"{label} → handler start p99", reader_at("wires", wire, "p99_ms"),
                              "ms"))
    for run, label in (("paced", "paced 2,000 msg/s"), ("flood", "unpaced")):
        # The paced run offers 2,000 msg/s, so its rate cannot exceed that: the throughput
        # target is read on the unpaced run, the latency target on the paced one.
        metrics.append(Metric(f"SQS → Lambda → DynamoDB, 10,000 msgs {label}: msg/s",
                              reader_at("wires", f"pipeline_{run}", "per_s"), "/s",
                              "≥ 2,000" if run == "flood" else "",
                              (lambda v: v >= 2000) if run == "flood" else None))
        metrics.append(Metric(f"SQS → Lambda → DynamoDB, {label}: send → write p50",
                              reader_at("wires", f"pipeline_{run}", "p50_ms"), "ms",
                              "≤ 20 ms" if run == "paced" else "",
                              (lambda v: v <= 20) if run == "paced" else None))
    return metrics


METRICS: tuple[Metric, ...] = (*_ops(), *_wires())


def _cpu() -> list[Metric]:
    """Server CPU time per operation of the single-operation runs."""
    paths: list[tuple[str, tuple[str, ...]]] = []
    for size in ("1KiB", "1MiB"):
        for verb in ("put", "get"):
            for procs in (1, 4):
                paths.append((f"S3 {verb.upper()} {size}, {procs} proc",
                              ("s3", f"{verb}_{size}_p{procs}")))
    for procs in (1, 4):
        paths.append((f"SQS SendMessage, {procs} proc", ("sqs", f"send_p{procs}")))
    for depth in (0, 10_000, 30_000):
        for procs in (1, 4):
            paths.append((f"SQS Receive+Delete (per message), {depth:,} queued, {procs} proc",
                          ("sqs", f"receive_{depth}_p{procs}")))
    for procs in (1, 4):
        paths.append((f"SNS Publish (→ 3 SQS queues), {procs} proc",
                      ("sns", f"publish_p{procs}")))
    return [Metric(label, reader_at("ops", *path, "server_cpu_ms"), "ms")
            for label, path in paths]


CPU_METRICS: tuple[Metric, ...] = tuple(_cpu())


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "/s":
        return f"{value:,.0f}"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"


def rows(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    by_name = {r["server"]: r for r in results}
    names = [r["server"] for r in results]
    peers = [p for p in PEERS if p in by_name and "fogbank" in by_name]
    header = ["metric", *names, *(f"fb/{p}" for p in peers), "target", "fogbank meets"]
    table: list[list[str]] = []
    mine_result = by_name.get("fogbank")
    for metric in METRICS:
        mine = metric.read(mine_result) if mine_result else None
        row = [metric.label, *(_fmt(metric.read(r), metric.unit) for r in results)]
        row += [ratio(mine, metric.read(by_name[p])) for p in peers]
        met = ""
        if metric.target == "≥ 3× moto" and "moto" in by_name:
            theirs = metric.read(by_name["moto"])
            if mine is not None and theirs:
                met = "yes" if mine >= 3 * theirs else "NO"
        elif metric.meets is not None and mine is not None:
            met = "yes" if metric.meets(mine) else "NO"
        table.append([*row, metric.target, met])
    return header, table


def cpu_rows(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    """Server CPU ms per operation: figures and fogbank ÷ peer (below 1× is better)."""
    by_name = {r["server"]: r for r in results}
    peers = [p for p in PEERS if p in by_name and "fogbank" in by_name]
    header = ["server CPU per operation", *(r["server"] for r in results),
              *(f"fb/{p}" for p in peers)]
    table: list[list[str]] = []
    for metric in CPU_METRICS:
        mine = metric.read(by_name["fogbank"]) if "fogbank" in by_name else None
        table.append([metric.label,
                      *(f"{v:.3f} ms" if (v := metric.read(r)) is not None else "—"
                        for r in results),
                      *(ratio(mine, metric.read(by_name[p])) for p in peers)])
    return header, table


def notes(results: list[Result]) -> list[str]:
    lines: list[str] = []
    for result in results:
        lines.append(f"- **{result['server']}** {result.get('version', '?')}"
                     + (f", deployed the app in {result['deployed_s']:.1f} s"
                        if result.get("deployed_s") else "")
                     + ("" if result.get("runs_functions", True)
                        else " (single operations only: it runs no functions without Docker)"))
        sqs = (result.get("ops") or {}).get("sqs") or {}
        for name, fill in sqs.items():
            if name.startswith("fill_") and isinstance(fill, dict):
                queued = fill.get("queued")
                lines.append(f"  - SQS queue for depth {int(name[5:]):,}: "
                             f"{queued if queued is None else format(queued, ',')} messages "
                             "queued in "
                             f"{fill.get('wall_s', '?')} s before the Receive+Delete runs")
        for section in ("ops", "wires"):
            for group, values in (result.get(section) or {}).items():
                if not isinstance(values, dict):
                    continue
                for name, value in values.items():
                    if isinstance(value, dict) and (value.get("error") or value.get("errors")):
                        lines.append(f"  - {section}.{group}.{name}: "
                                     f"`{one_line(str(value.get('error') or value))}`")
                if values.get("error"):
                    lines.append(f"  - {section}.{group}: `{one_line(str(values['error']))}`")
        if result.get("error"):
            lines.append(f"  - **error:** `{one_line(result['error'])}`")
    return lines


def print_table(results: list[Result]) -> None:
    header, table = rows(results)
    print(text_table(header, table))
    header, table = cpu_rows(results)
    print(text_table(header, table))


def markdown(run: dict[str, Any], method: str) -> str:
    header, table = rows(run["results"])
    cpu_header, cpu_table = cpu_rows(run["results"])
    box = run["machine"]
    return "\n".join([
        "# Event services — fogbank, moto (server mode) and MiniStack",
        "",
        f"Run {run['date']} on {box['nproc']} CPU(s), {box['cpu_model']}, Python "
        f"{box['python']}, Linux {box['kernel']}; 1-minute load average "
        f"{box['loadavg_1m_at_start']} when the run started"
        + (f" and {run['loadavg_1m_at_end']} when it ended"
           if run.get("loadavg_1m_at_end") is not None else "")
        + f" (the 2 CPUs are shared with other work: rates are noisy, the server CPU "
        f"time per operation less so); {run.get('seconds', '?')} s in all. Written by "
        "`python -m bench.events`; rerun it to refresh this file.",
        "",
        markdown_table(header, table),
        "",
        "Ratios are fogbank ÷ peer (above 1× is better for rates, below 1× for times). "
        "\"≥ 3× moto\" is met when fogbank's rate is at least three times moto's in this run.",
        "",
        "## Server CPU time per operation",
        "",
        "User + system CPU of the server's whole process tree during each single-operation "
        "run ÷ the calls it served (less sensitive than rates to other work on the machine; "
        "below 1× is better for fogbank).",
        "",
        markdown_table(cpu_header, cpu_table),
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

"""The product-data run as a stdout summary and ``bench/RESULTS-product-data.md``."""

from __future__ import annotations

from typing import Any


def _s(value: Any) -> str:
    return "—" if value is None else f"{value:,.1f} s"


def summary(run: dict[str, Any]) -> str:
    result = run["result"]
    lines = [f"products: {result['products']:,}  completed: {result['completed']}  "
             f"end-to-end: {_s(result.get('end_to_end_s'))}  "
             f"products/s: {result.get('products_per_s', '—')}  "
             f"deliveries/s: {result.get('deliveries_per_s', '—')}",
             f"peak RSS: server {result['peak_server_rss_mb']} MiB, with its Lambda workers "
             f"{result['peak_tree_rss_mb']} MiB ({result['peak_processes']} processes)"]
    for name, row in result["receivers"].items():
        lines.append(f"  {name:<24} expected {row['expected']:>7,}  delivered "
                     f"{row['delivered_distinct']:>7,}  lost {row['lost']}  dup-in-output "
                     f"{row['duplicates_in_output']}  dedup-dropped "
                     f"{row['duplicates_dropped_by_dedup']}")
    if result.get("abort"):
        lines.append(f"ABORTED: {result['abort']}")
    return "\n".join(lines)


def markdown(run: dict[str, Any], method: str) -> str:
    result = run["result"]
    machine = run["machine"]
    milestones = result["milestones"]
    out = [
        "# product-data: a full refresh through the change cascade, on fogbank",
        "",
        f"Run {run['date']} by `python -m bench.product_data --products "
        f"{result['products']}` — fogbank {run['version']}; {machine['nproc']} CPUs "
        f"({machine['cpu_model']}), Python {machine['python']}; 1-minute load average "
        f"{machine['loadavg_1m_at_start']} at the start and {run['loadavg_1m_at_end']} at the "
        "end. The machine's 2 CPUs were shared with other work (the load average says how "
        "much): the times are noisy and pessimistic; the counts are exact.",
        "",
    ]
    if result.get("abort"):
        out += [f"**Aborted:** {result['abort']}.", ""]
    out += [
        "| figure | value |",
        "|---|---|",
        f"| products refreshed (brands / prices / products written) | "
        f"{result['written'].get('brands', 0):,} / {result['written'].get('prices', 0):,} / "
        f"{result['written'].get('products', 0):,} |",
        f"| catalogue written (BatchWriteItem, 4 threads) | "
        f"{_s(milestones.get('refresh_written_s'))} |",
        f"| model table complete (denormaliser) | {_s(milestones.get('model_complete_s'))} |",
        f"| per-change receivers complete | "
        f"{_s(milestones.get('per_change_delivered_s'))} |",
        f"| batched receivers exported | {_s(milestones.get('batched_exported_s'))} |",
        f"| **end-to-end completion** | **{_s(result.get('end_to_end_s'))}** |",
        f"| throughput | {result.get('products_per_s', '—')} products/s, "
        f"{result.get('deliveries_per_s', '—')} deliveries/s |",
        f"| deliveries (distinct, all receivers) | {result['deliveries']:,} |",
        f"| peak RSS, `fogbank up` process | {result['peak_server_rss_mb']:,} MiB |",
        f"| peak RSS, with its Lambda workers | {result['peak_tree_rss_mb']:,} MiB "
        f"({result['peak_processes']} processes) |",
        f"| deployed (fogbank up → stack ready) | {_s(run.get('deployed_s'))} |",
        "",
        "Per receiver (outputs read back in full after the run; keys are `sku#version`):",
        "",
        "| receiver | mode | format | expected | delivered | lost | unexpected | "
        "duplicates in output | duplicates dropped by dedup |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in result["receivers"].items():
        out.append(f"| {name} | {row['mode']} | {row['format']} | {row['expected']:,} | "
                   f"{row['delivered_distinct']:,} | {row['lost']} | {row['unexpected']} | "
                   f"{row['duplicates_in_output']} | {row['duplicates_dropped_by_dedup']} |")
    dead = ", ".join(f"{k} {v}" for k, v in result["dead_letters"].items())
    out += ["", f"Dead-letter queues after the run: {dead}.", ""]
    if result.get("errors"):
        out += ["Errors seen during the run:", ""] + [f"- `{e}`" for e in result["errors"]]
        out.append("")
    out += ["## Method", "", method, ""]
    if run.get("notes"):
        out += ["## Notes", "", run["notes"], ""]
    return "\n".join(out)

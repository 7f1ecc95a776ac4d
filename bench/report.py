"""The benchmark report: a markdown page and the full results as JSON.

`render` turns a run's results and the rows `targets.judge` made from them into the markdown
page; `write` stores bench/results/<stamp>.json and .md, copies the page to latest.md and
prints it.
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from bench import targets


def scenario_table(scenarios: dict) -> list[str]:
    """Throughput, latency and errors of every wrk run, signers indented under their reader."""
    lines = [
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in scenarios.items():
        if "rps" not in r:
            continue
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['errors']} |"
        )
        if "signers" in r:
            g = r["signers"]
            lines.append(
                f"| ↳ sign intake beside it | {g['rps']:.0f} | {g['p50_ms']:.1f} | "
                f"{g['p95_ms']:.1f} | {g['p99_ms']:.1f} | {g['errors']} |"
            )
    return lines


def targets_table(rows: list[dict]) -> list[str]:
    lines = ["| what | measured | target | met | note |", "|---|---|---|---|---|"]
    for row in rows:
        met = "yes" if row["met"] else "**NO**"
        lines.append(
            f"| {row['what']} | {row['measured']} | {row['target']} | {met} | {row['note']} |"
        )
    return lines


def render(results: dict, rows: list[dict], stamp: str, cores: int | None = None) -> str:
    """The markdown page of one run."""
    cfg = results["config"]
    cores = os.cpu_count() if cores is None else cores
    md = [
        f"# Benchmark {stamp}",
        "",
        f"gunicorn {cfg['workers']} workers × {cfg['gunicorn_threads']} threads "
        f"({'gthread' if cfg['gunicorn_threads'] > 1 else 'sync'}), wrk {cfg['wrk_threads']} "
        f"threads × {cfg['connections']} connections, {cfg['duration']} s per scenario, "
        f"{cfg['signatures']} signatures loaded in {results['load']['signatures_copy_s']:.1f} s "
        f"(COPY), {cores} cores.",
        "",
    ]
    if cfg.get("only"):  # `--only`: the other parts did not run
        md += [f"Only these parts ran: {', '.join(cfg['only'])}.", ""]
    md += [
        "## Targets (ratios to the baseline views, same run)",
        "",
        *targets_table(rows),
        "",
    ]
    if results.get("scenarios"):  # a run of other parts only (`--only`) drove no wrk
        md += ["## Scenarios", "", *scenario_table(results["scenarios"]), ""]
    return "\n".join(md) + "\n"


def write(results: dict, directory: Path) -> Path:
    """Judge the targets, store results (with the rows as "summary") and page; print the page."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    rows = targets.judge(results)
    results["summary"] = rows
    (directory / f"{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    text = render(results, rows, stamp)
    (directory / f"{stamp}.md").write_text(text)
    (directory / "latest.md").write_text(text)
    print("\n" + text)
    return directory / f"{stamp}.md"

"""The benchmark report rendered from a fixed results dict (tests/bench/conftest.py)."""

import json

from bench import report
from bench.targets import TARGETS, judge

HEADER = (
    "gunicorn 4 workers × 1 threads (sync), wrk 2 threads × 32 connections, 15 s per scenario, "
    "1000000 signatures loaded in 25.0 s (COPY), 2 cores."
)
# The page for these results, line for line as the harness wrote it before it was split up.
EXPECTED = """\
# Benchmark 20250101-000000

{header}

## Targets (ratios to the baseline views, same run)

| what | measured | target | met | note |
|---|---|---|---|---|
| sign intake / ORM-insert baseline (rps) | 0.8 | >= 0.5 | yes | 400 vs 500 req/s |
| sign intake p99 (ms, 32 conns) | 90 | < 100 | yes |  |
| sign intake errors (non-2xx/3xx + socket) | 0 | 0 | yes |  |
| signatures lost or doubled | 0 | 0 | yes | 9600 rows checked |
| signatures without their email task | 0 | 0 | yes |  |
| sign service in process, with / without hashing and encryption (signs/s) | 0.962 | (reported) | yes | 250 vs 260 signs/s, 600 each, taking turns every 10 signs |
| hashing and encryption share of the sign path (%) | 3.8 | <= 10 | yes | by quarter 4.2 / 3.1 / 4.5 / 3.6 %; median sign 3.60 vs 3.50 ms (2.8 %); direct: 2 encryptions + 3 hashes ≈ 54 µs a sign (1.4 %) |
| progress JSON / constant JSON, both under sign load (rps) | 0.8 | >= 0.6 | yes | 80 vs 100 req/s |
| progress JSON p99 under sign load (ms) | 20 | < 25 | yes |  |
| badge.svg / constant JSON, both under sign load (rps) | 0.7 | >= 0.6 | yes | 70 vs 100 req/s |
| badge.svg p99 under sign load (ms) | 24.9 | < 25 | yes |  |
| embed / constant JSON, both under sign load (rps) | 0.1 | (reported) | yes | 10 vs 100 req/s |
| embed p99 under sign load (ms) | 900 | (reported) | yes |  |
| constant JSON p99 under sign load (ms) | 200 | (floor) | yes |  |
| freshness: confirmed signature in counter (s) | 1.235 | < 5 | yes |  |
| campaign page / constant JSON (rps) | 0.4 | >= 0.3 | yes | 400 vs 1000 req/s |
| signatories deep page / page 1, both rendered (p50 latency) | 1.5 | <= 2 | yes | page 1 190 req/s rendered, 200 req/s stored; deep 180 req/s |
| signatories page 1 / constant JSON (rps) | 0.2 | (reported) | yes |  |
| read scenario errors | 0 | 0 | yes |  |
| export 1M CSV / psql \\copy (s) | 3.0 | <= 3 | yes | 12.0 s vs 4.0 s, 1000000 rows |
| export peak RSS (MB) | 99 | < 300 | yes |  |
| campaign page, 1000000 signatures / none (rps) | 0.947 | >= 0.8 | yes | 1800 vs 1900 req/s; p99 30.0 vs 28.0 ms |
| progress JSON, 1000000 signatures / none (rps) | 0.947 | >= 0.8 | yes | 1800 vs 1900 req/s; p99 30.0 vs 28.0 ms |
| badge.svg, 1000000 signatures / none (rps) | 0.947 | >= 0.8 | yes | 1800 vs 1900 req/s; p99 30.0 vs 28.0 ms |
| signatory list, page 1, 1000000 signatures / none (rps) | 0.947 | >= 0.8 | yes | 1800 vs 1900 req/s; p99 30.0 vs 28.0 ms |
| 3 db_workers drain 10000 email tasks, none twice | 0 | 0 | yes | 100.0 s, 100 tasks/s, 10000 emails sent |
| two gunicorn nodes, same counter via Redis | [6, 6] | equal | yes | fresh on both after 0.50 s |

## Scenarios

| scenario | req/s | p50 ms | p95 ms | p99 ms | errors |
|---|---|---|---|---|---|
| baseline_constant | 1000 | 20.0 | 40.0 | 40.0 | 0 |
| baseline_insert | 500 | 40.0 | 80.0 | 80.0 | 0 |
| sign | 400 | 50.0 | 100.0 | 90.0 | 0 |
| constant_under_load | 100 | 100.0 | 200.0 | 200.0 | 0 |
| ↳ sign intake beside it | 60 | 200.0 | 400.0 | 400.0 | 0 |
| progress_under_load | 80 | 10.0 | 20.0 | 20.0 | 0 |
| ↳ sign intake beside it | 60 | 200.0 | 400.0 | 400.0 | 0 |
| badge_under_load | 70 | 10.0 | 20.0 | 24.9 | 0 |
| ↳ sign intake beside it | 60 | 200.0 | 400.0 | 400.0 | 0 |
| embed_under_load | 10 | 300.0 | 600.0 | 900.0 | 0 |
| ↳ sign intake beside it | 60 | 200.0 | 400.0 | 400.0 | 0 |
| campaign_page | 400 | 60.0 | 120.0 | 120.0 | 0 |
| signatories_page1 | 200 | 100.0 | 200.0 | 200.0 | 0 |
| signatories_page1_rendered | 190 | 100.0 | 200.0 | 200.0 | 0 |
| signatories_deep | 180 | 150.0 | 300.0 | 250.0 | 0 |

"""  # noqa: E501 - the table rows are as long as the report writes them


def test_the_page_has_the_run_the_targets_and_every_wrk_run(results):
    text = report.render(results, judge(results), "20250101-000000", cores=2)
    assert text == EXPECTED.format(header=HEADER)


def test_the_targets_table_lists_every_target_exactly_once(results):
    lines = report.render(results, judge(results), "20250101-000000").splitlines()
    table = lines[lines.index("## Targets (ratios to the baseline views, same run)") + 4 :]
    table = table[: table.index("")]
    assert len(table) == len(TARGETS)
    for row in judge(results):
        assert sum(line.startswith(f"| {row['what']} |") for line in lines) == 1


def test_a_missed_target_is_marked_in_its_row(results):
    results["scenarios"]["badge_under_load"]["p99_ms"] = 31.26
    text = report.render(results, judge(results), "20250101-000000")
    assert "| badge.svg p99 under sign load (ms) | 31.3 | < 25 | **NO** |  |" in text.splitlines()
    assert text.count("**NO**") == 1


def test_a_run_without_wrk_scenarios_has_no_scenario_table(results):
    only = {k: results[k] for k in ("config", "load", "sign_crypto", "total_seconds")}
    only["config"] = {**only["config"], "only": ["sign_crypto"]}
    text = report.render(only, judge(only), "20250101-000000", cores=2)
    assert "## Scenarios" not in text
    assert "\nOnly these parts ran: sign_crypto.\n" in text
    assert text.count("| yes |") == 2
    assert text.endswith(
        "| hashing and encryption share of the sign path (%) | 3.8 | <= 10 | yes | by quarter "
        "4.2 / 3.1 / 4.5 / 3.6 %; median sign 3.60 vs 3.50 ms (2.8 %); direct: 2 encryptions + "
        "3 hashes ≈ 54 µs a sign (1.4 %) |\n\n"
    )


def test_the_scenario_table_skips_results_without_throughput():
    scenarios = {
        "freshness": {"seconds": 1.0},
        "sign": {"rps": 12.4, "p50_ms": 1.25, "p95_ms": 2, "p99_ms": 3.06, "errors": 2},
    }
    assert report.scenario_table(scenarios)[2:] == ["| sign | 12 | 1.2 | 2.0 | 3.1 | 2 |"]


def test_write_stores_the_results_with_their_summary_the_page_and_latest(results, tmp_path, capsys):
    page = report.write(results, tmp_path / "results")
    stamp = page.stem
    text = page.read_text()
    assert page == tmp_path / "results" / f"{stamp}.md"
    assert (tmp_path / "results" / "latest.md").read_text() == text
    assert text.startswith(f"# Benchmark {stamp}\n")
    stored = json.loads((tmp_path / "results" / f"{stamp}.json").read_text())
    assert stored["summary"] == judge(results)
    assert [row["key"] for row in stored["summary"]] == [target.key for target in TARGETS]
    assert stored["scenarios"] == results["scenarios"]
    assert text in capsys.readouterr().out

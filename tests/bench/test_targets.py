"""The benchmark's targets judged from a fixed results dict (tests/bench/conftest.py)."""

import pytest

from bench import targets
from bench.targets import TARGETS, Target, judge


def rows_by_key(results: dict) -> dict[str, dict]:
    return {row["key"]: row for row in judge(results)}


def test_every_target_has_its_own_key_and_label_and_a_good_run_meets_them_all(results):
    rows = judge(results)
    assert [row["key"] for row in rows] == [target.key for target in TARGETS]
    assert len({row["key"] for row in rows}) == len(TARGETS) == 27
    assert len({row["what"] for row in rows}) == len(TARGETS)
    assert [row["key"] for row in rows if not row["met"]] == []


def test_rows_show_rounded_figures_goals_and_notes(results):
    rows = rows_by_key(results)
    assert rows["sign_rps"] == {
        "key": "sign_rps",
        "what": "sign intake / ORM-insert baseline (rps)",
        "measured": 0.8,
        "target": ">= 0.5",
        "met": True,
        "note": "400 vs 500 req/s",
    }
    assert rows["freshness"]["measured"] == 1.235
    assert rows["freshness"]["target"] == "< 5"
    assert rows["export_rss"]["measured"] == 99
    assert rows["export_vs_copy"]["note"] == "12.0 s vs 4.0 s, 1000000 rows"
    assert rows["signatures_lost"]["note"] == "9600 rows checked"  # 6000 alone, 4 × 900 beside
    assert rows["embed_under_load_p99"]["target"] == "(reported)"
    assert rows["constant_under_load_p99"]["target"] == "(floor)"
    assert rows["drain"]["what"] == "3 db_workers drain 10000 email tasks, none twice"
    assert rows["drain"]["target"] == "0"
    assert rows["two_nodes"]["measured"] == [6, 6]
    assert rows["two_nodes"]["target"] == "equal"
    assert rows["sign_crypto_rps"]["measured"] == 0.962
    assert rows["sign_crypto_rps"]["target"] == "(reported)"
    assert rows["sign_crypto_rps"]["note"] == (
        "250 vs 260 signs/s, 600 each, taking turns every 10 signs"
    )
    assert (rows["sign_crypto_share"]["measured"], rows["sign_crypto_share"]["target"]) == (
        3.8,
        "<= 10",
    )
    assert rows["sign_crypto_share"]["note"] == (
        "by quarter 4.2 / 3.1 / 4.5 / 3.6 %; median sign 3.60 vs 3.50 ms (2.8 %); direct: "
        "2 encryptions + 3 hashes ≈ 54 µs a sign (1.4 %)"
    )


def slow_sign(r):
    r["scenarios"]["sign"]["rps"] = 240  # 0.48 of the insert baseline


def slow_sign_p99(r):
    r["scenarios"]["sign"]["p99_ms"] = 100.0  # the goal is strictly below 100


def badge_signer_doubled(r):
    r["scenarios"]["badge_under_load"]["signers"]["integrity"]["doubled"] = 1


def email_task_missing(r):
    r["scenarios"]["sign"]["integrity"]["missing_tasks"] = 2


def signer_errors(r):
    r["scenarios"]["progress_under_load"]["signers"]["errors"] = 3


def reader_errors(r):
    r["scenarios"]["signatories_deep"]["errors"] = 1


def never_fresh(r):
    r["scenarios"]["freshness"]["seconds"] = None


def slow_progress(r):
    r["scenarios"]["progress_under_load"]["rps"] = 59  # 0.59 of the constant JSON beside it


def deep_page_slow(r):
    r["scenarios"]["signatories_deep"]["p50_ms"] = 200.1


def export_slow(r):
    r["export"]["psql_copy_seconds"] = 3.9


def drain_sent_one_email_twice(r):
    r["drain"]["ok"] = False  # the run's own verdict: no task claimed twice, yet 10,001 emails
    r["drain"]["emails_sent"] = 10_001


def crypto_costly(r):
    r["sign_crypto"]["real_per_s"] = 230  # 0.885 of the rate with stand-ins: 11.5 %
    r["sign_crypto"]["ratio"] = 230 / 260
    r["sign_crypto"]["share_pct"] = (1 - 230 / 260) * 100


def crypto_patch_missed(r):
    r["sign_crypto"]["ok"] = False  # e.g. the stand-ins never ran: the figure means nothing


def nodes_disagree(r):
    r["two_nodes"]["after"] = [6, 5]
    r["two_nodes"]["ok"] = False


@pytest.mark.parametrize(
    ("spoil", "unmet"),
    [
        (slow_sign, ["sign_rps"]),
        (slow_sign_p99, ["sign_p99"]),
        (badge_signer_doubled, ["signatures_lost"]),
        (email_task_missing, ["signatures_without_task"]),
        (signer_errors, ["sign_errors"]),
        (reader_errors, ["read_errors"]),
        (never_fresh, ["freshness"]),
        (slow_progress, ["progress_under_load_rps"]),
        (deep_page_slow, ["signatories_deep_p50"]),
        (export_slow, ["export_vs_copy"]),
        (drain_sent_one_email_twice, ["drain"]),
        (crypto_costly, ["sign_crypto_share"]),
        (crypto_patch_missed, ["sign_crypto_share"]),
        (nodes_disagree, ["two_nodes"]),
    ],
)
def test_a_missed_target_is_judged_unmet_and_only_that_one(results, spoil, unmet):
    spoil(results)
    rows = judge(results)
    assert [row["key"] for row in rows if not row["met"]] == unmet


def test_reported_figures_never_fail(results):
    results["scenarios"]["embed_under_load"]["rps"] = 1
    results["scenarios"]["embed_under_load"]["p99_ms"] = 5000
    results["scenarios"]["constant_under_load"]["p99_ms"] = 5000
    results["scenarios"]["signatories_page1"]["rps"] = 1
    rows = rows_by_key(results)
    row = rows["embed_under_load_p99"]
    assert (row["measured"], row["target"], row["met"]) == (5000, "(reported)", True)
    assert all(row["met"] for row in rows.values())


def test_a_figure_is_judged_before_it_is_rounded(results):
    results["scenarios"]["sign"]["rps"] = 249.99  # 0.49998 of the baseline: shown as 0.5
    row = rows_by_key(results)["sign_rps"]
    assert (row["measured"], row["met"]) == (0.5, False)


def test_an_unmeasured_figure_is_shown_as_none_and_not_met(results):
    del results["scenarios"]["freshness"]
    row = rows_by_key(results)["freshness"]
    assert (row["measured"], row["met"]) == (None, False)


def test_a_run_without_export_or_scaling_leaves_their_targets_out(results):
    del results["export"], results["drain"], results["two_nodes"], results["flat"]
    keys = [row["key"] for row in judge(results)]
    assert not {"export_vs_copy", "export_rss", "drain", "two_nodes"} & set(keys)
    assert not [key for key in keys if key.startswith("flat_")]
    assert len(keys) == len(TARGETS) - 8


def test_a_run_of_the_in_process_sign_path_only_reports_its_two_targets(results):
    only = {k: results[k] for k in ("config", "load", "sign_crypto", "total_seconds")}
    assert [row["key"] for row in judge(only)] == ["sign_crypto_rps", "sign_crypto_share"]
    del results["sign_crypto"]
    assert len(judge(results)) == len(TARGETS) - 2


def test_a_zero_baseline_gives_a_zero_ratio_not_an_error(results):
    results["scenarios"]["baseline_insert"]["rps"] = 0
    row = rows_by_key(results)["sign_rps"]
    assert (row["measured"], row["met"]) == (0.0, False)


def test_a_target_compares_with_its_goal():
    at_most = Target("t", "t", lambda r: r["x"], goal=2, compare="<=", digits=1)
    assert at_most.met({"x": 2}) and not at_most.met({"x": 2.01})
    assert at_most.shown({"x": 2.04}) == 2.0
    assert at_most.goal_text == "<= 2"
    with_verdict = Target(
        "v", "v", lambda r: r["x"], goal=0, compare="==", verdict=lambda r: r["ok"]
    )
    assert with_verdict.met({"x": 0, "ok": True})
    assert not with_verdict.met({"x": 0, "ok": False})
    assert not with_verdict.met({"x": 1, "ok": True})
    assert set(targets.COMPARE) >= {target.compare for target in TARGETS}


def test_a_page_that_slows_with_the_rows_fails_the_flat_target(results):
    results["flat"]["campaign_page"]["loaded"]["rps"] = 900.0  # half the empty figure
    rows = rows_by_key(results)
    assert rows["flat_campaign_page"]["measured"] == round(900 / 1900, 3)
    assert rows["flat_campaign_page"]["met"] is False
    assert rows["flat_progress"]["met"] is True
    assert rows["flat_campaign_page"]["what"].startswith("campaign page, 1000000 signatures")

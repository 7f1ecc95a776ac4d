"""A fixed benchmark run's results, shaped as bench/run.py collects them; every target is met."""

import pytest


def wrk(rps: float, p50: float, p99: float, errors: int = 0, **extra) -> dict:
    return {"rps": rps, "p50_ms": p50, "p95_ms": p50 * 2, "p99_ms": p99, "max_ms": p99 * 2,
            "requests": int(rps * 15), "errors": errors, **extra}  # fmt: skip


def integrity(rows: int, **faults) -> dict:
    return {"rows": rows, "accepted": rows, "unanswered_at_cutoff": 0, "lost": 0, "doubled": 0,
            "unexplained_extra": 0, "statuses": {"pending": rows}, "rows_with_email_task": rows,
            "missing_tasks": 0, "ok": not faults, **faults}  # fmt: skip


def beside_signers(rps: float, p50: float, p99: float, rows: int) -> dict:
    return wrk(rps, p50, p99, signers=wrk(60, 200, 400, integrity=integrity(rows)))


@pytest.fixture
def results() -> dict:
    return {
        "config": {
            "workers": 4,
            "gunicorn_threads": 1,
            "connections": 32,
            "wrk_threads": 2,
            "duration": 15,
            "signatures": 1_000_000,
            "run_id": "101500",
            "conn_max_age": "600",
        },  # fmt: skip
        "load": {"signatures_copy_s": 24.96},
        "scenarios": {
            "baseline_constant": wrk(1000, 20, 40),
            "baseline_insert": wrk(500, 40, 80),
            "sign": wrk(400, 50, 90, integrity=integrity(6000)),
            "constant_under_load": beside_signers(100, 100, 200, 900),
            "progress_under_load": beside_signers(80, 10, 20, 900),
            "freshness": {
                "seconds": 1.23456,
                "before": 10,
                "signature": 7,
                "outcome": "confirmed",
                "committed_at": 1.0,
            },  # fmt: skip
            "badge_under_load": beside_signers(70, 10, 24.9, 900),
            "embed_under_load": beside_signers(10, 300, 900, 900),
            "campaign_page": wrk(400, 60, 120),
            "signatories_page1": wrk(200, 100, 200),
            "signatories_page1_rendered": wrk(190, 100, 200),
            "signatories_deep": wrk(180, 150, 250, cursor=12345),
        },
        "sign_crypto": {
            "slug": "bench-00",
            "signs": 600,
            "turn": 10,
            "turns": 60,
            "warmup": 30,
            "real_per_s": 250.0,
            "stand_in_per_s": 260.0,
            "ratio": 250 / 260,
            "share_pct": (1 - 250 / 260) * 100,
            "quarter_share_pct": [4.2, 3.1, 4.5, 3.6],
            "real_ms_per_sign": 4.0,
            "stand_in_ms_per_sign": 1000 / 260,
            "real_ms_median": 3.6,
            "stand_in_ms_median": 3.5,
            "median_share_pct": (1 - 3.5 / 3.6) * 100,
            "encrypts_per_sign": 2.0,
            "hashes_per_sign": 3.0,
            "encrypt_us": 18.0,
            "hash_us": 6.0,
            "direct_us_per_sign": 54.0,
            "direct_share_pct": 1.35,
            "patched": [
                "lib.encryption.encrypt",
                "lib.hashing.keyed_hash",
                "lib.mailboxes.keyed_hash",
                "pledges.abuse.keyed_hash",
            ],
            "outcomes": {"new": 1260},
            "rows_deleted": 1260,
            "ok": True,
        },  # fmt: skip
        "export": {
            "seconds": 12.0,
            "cpu_seconds": 11.0,
            "rows": 1_000_000,
            "chars": 10**8,
            "peak_rss_mb": 99.4,
            "table_rows": 1_000_000,
            "psql_copy_seconds": 4.0,
        },  # fmt: skip
        "drain": {
            "workers": 3,
            "queued": 10_000,
            "enqueue_seconds": 9.0,
            "drain_seconds": 100.0,
            "tasks_drained": 10_000,
            "tasks_per_second": 100.0,
            "by_status_and_runs": [["SUCCESSFUL", 1, 10_000]],
            "tasks_claimed_twice": 0,
            "emails_sent": 10_000,
            "distinct_recipients": 10_000,
            "worker_processes_that_sent": 3,
            "worker_ids_that_claimed": 3,
            "ok": True,
        },  # fmt: skip
        "flat": {
            name: {
                "loaded": {"rps": 1800.0, "p99_ms": 30.0},
                "empty": {"rps": 1900.0, "p99_ms": 28.0},
            }
            for name in ("campaign_page", "progress", "badge", "signatories_page1")
        },
        "two_nodes": {
            "before": [5, 5],
            "after": [6, 6],
            "seconds_until_both_fresh": 0.5,
            "polls": 4,
            "ok": True,
        },  # fmt: skip
        "total_seconds": 600.0,
    }

"""The harness's parsing of wrk's output and the environment it gives every Django process."""

import json

from bench import harness

LINE = {
    "requests": 3000, "duration_us": 15_000_000, "bytes": 10**6, "errors_connect": 1,
    "errors_read": 2, "errors_write": 0, "errors_status": 4, "errors_timeout": 0,
    "p50_us": 12_500, "p95_us": 40_000, "p99_us": 80_250, "max_us": 120_000, "mean_us": 15000.5,
    "sent": 3010, "sent_by_thread": [1505, 1505], "counted_2xx": 10, "counted_3xx": 2980,
    "counted_other": 4,
}  # fmt: skip


def test_parse_wrk_reads_the_benchjson_line_among_wrks_own_output():
    out = "Running 15s test @ http://127.0.0.1:8001\n" + f"BENCHJSON {json.dumps(LINE)}\n"
    assert harness.parse_wrk(out) == {
        "rps": 200.0,
        "p50_ms": 12.5,
        "p95_ms": 40.0,
        "p99_ms": 80.25,
        "max_ms": 120.0,
        "requests": 3000,
        "errors": 7,
        "errors_connect": 1,
        "errors_read": 2,
        "errors_write": 0,
        "errors_status": 4,
        "errors_timeout": 0,
        "sent": 3010,
        "sent_by_thread": [1505, 1505],
        "counted_2xx": 10,
        "counted_3xx": 2980,
        "counted_other": 4,
    }


def test_bench_env_points_django_at_the_bench_services_and_drops_other_django_settings(
    monkeypatch,
):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    env = harness.bench_env(LOG_LEVEL="INFO")
    assert "DJANGO_SETTINGS_MODULE" not in env
    assert env["DATABASE_URL"] == f"{harness.PG_SERVER}/{harness.DB_NAME}"
    assert env["CACHE_URL"] == harness.REDIS_URL
    assert (env["DEBUG"], env["BENCH_BASELINE"], env["LOG_LEVEL"]) == ("0", "1", "INFO")

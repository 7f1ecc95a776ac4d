"""The benchmark harness: `make bench` (or `.venv/bin/python -m bench.run`).

Starts the site as production runs it (gunicorn, DEBUG=0, PostgreSQL, Redis, a task worker),
loads the data set, drives load with wrk from separate processes on loopback, and writes
bench/results/<stamp>.md and .json with every figure as a ratio to the baseline views.
See README "Benchmark" for how to read it.
"""

# The parts: bench/harness.py (services, processes, wrk), bench/checks.py (database reads),
# bench/scenarios.py (what is driven and measured), bench/targets.py (the goals) and
# bench/report.py (the page). This module reads the options and runs them in order;
# `--only sign_crypto` (say) runs one part: `python -m bench.run --only sign_crypto`.

import argparse
import json
import os
import time

from bench import checks, harness, report, scenarios
from bench.harness import RESULTS, ROOT, RUN_ID, WORK, log

# The parts of a run, in the order they run: every one unless --only names some.
PARTS = ("web", "flat", "sign_crypto", "export", "drain", "two_nodes")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--gunicorn-threads", type=int,
                        default=int(os.environ.get("BENCH_GUNICORN_THREADS", 1)))  # fmt: skip
    parser.add_argument("--drain-workers", type=int, default=3)
    parser.add_argument("--drain-tasks", type=int, default=10_000)
    parser.add_argument(
        "--crypto-signs",
        type=int,
        default=600,
        help="in-process signs per mode (with and without hashing+encryption)",
    )
    parser.add_argument("--crypto-turn", type=int, default=10, help="signs per turn of a mode")
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded database")
    parser.add_argument(
        "--only", action="append", choices=PARTS, metavar="PART",
        help=f"run only this part (repeat for several; one of {', '.join(PARTS)}); the data "
        "set is still loaded unless --skip-load",
    )  # fmt: skip
    return parser.parse_args(argv)


def load_data(signatures: int) -> dict:
    """A fresh database with migrations, static files and the data set; the load timings."""
    log("fresh database, migrations, static files")
    harness.reset_database()
    harness.manage("migrate", "--no-input", "-v0")
    harness.manage("collectstatic", "--no-input", "-v0")
    log(f"loading {signatures} signatures (COPY)")
    loaded = harness.py_module("bench.load", "--signatures", str(signatures))
    log(f"loaded: {json.dumps(loaded)}")
    return loaded


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    parts = set(args.only or PARTS)
    began = time.perf_counter()
    harness.preflight(wrk="web" in parts)
    checks.connect()
    results: dict = {
        "config": {
            "workers": args.workers,
            "gunicorn_threads": args.gunicorn_threads,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "duration": args.duration,
            "signatures": args.signatures,
            "run_id": RUN_ID,
            "conn_max_age": harness.bench_env()["CONN_MAX_AGE"],
            "only": [part for part in PARTS if part in parts] if args.only else [],
        }
    }
    try:
        if args.skip_load:
            WORK.mkdir(parents=True, exist_ok=True)
            results["load"] = {"signatures_copy_s": 0.0, "reused": True}
            harness.flush_redis()
        else:
            results["load"] = load_data(args.signatures)
        harness.vacuum_analyze()
        if parts & {"web", "flat", "two_nodes"}:
            harness.start_gunicorn(
                harness.PORT, workers=args.workers, threads=args.gunicorn_threads
            )
        if "web" in parts:
            worker = harness.start_worker()
            counter = harness.start_counter()
            taker = harness.start_intake()
            load = scenarios.prepare(args.duration, args.connections, args.threads)
            results["scenarios"] = {}
            for scenario in scenarios.WEB:
                results["scenarios"].update(scenario(load))
            harness.stop(worker)
            harness.stop(counter)
            harness.stop(taker)
        if "flat" in parts:
            load = scenarios.Load(args.duration, args.connections, args.threads)
            results["flat"] = scenarios.flat(load, args.workers)
        if "sign_crypto" in parts:
            # No worker and no wrk now: the in-process signs have the machine to themselves.
            results["sign_crypto"] = scenarios.sign_crypto(args.crypto_signs, args.crypto_turn)
        if "export" in parts:
            results["export"] = scenarios.export()
        if "drain" in parts:
            results["drain"] = scenarios.drain(args.drain_workers, args.drain_tasks)
        if "two_nodes" in parts:
            results["two_nodes"] = scenarios.two_nodes()
    finally:
        harness.stop_all()
    results["total_seconds"] = time.perf_counter() - began
    path = report.write(results, RESULTS)
    log(f"done in {results['total_seconds']:.0f} s; report: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

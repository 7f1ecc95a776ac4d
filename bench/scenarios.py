"""The benchmark's scenarios: each drives load or a check and returns what it measured.

The web scenarios (`baseline` … `signatory_pages`) take a `Load` and return their results by
scenario name, in the order the report lists them; `sign_crypto`, `export`, `drain` and
`two_nodes` return one result each. The web scenarios and `two_nodes` need gunicorn on
harness.PORT and, while signers run, a task worker; `sign_crypto` runs in a process of its own.
"""

import json
import subprocess
import threading
import time
from dataclasses import dataclass

from bench import checks, harness
from bench.harness import HOST, PORT, PORT2, RUN_ID, WORK, log

SLUG = "bench-00"  # the viral campaign: the largest share of the data set


@dataclass(frozen=True)
class Load:
    """How hard wrk drives each scenario."""

    duration: int
    connections: int
    threads: int

    def wrk(self, script: str, **env: str) -> dict:
        """Run wrk with this load to the end; its parsed result."""
        return harness.run_wrk(
            script,
            duration=self.duration,
            connections=self.connections,
            threads=self.threads,
            **env,
        )


def prepare(duration: int, connections: int, threads: int) -> Load:
    """Fetch one CSRF pair per wrk thread, then warm up every gunicorn worker (not measured)."""
    load = Load(duration, connections, threads)
    # A short warm-up so every worker has its connection and caches.
    harness.run_wrk(
        "get", duration=3, connections=connections, threads=threads, BENCH_PATH=f"/c/{SLUG}/"
    )
    return load


# Checks behind the scenarios -------------------------------------------------------------------


def settle(hashes: list[str]) -> None:
    """Wait until the server has answered what wrk left in its queue (the count stops moving)."""
    last, still = -1, 0
    while still < 3:
        count = checks.count_run_signatures(hashes)
        # The intake job turns stored submissions into rows: wait for it to take them all.
        waiting = checks.count_waiting_submissions()
        still = still + 1 if count == last and not waiting else 0
        last = count
        time.sleep(0.3)


def check_signatures(prefix: str, result: dict) -> dict:
    """Rows == accepted responses; every new row has its confirmation email and task.

    The run's rows are found by the keyed hashes of the addresses wrk sent (bench/checks.py)."""
    hashes = checks.run_hashes(prefix, result["sent_by_thread"])
    settle(hashes)
    found = checks.run_signatures(hashes)
    rows, distinct, statuses, with_task = (
        found["rows"], found["distinct"], found["statuses"], found["with_task"]
    )  # fmt: skip
    accepted = result["counted_3xx"]
    # wrk stops mid-flight: requests it sent but whose answer it never read may have been
    # stored by the server. Those, and only those, may exceed the accepted count.
    unanswered = result["sent"] - (
        result["counted_2xx"] + result["counted_3xx"] + result["counted_other"]
    )
    lost = max(0, accepted - rows)
    unexplained = max(0, rows - accepted - unanswered)
    return {
        "rows": rows,
        "accepted": accepted,
        "unanswered_at_cutoff": unanswered,
        "lost": lost,
        "doubled": rows - distinct,
        "unexplained_extra": unexplained,
        "statuses": statuses,
        "rows_with_email_task": with_task,
        "missing_tasks": rows - with_task,
        "ok": lost == 0
        and rows == distinct
        and unexplained == 0
        and with_task == rows
        and set(statuses) <= {"pending"},
    }


def progress_count(port: int = PORT) -> int:
    """The signature count the progress API of the gunicorn on `port` shows."""
    _, _, body = harness.fetch(f"http://{HOST}:{port}/api/v1/campaigns/{SLUG}/progress/")
    data = json.loads(body)
    figure = next(f for f in data["figures"] if f["key"] == "signatures")
    return figure["count"]


def freshness() -> dict:
    """Confirm one signature through the service; poll the progress API until it shows."""
    before = progress_count()
    confirmed = harness.py_module("bench.probe", "confirm", SLUG)
    began = confirmed["committed_at"]
    while time.time() - began < 30:
        if progress_count() > before:
            return {"seconds": time.time() - began, "before": before, **confirmed}
        time.sleep(0.05)
    return {"seconds": None, "before": before, **confirmed}


# Web scenarios ---------------------------------------------------------------------------------


def baseline(load: Load) -> dict:
    """A constant small JSON and one ORM insert: what Django and PostgreSQL do here, now."""
    log("baseline: constant JSON")
    constant = load.wrk("get", BENCH_PATH="/bench/constant.json")
    log("baseline: ORM insert")
    return {"baseline_constant": constant, "baseline_insert": load.wrk("insert")}


def sign_intake(load: Load) -> dict:
    """POSTs of the real sign form, a unique email each; then the rows are checked."""
    log("1. sign intake")
    sign = load.wrk("sign", BENCH_RUN=RUN_ID, BENCH_PREFIX="solo", BENCH_SLUG=SLUG)
    sign["integrity"] = check_signatures("solo", sign)
    return {"sign": sign}


READS_UNDER_LOAD = {
    "constant_under_load": "/bench/constant.json",
    "progress_under_load": f"/api/v1/campaigns/{SLUG}/progress/",
    "badge_under_load": f"/embed/{SLUG}/badge.svg",
    "embed_under_load": f"/embed/{SLUG}/",
}


def counter_reads(load: Load) -> dict:
    """Each read path beside sign intake, half the connections each; freshness halfway through
    the progress run. Each read result carries the signers' result beside it."""
    log("2. counter reads while sign intake runs")
    d = load.duration
    half_c, half_t = max(1, load.connections // 2), max(1, load.threads // 2)
    out: dict = {}
    for name, path in READS_UNDER_LOAD.items():
        prefix = name.split("_")[0]
        signer = harness.wrk_process(
            "sign", duration=d, connections=half_c, threads=half_t, 
            BENCH_RUN=RUN_ID, BENCH_PREFIX=prefix, BENCH_SLUG=SLUG,
        )  # fmt: skip
        reader = harness.wrk_process(
            "get", duration=d, connections=half_c, threads=half_t, BENCH_PATH=path
        )
        probe: dict = {}
        if name == "progress_under_load":
            # Freshness under load: confirm one signature halfway through.
            def measure(probe=probe):
                time.sleep(d / 2)
                probe.update(freshness())

            prober = threading.Thread(target=measure)
            prober.start()
        out[name] = harness.wrk_result(reader)
        out[name]["signers"] = harness.wrk_result(signer)
        out[name]["signers"]["integrity"] = check_signatures(prefix, out[name]["signers"])
        if name == "progress_under_load":
            prober.join()
            out["freshness"] = probe
    return out


def campaign_page(load: Load) -> dict:
    log("3. campaign page")
    return {"campaign_page": load.wrk("get", BENCH_PATH=f"/c/{SLUG}/")}


def signatory_pages(load: Load) -> dict:
    """The signatory list's first page as the public gets it (stored bytes), the same page
    rendered every time (an empty `?q=` bypasses the store), and a page 90 % of the way down
    (a crawler's last; also rendered every time): deep pages must cost what the first does."""
    log("3. signatory list, page 1 (stored and rendered) and 90 % deep")
    first = load.wrk("get", BENCH_PATH=f"/c/{SLUG}/signatories/")
    rendered = load.wrk("get", BENCH_PATH=f"/c/{SLUG}/signatories/?q=")
    cursor = checks.signatory_cursor(SLUG, tenths=9)
    deep = load.wrk("get", BENCH_PATH=f"/c/{SLUG}/signatories/?before={cursor}")
    deep["cursor"] = cursor
    return {
        "signatories_page1": first,
        "signatories_page1_rendered": rendered,
        "signatories_deep": deep,
    }


WEB = (baseline, sign_intake, counter_reads, campaign_page, signatory_pages)


# Flat from 0 to 1M -----------------------------------------------------------------------------

FLAT_PATHS = {
    "campaign_page": f"/c/{SLUG}/",
    "progress": f"/api/v1/campaigns/{SLUG}/progress/",
    "badge": f"/embed/{SLUG}/badge.svg",
    "signatories_page1": f"/c/{SLUG}/signatories/",
}


def flat(load: Load, workers: int) -> dict:
    """The public reads on the loaded data set (gunicorn on PORT) and on an empty one (the same
    campaigns, no signatures or organisations; a second gunicorn on PORT2), one after the
    other, so each has the machine: a page that slows with the rows shows a ratio below 1."""
    log("flat: public reads with the data set loaded and with an empty one")
    url = harness.create_database(harness.EMPTY_DB_NAME)
    env = harness.bench_env(DATABASE_URL=url, CACHE_URL=harness.EMPTY_REDIS_URL)
    harness.redis_flush(harness.EMPTY_REDIS_URL)
    try:
        harness.manage("migrate", "--no-input", "-v0", env=env)
        harness.py_module("bench.load", "--signatures", "0", "--organisations", "0", env=env)
        server = harness.start_gunicorn(PORT2, workers=workers, threads=1, env=env)
        try:
            harness.run_wrk("get", duration=3, connections=load.connections,
                            threads=load.threads, BENCH_PATH=f"/c/{SLUG}/",
                            BENCH_PORT=str(PORT2))  # fmt: skip
            out: dict = {}
            for name, path in FLAT_PATHS.items():
                loaded = load.wrk("get", BENCH_PATH=path)
                empty = load.wrk("get", BENCH_PATH=path, BENCH_PORT=str(PORT2))
                out[name] = {"loaded": loaded, "empty": empty}
        finally:
            harness.stop(server)
    finally:
        harness.drop_database(harness.EMPTY_DB_NAME)
    return out


# The sign path in process ----------------------------------------------------------------------


def sign_crypto(signs: int, turn: int) -> dict:
    """The sign service in process, as it is and with hashing and encryption stood in for
    (bench/sign_crypto.py): what they cost the sign path. Run with no task worker and no wrk
    running, so nothing else takes the machine's time; it deletes the rows it made."""
    log(f"sign path in process: {signs} signs with and {signs} without hashing and encryption")
    return harness.py_module(
        "bench.sign_crypto", "--slug", SLUG, "--signs", str(signs), "--turn", str(turn),
        "--run", RUN_ID,
    )  # fmt: skip


# Export and scaling ----------------------------------------------------------------------------


def export() -> dict:
    """Every signature to CSV through the staff export's code, against psql's `\\copy`."""
    log("4. export of every signature to CSV")
    total = checks.count_signatures()
    result = harness.py_module("bench.export_run", str(WORK / "export.csv"))
    (WORK / "export.csv").unlink(missing_ok=True)
    query = checks.export_copy_sql()
    began = time.perf_counter()
    with open(WORK / "copy.csv", "wb") as out:
        subprocess.run(
            ["psql", harness.DATABASE_URL, "-q", "-c", f"\\copy ({query}) TO STDOUT CSV"],
            stdout=out,
            check=True,
        )
    copy_seconds = time.perf_counter() - began
    (WORK / "copy.csv").unlink(missing_ok=True)
    return {**result, "table_rows": total, "psql_copy_seconds": copy_seconds}


def drain(workers: int, count: int) -> dict:
    """`workers` db_worker processes drain `count` real email tasks; none runs twice."""
    log(f"scaling (a): {workers} db_worker processes drain {count} email tasks")
    checks.delete_finished_tasks()
    mail_log = WORK / "mail.log"
    mail_log.unlink(missing_ok=True)
    queued = harness.py_module("bench.probe", "enqueue-emails", str(count))
    # Whatever sign intake left unsent is drained too: count every ready task.
    expected = checks.count_ready_tasks()
    began = time.perf_counter()
    pool = [harness.start_worker(f"drain-worker-{i}") for i in range(workers)]
    while time.perf_counter() - began < 600:
        if checks.count_unfinished_tasks() == 0:
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - began
    for process in pool:
        harness.stop(process)
    rows = checks.task_runs()
    workers_used = checks.count_claiming_workers()
    lines = mail_log.read_text().splitlines() if mail_log.exists() else []
    recipients = [line.split(" ", 1)[1] for line in lines]
    senders = {line.split(" ", 1)[0] for line in lines}
    claimed_twice = sum(n for status, runs, n in rows if runs and runs > 1)
    return {
        "workers": workers,
        "queued": queued["queued"],
        "enqueue_seconds": queued["seconds"],
        "drain_seconds": seconds,
        "tasks_drained": expected,
        "tasks_per_second": expected / seconds,
        "by_status_and_runs": [list(row) for row in rows],
        "tasks_claimed_twice": claimed_twice,
        "emails_sent": len(lines),
        "distinct_recipients": len(set(recipients)),
        "worker_processes_that_sent": len(senders),
        "worker_ids_that_claimed": workers_used,
        "ok": claimed_twice == 0 and len(lines) == expected == len(set(recipients)),
    }


def two_nodes() -> dict:
    """A second gunicorn on another port, same Redis: both serve the same counter."""
    log("scaling (b): two gunicorn instances share the Redis counter")
    second = harness.start_gunicorn(PORT2, workers=1, threads=1)
    try:
        first_before, second_before = progress_count(PORT), progress_count(PORT2)
        confirmed = harness.py_module("bench.probe", "confirm", SLUG)
        samples = []
        deadline = time.time() + 10
        while time.time() < deadline:
            a, b = progress_count(PORT), progress_count(PORT2)
            samples.append((a, b))
            if a > first_before and b > second_before:
                break
            time.sleep(0.05)
        seconds = time.time() - confirmed["committed_at"]
        a, b = samples[-1]
        return {
            "before": [first_before, second_before],
            "after": [a, b],
            "seconds_until_both_fresh": seconds,
            "polls": len(samples),
            "ok": first_before == second_before and a == b and a > first_before,
        }
    finally:
        harness.stop(second)

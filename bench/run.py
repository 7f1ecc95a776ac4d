"""The benchmark harness: `make bench` (or `.venv/bin/python -m bench.run`).

Starts the site as production runs it (gunicorn, DEBUG=0, PostgreSQL, Redis, a task worker),
loads the data set, drives load with wrk from separate processes on loopback, and writes
bench/results/<stamp>.md and .json with every figure as a ratio to the baseline views.
See README "Benchmark" for how to read it.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA = ROOT / "bench" / "lua"
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "coalition_bench")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")
HOST = "127.0.0.1"
PORT, PORT2 = 8001, 8002
SLUG = "bench-00"  # the viral campaign: the largest share of the data set

RUN_ID = datetime.now(UTC).strftime("%H%M%S")
processes: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"{PG_SERVER}/{DB_NAME}",
        CACHE_URL=REDIS_URL,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",  # noqa: S106
        ALLOWED_HOSTS=f"{HOST},localhost",
        SITE_URL=f"https://{HOST}:{PORT}",
        # Production sits behind a TLS proxy: wrk sends X-Forwarded-Proto: https.
        SECURE_SSL_REDIRECT="1",
        BEHIND_PROXY="1",
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "600"),
        BENCH_BASELINE="1",
        # Every request comes from 127.0.0.1: raise the per-IP/domain limits so loopback load
        # is not held as suspect. Validation and CSRF stay on.
        # Signers reach us through one proxy that appends X-Forwarded-For, as in production.
        TRUSTED_PROXY_COUNT="1",
        PLEDGE_RATE_LIMIT_IP="100000000",
        PLEDGE_RATE_LIMIT_DOMAIN="100000000",
        API_PUBLIC_RATE="100000000/min",
        EMAIL_BACKEND="bench.mail.CountingBackend",
        BENCH_MAIL_LOG=str(WORK / "mail.log"),
        STATIC_ROOT=str(WORK / "static"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict | None = None) -> str:
    out = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env or bench_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def py_module(module: str, *args: str, env: dict | None = None) -> dict:
    out = subprocess.run(
        [str(BIN / "python"), "-m", module, *args],
        cwd=ROOT,
        env=env or bench_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def sql(query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(f"{PG_SERVER}/{DB_NAME}", autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def sql_one(query: str, params: tuple = ()):
    return sql(query, params)[0][0]


# Services --------------------------------------------------------------------------------------


def preflight() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install -y wrk` (make bench does it when run as root)")
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        sys.exit(f"PostgreSQL is not answering at {PG_SERVER}: {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        sys.exit(f"Redis is not answering at {REDIS_URL}: {exc}")


def reset_database() -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)


def start(name: str, args: list[str], env: dict) -> subprocess.Popen:
    log_file = open(WORK / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    processes.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stop_all() -> None:
    for process in reversed(processes):
        stop(process)


def start_gunicorn(port: int, *, workers: int, threads: int) -> subprocess.Popen:
    args = [
        str(BIN / "gunicorn"), "config.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--threads", str(threads),
        "--backlog", "2048",
        "--timeout", "60",
        "--log-level", "warning",
    ]  # fmt: skip
    process = start(f"gunicorn-{port}", args, bench_env())
    wait_for(f"http://{HOST}:{port}/healthz")
    return process


def start_worker(name: str = "worker") -> subprocess.Popen:
    return start(name, [str(BIN / "python"), "manage.py", "db_worker"], bench_env())


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer; see {WORK}")


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(  # noqa: S310 - loopback URLs we build
        url, headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read().decode()


def csrf_pairs(count: int) -> str:
    """One (csrftoken cookie, form token) pair per wrk thread, from the campaign page."""
    pairs = []
    for _ in range(count):
        request = urllib.request.Request(  # noqa: S310
            f"http://{HOST}:{PORT}/c/{SLUG}/", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            cookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie"):
                cookie.load(header)
            body = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        pairs.append(f"{cookie['csrftoken'].value}|{token}")
    return ";".join(pairs)


# wrk -------------------------------------------------------------------------------------------


def wrk_process(script: str, *, duration: int, connections: int, threads: int, **env: str):
    combined = WORK / f"{script}-{time.monotonic_ns()}.lua"
    combined.write_text(
        (LUA / "report.lua").read_text() + "\n" + (LUA / f"{script}.lua").read_text()
    )
    args = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(combined), f"http://{HOST}:{env.get('BENCH_PORT', PORT)}",
    ]  # fmt: skip
    wrk_env = {**os.environ, "BENCH_HOST": f"{HOST}:{env.get('BENCH_PORT', PORT)}", **env}
    return subprocess.Popen(args, env=wrk_env, stdout=subprocess.PIPE, text=True)


def wrk_result(process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    line = next(line for line in out.splitlines() if line.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    seconds = data["duration_us"] / 1e6
    errors = sum(data[k] for k in data if k.startswith("errors_"))
    return {
        "rps": data["requests"] / seconds,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "requests": data["requests"],
        "errors": errors,
        **{k: v for k, v in data.items() if k.startswith(("errors_", "counted_", "sent"))},
    }


def run_wrk(script: str, **kwargs) -> dict:
    return wrk_result(wrk_process(script, **kwargs))


# Checks ----------------------------------------------------------------------------------------


def settle(pattern: str) -> None:
    """Wait until the server has answered what wrk left in its queue (the count stops moving)."""
    last, still = -1, 0
    while still < 3:
        count = sql_one("SELECT count(*) FROM pledges_signature WHERE email LIKE %s", (pattern,))
        still = still + 1 if count == last else 0
        last = count
        time.sleep(0.3)


def check_signatures(prefix: str, result: dict) -> dict:
    """Rows == accepted responses; every new row has its confirmation email and task."""
    pattern = f"{prefix}-{RUN_ID}-%"
    settle(pattern)
    rows = sql_one("SELECT count(*) FROM pledges_signature WHERE email LIKE %s", (pattern,))
    distinct = sql_one(
        "SELECT count(DISTINCT lower(email)) FROM pledges_signature WHERE email LIKE %s",
        (pattern,),
    )
    statuses = dict(
        sql(
            "SELECT status, count(*) FROM pledges_signature WHERE email LIKE %s GROUP BY status",
            (pattern,),
        )
    )
    with_task = sql_one(
        """
        SELECT count(DISTINCT s.id) FROM pledges_signature s
        JOIN django_content_type ct ON ct.app_label = 'pledges' AND ct.model = 'signature'
        JOIN pledges_pledgeemail e
          ON e.content_type_id = ct.id AND e.object_id = s.id AND e.kind = 'signature-confirm'
        JOIN django_tasks_database_dbtaskresult t
          ON t.task_path = 'pledges.tasks.send_pledge_email'
         AND (t.args_kwargs -> 'args' ->> 0)::bigint = e.id
        WHERE s.email LIKE %s
        """,
        (pattern,),
    )
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
    _, _, body = fetch(f"http://{HOST}:{port}/api/v1/campaigns/{SLUG}/progress/")
    data = json.loads(body)
    figure = next(f for f in data["figures"] if f["key"] == "signatures")
    return figure["count"]


def freshness() -> dict:
    """Confirm one signature through the service; poll the progress API until it shows."""
    before = progress_count()
    confirmed = py_module("bench.probe", "confirm", SLUG)
    began = confirmed["committed_at"]
    while time.time() - began < 30:
        if progress_count() > before:
            return {"seconds": time.time() - began, "before": before, **confirmed}
        time.sleep(0.05)
    return {"seconds": None, "before": before, **confirmed}


# Scenarios -------------------------------------------------------------------------------------


def scenarios(args) -> dict:
    d, c, t = args.duration, args.connections, args.threads
    out: dict = {}
    pairs = csrf_pairs(t)
    # A short warm-up so every worker has its connection and caches.
    run_wrk("get", duration=3, connections=c, threads=t, BENCH_PATH=f"/c/{SLUG}/")

    log("baseline: constant JSON")
    out["baseline_constant"] = run_wrk(
        "get", duration=d, connections=c, threads=t, BENCH_PATH="/bench/constant.json"
    )
    log("baseline: ORM insert")
    out["baseline_insert"] = run_wrk("insert", duration=d, connections=c, threads=t)

    log("1. sign intake")
    out["sign"] = run_wrk(
        "sign", duration=d, connections=c, threads=t, BENCH_CSRF=pairs, BENCH_RUN=RUN_ID,
        BENCH_PREFIX="solo", BENCH_SLUG=SLUG,
    )  # fmt: skip
    out["sign"]["integrity"] = check_signatures("solo", out["sign"])

    log("2. counter reads while sign intake runs")
    half_c, half_t = max(1, c // 2), max(1, t // 2)
    reads = {
        "constant_under_load": "/bench/constant.json",
        "progress_under_load": f"/api/v1/campaigns/{SLUG}/progress/",
        "badge_under_load": f"/embed/{SLUG}/badge.svg",
        "embed_under_load": f"/embed/{SLUG}/",
    }
    for name, path in reads.items():
        prefix = name.split("_")[0]
        signer = wrk_process(
            "sign", duration=d, connections=half_c, threads=half_t, BENCH_CSRF=pairs,
            BENCH_RUN=RUN_ID, BENCH_PREFIX=prefix, BENCH_SLUG=SLUG,
        )  # fmt: skip
        reader = wrk_process("get", duration=d, connections=half_c, threads=half_t, BENCH_PATH=path)
        probe: dict = {}
        if name == "progress_under_load":
            # Freshness under load: confirm one signature halfway through.
            def measure(probe=probe):
                time.sleep(d / 2)
                probe.update(freshness())

            prober = threading.Thread(target=measure)
            prober.start()
        out[name] = wrk_result(reader)
        out[name]["signers"] = wrk_result(signer)
        out[name]["signers"]["integrity"] = check_signatures(prefix, out[name]["signers"])
        if name == "progress_under_load":
            prober.join()
            out["freshness"] = probe

    log("3. campaign page and signatory list")
    out["campaign_page"] = run_wrk(
        "get", duration=d, connections=c, threads=t, BENCH_PATH=f"/c/{SLUG}/"
    )
    out["signatories_page1"] = run_wrk(
        "get", duration=d, connections=c, threads=t, BENCH_PATH=f"/c/{SLUG}/signatories/"
    )
    # A cursor 90 % of the way down the list: the page a crawler reaches last.
    deep = sql_one(
        """WITH listed AS (
            SELECT s.id FROM pledges_signature s JOIN campaigns_campaign c ON c.id = s.campaign_id
            WHERE c.slug = %s AND s.status = 'confirmed' AND s.show_publicly)
        SELECT id FROM listed ORDER BY id DESC
        OFFSET (SELECT count(*) * 9 / 10 FROM listed) LIMIT 1""",
        (SLUG,),
    )
    out["signatories_deep"] = run_wrk(
        "get", duration=d, connections=c, threads=t,
        BENCH_PATH=f"/c/{SLUG}/signatories/?before={deep}",
    )  # fmt: skip
    out["signatories_deep"]["cursor"] = deep
    return out


def export_step() -> dict:
    log("4. export of every signature to CSV")
    total = sql_one("SELECT count(*) FROM pledges_signature")
    result = py_module("bench.export_run", str(WORK / "export.csv"))
    (WORK / "export.csv").unlink(missing_ok=True)
    query = (
        "SELECT s.id, c.slug, s.status, s.name, s.email, s.country, s.affiliation, s.language, "
        "s.show_publicly, s.updates_consent, v.number, s.created_at, s.confirmed_at "
        "FROM pledges_signature s JOIN campaigns_campaign c ON c.id = s.campaign_id "
        "LEFT JOIN pledges_statementversion v ON v.id = s.statement_version_id ORDER BY s.id"
    )
    began = time.perf_counter()
    with open(WORK / "copy.csv", "wb") as out:
        subprocess.run(
            ["psql", f"{PG_SERVER}/{DB_NAME}", "-q", "-c", f"\\copy ({query}) TO STDOUT CSV"],
            stdout=out,
            check=True,
        )
    copy_seconds = time.perf_counter() - began
    (WORK / "copy.csv").unlink(missing_ok=True)
    return {**result, "table_rows": total, "psql_copy_seconds": copy_seconds}


def drain_step(workers: int, count: int) -> dict:
    """M db_worker processes drain `count` real email tasks; none runs twice."""
    log(f"scaling (a): {workers} db_worker processes drain {count} email tasks")
    sql("DELETE FROM django_tasks_database_dbtaskresult WHERE status IN ('SUCCESSFUL', 'FAILED')")
    mail_log = WORK / "mail.log"
    mail_log.unlink(missing_ok=True)
    queued = py_module("bench.probe", "enqueue-emails", str(count))
    # Whatever sign intake left unsent is drained too: count every ready task.
    expected = sql_one(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
    )
    began = time.perf_counter()
    pool = [start_worker(f"drain-worker-{i}") for i in range(workers)]
    while time.perf_counter() - began < 600:
        left = sql_one(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        )
        if left == 0:
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - began
    for process in pool:
        stop(process)
    rows = sql(
        "SELECT status, jsonb_array_length(worker_ids::jsonb) AS runs, count(*) "
        "FROM django_tasks_database_dbtaskresult GROUP BY 1, 2"
    )
    workers_used = sql_one(
        "SELECT count(DISTINCT worker_ids::jsonb ->> 0) FROM django_tasks_database_dbtaskresult"
    )
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


def two_nodes_step(args) -> dict:
    """A second gunicorn on another port, same Redis: both serve the same counter."""
    log("scaling (b): two gunicorn instances share the Redis counter")
    second = start_gunicorn(PORT2, workers=1, threads=1)
    try:
        first_before, second_before = progress_count(PORT), progress_count(PORT2)
        confirmed = py_module("bench.probe", "confirm", SLUG)
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
        stop(second)


# Report ----------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def summarise(results: dict) -> list[dict]:
    s = results["scenarios"]
    const, insert = s["baseline_constant"]["rps"], s["baseline_insert"]["rps"]
    const_load = s["constant_under_load"]["rps"]
    rows = []

    def add(name, value, target, ok, note=""):
        rows.append({"what": name, "measured": value, "target": target, "met": ok, "note": note})

    sign = s["sign"]
    add("sign intake / ORM-insert baseline (rps)", ratio(sign["rps"], insert), ">= 0.5",
        sign["rps"] >= 0.5 * insert, f"{sign['rps']:.0f} vs {insert:.0f} req/s")  # fmt: skip
    add("sign intake p99 (ms, 32 conns)", round(sign["p99_ms"], 1), "< 100", sign["p99_ms"] < 100)
    integrity = [sign["integrity"]] + [
        s[k]["signers"]["integrity"] for k in s if k.endswith("_under_load")
    ]
    errors = sign["errors"] + sum(s[k]["signers"]["errors"] for k in s if k.endswith("_under_load"))
    add("sign intake errors (non-2xx/3xx + socket)", errors, "0", errors == 0)
    lost = sum(i["lost"] + i["doubled"] + i["unexplained_extra"] for i in integrity)
    missing = sum(i["missing_tasks"] for i in integrity)
    add("signatures lost or doubled", lost, "0", lost == 0,
        f"{sum(i['rows'] for i in integrity)} rows checked")  # fmt: skip
    add("signatures without their email task", missing, "0", missing == 0)
    for key, label in (("progress", "progress JSON"), ("badge", "badge.svg"), ("embed", "embed")):
        r = s[f"{key}_under_load"]
        target = key != "embed"
        add(f"{label} / constant JSON, both under sign load (rps)", ratio(r["rps"], const_load),
            ">= 0.6" if target else "(reported)", r["rps"] >= 0.6 * const_load or not target,
            f"{r['rps']:.0f} vs {const_load:.0f} req/s")  # fmt: skip
        add(f"{label} p99 under sign load (ms)", round(r["p99_ms"], 1),
            "< 25" if target else "(reported)", r["p99_ms"] < 25 or not target)  # fmt: skip
    add("constant JSON p99 under sign load (ms)", round(s["constant_under_load"]["p99_ms"], 1),
        "(floor)", True)  # fmt: skip
    fresh = s.get("freshness", {}).get("seconds")
    add("freshness: confirmed signature in counter (s)", round(fresh, 3) if fresh else None,
        "< 5", fresh is not None and fresh < 5)  # fmt: skip
    page = s["campaign_page"]
    add("campaign page / constant JSON (rps)", ratio(page["rps"], const), ">= 0.3",
        page["rps"] >= 0.3 * const, f"{page['rps']:.0f} vs {const:.0f} req/s")  # fmt: skip
    p1, deep = s["signatories_page1"], s["signatories_deep"]
    add("signatories deep page / page 1 (p50 latency)", ratio(deep["p50_ms"], p1["p50_ms"]),
        "<= 2", deep["p50_ms"] <= 2 * p1["p50_ms"],
        f"page 1 {p1['rps']:.0f} req/s, deep {deep['rps']:.0f} req/s")  # fmt: skip
    add("signatories page 1 / constant JSON (rps)", ratio(p1["rps"], const), "(reported)", True)
    read_errors = sum(
        s[k]["errors"] for k in s if k not in ("sign", "freshness") and "errors" in s[k]
    )
    add("read scenario errors", read_errors, "0", read_errors == 0)
    e = results.get("export")
    if e:
        add("export 1M CSV / psql \\copy (s)", ratio(e["seconds"], e["psql_copy_seconds"]), "<= 3",
            e["seconds"] <= 3 * e["psql_copy_seconds"],
            f"{e['seconds']:.1f} s vs {e['psql_copy_seconds']:.1f} s, {e['rows']} rows",
        )  # fmt: skip
        add("export peak RSS (MB)", round(e["peak_rss_mb"]), "< 300", e["peak_rss_mb"] < 300)
    drain = results.get("drain")
    if drain:
        add(f"{drain['workers']} db_workers drain {drain['queued']} email tasks, none twice",
            drain["tasks_claimed_twice"], "0", drain["ok"],
            f"{drain['drain_seconds']:.1f} s, {drain['tasks_per_second']:.0f} tasks/s, "
            f"{drain['emails_sent']} emails sent")  # fmt: skip
    nodes = results.get("two_nodes")
    if nodes:
        add("two gunicorn nodes, same counter via Redis", nodes["after"], "equal", nodes["ok"],
            f"fresh on both after {nodes['seconds_until_both_fresh']:.2f} s")  # fmt: skip
    return rows


def scenario_table(s: dict) -> list[str]:
    lines = [
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in s.items():
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


def write_report(results: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    summary = summarise(results)
    results["summary"] = summary
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    cfg = results["config"]
    md = [
        f"# Benchmark {stamp}",
        "",
        f"gunicorn {cfg['workers']} workers × {cfg['gunicorn_threads']} threads "
        f"({'gthread' if cfg['gunicorn_threads'] > 1 else 'sync'}), wrk {cfg['wrk_threads']} "
        f"threads × {cfg['connections']} connections, {cfg['duration']} s per scenario, "
        f"{cfg['signatures']} signatures loaded in {results['load']['signatures_copy_s']:.1f} s "
        f"(COPY), {os.cpu_count()} cores.",
        "",
        "## Targets (ratios to the baseline views, same run)",
        "",
        "| what | measured | target | met | note |",
        "|---|---|---|---|---|",
    ]
    for row in summary:
        met = "yes" if row["met"] else "**NO**"
        md.append(
            f"| {row['what']} | {row['measured']} | {row['target']} | {met} | {row['note']} |"
        )
    md += ["", "## Scenarios", "", *scenario_table(results["scenarios"]), ""]
    text = "\n".join(md) + "\n"
    (RESULTS / f"{stamp}.md").write_text(text)
    (RESULTS / "latest.md").write_text(text)
    print("\n" + text)
    return RESULTS / f"{stamp}.md"


def main() -> None:
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
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded database")
    args = parser.parse_args()
    began = time.perf_counter()
    preflight()
    results: dict = {
        "config": {
            "workers": args.workers,
            "gunicorn_threads": args.gunicorn_threads,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "duration": args.duration,
            "signatures": args.signatures,
            "run_id": RUN_ID,
            "conn_max_age": bench_env()["CONN_MAX_AGE"],
        }  # fmt: skip
    }
    try:
        if args.skip_load:
            WORK.mkdir(parents=True, exist_ok=True)
            results["load"] = {"signatures_copy_s": 0.0, "reused": True}
            redis.Redis.from_url(REDIS_URL).flushdb()
        else:
            log("fresh database, migrations, static files")
            reset_database()
            manage("migrate", "--no-input", "-v0")
            manage("collectstatic", "--no-input", "-v0")
            log(f"loading {args.signatures} signatures (COPY)")
            results["load"] = py_module("bench.load", "--signatures", str(args.signatures))
            log(f"loaded: {json.dumps(results['load'])}")
        sql("VACUUM ANALYZE")
        start_gunicorn(PORT, workers=args.workers, threads=args.gunicorn_threads)
        worker = start_worker()
        results["scenarios"] = scenarios(args)
        stop(worker)
        results["export"] = export_step()
        results["drain"] = drain_step(args.drain_workers, args.drain_tasks)
        results["two_nodes"] = two_nodes_step(args)
    finally:
        stop_all()
    results["total_seconds"] = time.perf_counter() - began
    path = write_report(results)
    log(f"done in {results['total_seconds']:.0f} s; report: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

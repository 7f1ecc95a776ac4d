"""The benchmark's machinery: the environment, the services, the processes and wrk.

Builds the environment gunicorn and the workers run with (production settings against the
bench database and Redis), checks that PostgreSQL, Redis and wrk are there, starts and stops
gunicorn and `db_worker` processes, and runs wrk with our Lua scripts, parsing the line
bench/lua/report.lua prints. Nothing here knows our tables: the database reads are in
bench/checks.py.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA = ROOT / "bench" / "lua"
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "coalition_bench")
DATABASE_URL = f"{PG_SERVER}/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")
# The empty data set of the "flat" part: its own database and its own Redis database.
EMPTY_DB_NAME = f"{DB_NAME}_empty"
EMPTY_REDIS_URL = os.environ.get("BENCH_REDIS_EMPTY", "redis://127.0.0.1:6379/6")
HOST = "127.0.0.1"
PORT, PORT2 = 8001, 8002

# Marks the signatures this run creates: their emails start with "<prefix>-<RUN_ID>-" (found
# again by their keyed hashes, the emails being encrypted: bench/checks.py).
RUN_ID = datetime.now(UTC).strftime("%H%M%S")
processes: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every Django process of the run: production settings, bench services."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=DATABASE_URL,
        CACHE_URL=REDIS_URL,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",  # noqa: S106
        HASH_KEY="bench-only-hash-key-0123456789",
        # base64 of "bench-only-field-key-0123456789!": a Fernet key for the bench data only.
        FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OSE=",
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


def run_python(*args: str, env: dict | None = None) -> str:
    """Run our Python with the bench environment; its stdout, or its stderr in the error."""
    out = subprocess.run(
        [str(BIN / "python"), *args],
        cwd=ROOT,
        env=env or bench_env(),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"`python {' '.join(args)}` failed:\n{out.stderr[-4000:]}")
    return out.stdout


def manage(*args: str, env: dict | None = None) -> str:
    return run_python("manage.py", *args, env=env)


def py_module(module: str, *args: str, env: dict | None = None) -> dict:
    """Run `python -m module` (bench/probe.py, load.py, export_run.py); its last line as JSON."""
    out = run_python("-m", module, *args, env=env)
    return json.loads(out.strip().splitlines()[-1])


# Services --------------------------------------------------------------------------------------


def preflight(*, wrk: bool = True) -> None:
    """PostgreSQL and Redis answer, and wrk is installed when the run drives load with it."""
    if wrk and not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install -y wrk` (make bench does it when run as root)")
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        sys.exit(f"PostgreSQL is not answering at {PG_SERVER}: {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        sys.exit(f"Redis is not answering at {REDIS_URL}: {exc}")


def flush_redis() -> None:
    redis_flush(REDIS_URL)


def redis_flush(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


def reset_database() -> None:
    """An empty bench database, an empty Redis database and an empty work directory."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    flush_redis()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)


def create_database(name: str) -> str:
    """A new empty database `name` (dropped first); its URL."""
    drop_database(name)
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{PG_SERVER}/{name}"


def drop_database(name: str) -> None:
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(drop)


def vacuum_analyze() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# Processes -------------------------------------------------------------------------------------


def start(name: str, args: list[str], env: dict) -> subprocess.Popen:
    """Start a process in its own session, logging to var/bench/<name>.log."""
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


def start_gunicorn(
    port: int, *, workers: int, threads: int, env: dict | None = None
) -> subprocess.Popen:
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
    process = start(f"gunicorn-{port}", args, env or bench_env())
    wait_for(f"http://{HOST}:{port}/healthz")
    return process


def start_worker(name: str = "worker") -> subprocess.Popen:
    return start(name, [str(BIN / "python"), "manage.py", "db_worker"], bench_env())


def start_counter() -> subprocess.Popen:
    """The counting job, as production runs it (`manage.py count_figures`)."""
    return start("counter", [str(BIN / "python"), "manage.py", "count_figures"], bench_env())


def start_intake() -> subprocess.Popen:
    """The intake job, as production runs it (`manage.py take_signatures`)."""
    return start("intake", [str(BIN / "python"), "manage.py", "take_signatures"], bench_env())


# HTTP ------------------------------------------------------------------------------------------


def wait_for(url: str, timeout: float = 90) -> None:
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


# wrk -------------------------------------------------------------------------------------------


def wrk_process(script: str, *, duration: int, connections: int, threads: int, **env: str):
    """Start wrk with bench/lua/<script>.lua (after report.lua); `env` reaches the script."""
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


def parse_wrk(out: str) -> dict:
    """Throughput, latency percentiles and status counts from the BENCHJSON line of wrk's output."""
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


def wrk_result(process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    return parse_wrk(out)


def run_wrk(script: str, **kwargs) -> dict:
    return wrk_result(wrk_process(script, **kwargs))

"""DATABASES as config/settings.py builds it from the environment.

One subprocess reads the settings file afresh for every environment below (Django's own
start-up would cost a second or more each); the suite's environment plays no part.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://campaigns:secret@db.internal:5432/campaigns"

ENVIRONMENTS = {
    "sqlite default": {},
    "sqlite url options": {"DATABASE_URL": "sqlite:////tmp/db.sqlite3?timeout=5"},
    "sqlite pool variables": {"DATABASE_POOL_MAX_SIZE": "8"},
    "postgres default": {"DATABASE_URL": POSTGRES + "?sslmode=require"},
    "postgres sized": {
        "DATABASE_URL": POSTGRES,
        "DATABASE_POOL_MAX_SIZE": "8",
        "DATABASE_POOL_MIN_SIZE": "2",
        "DATABASE_POOL_TIMEOUT": "15",
        "CONN_MAX_AGE": "60",
    },
    "postgres no pool": {
        "DATABASE_URL": POSTGRES,
        "DATABASE_POOL_MAX_SIZE": "0",
        "CONN_MAX_AGE": "30",
    },
    "max not a number": {"DATABASE_URL": POSTGRES, "DATABASE_POOL_MAX_SIZE": "four"},
    "max negative": {"DATABASE_URL": POSTGRES, "DATABASE_POOL_MAX_SIZE": "-1"},
    "min above max": {"DATABASE_URL": POSTGRES, "DATABASE_POOL_MIN_SIZE": "5"},
    "timeout zero": {"DATABASE_URL": POSTGRES, "DATABASE_POOL_TIMEOUT": "0"},
    "timeout fraction": {"DATABASE_URL": POSTGRES, "DATABASE_POOL_TIMEOUT": "2.5"},
}

# For each environment: the settings file run from scratch, with only that environment.
READ_SETTINGS = """
import json, os, runpy, sys
base = dict(os.environ)
results = {}
for name, env in json.loads(sys.argv[1]).items():
    os.environ.clear()
    os.environ.update(base, **env)
    try:
        namespace = runpy.run_path("config/settings.py")
    except Exception as exc:
        results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        results[name] = {"database": namespace["DATABASES"]["default"]}
print(json.dumps(results, default=str))
"""

# Django itself takes the pool: it opens, lends and takes back connections.
USE_POOL = """
import django
django.setup()
from django.db import connection
for _ in range(3):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close()
pool = connection.pool
print(type(pool).__name__, pool.max_size, pool.get_stats()["pool_size"] >= 1)
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CONN_", "DJANGO_SETTINGS_MODULE"))
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def built() -> dict:
    result = run(["-c", READ_SETTINGS, json.dumps(ENVIRONMENTS)])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def database(built, name: str) -> dict:
    assert "error" not in built[name], built[name]
    return built[name]["database"]


# SQLite ---------------------------------------------------------------------------------------


def test_the_sqlite_default_waits_for_the_writer_instead_of_failing(built):
    db = database(built, "sqlite default")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"].endswith("var/db.sqlite3")
    assert db["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True


def test_sqlite_options_in_the_url_win(built):
    db = database(built, "sqlite url options")
    assert db["OPTIONS"]["timeout"] == 5
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_pool_variables_do_not_apply_to_sqlite(built):
    db = database(built, "sqlite pool variables")
    assert "pool" not in db["OPTIONS"]
    assert db["CONN_MAX_AGE"] == 60


# PostgreSQL -----------------------------------------------------------------------------------


def test_postgresql_pools_connections_by_default(built):
    db = database(built, "postgres default")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"] == {
        "sslmode": "require",
        "pool": {"min_size": 1, "max_size": 4, "timeout": 5},
    }
    # Django refuses a pool with persistent connections; no per-request health check.
    assert db["CONN_MAX_AGE"] == 0
    assert db["CONN_HEALTH_CHECKS"] is False


def test_the_pool_is_sized_from_the_environment_and_overrides_conn_max_age(built):
    db = database(built, "postgres sized")
    assert db["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 15}
    assert db["CONN_MAX_AGE"] == 0
    assert db["CONN_HEALTH_CHECKS"] is False


def test_a_max_size_of_zero_keeps_persistent_health_checked_connections(built):
    db = database(built, "postgres no pool")
    assert "pool" not in db.get("OPTIONS", {})
    assert db["CONN_MAX_AGE"] == 30
    assert db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("max not a number", "DATABASE_POOL_MAX_SIZE must be an integer, not 'four'"),
        ("max negative", "DATABASE_POOL_MAX_SIZE must be 0 (no pool) or more, not -1"),
        (
            "min above max",
            "DATABASE_POOL_MIN_SIZE must be between 0 and DATABASE_POOL_MAX_SIZE (4), not 5",
        ),
        ("timeout zero", "DATABASE_POOL_TIMEOUT must be a number of seconds above 0, not 0"),
        ("timeout fraction", "DATABASE_POOL_TIMEOUT must be an integer, not '2.5'"),
    ],
)
def test_bad_pool_values_stop_the_start_with_a_clear_error(built, name, message):
    assert built[name] == {"error": f"ImproperlyConfigured: {message}"}


def test_a_bad_value_stops_manage_py_too():
    result = run(["manage.py", "check"], DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE="lots")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "DATABASE_POOL_MAX_SIZE must be an integer, not 'lots'"
    )


@pytest.mark.django_db  # for the suite's test database; the subprocess has its own pool
def test_django_opens_and_reuses_the_pool_on_a_real_server():
    from django.db import connection

    db = connection.settings_dict  # the suite's test database, created by now
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = run(["-c", USE_POOL], DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ConnectionPool", "4", "True"]

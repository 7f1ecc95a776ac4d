"""The embedded default (SQLite, `make run`) holds when many people press Sign at once.

SQLite allows one writer at a time. Without WAL, `BEGIN IMMEDIATE` and a busy timeout
(config/settings.py) a burst of signers gets HTTP 500 "database is locked": a deferred
transaction that read first cannot wait its turn to write. With them, signers queue.

pytest-django's live server uses an in-memory shared-cache database, which does not show
the problem, and CI's main database is PostgreSQL: so this test runs the real settings in
subprocesses, on a SQLite file of its own, whatever database the suite uses.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SIGNERS = 16

# One process for both: Django's start-up is seconds of the test's time.
MIGRATE_AND_CREATE_CAMPAIGN = """
from django.core.management import call_command
from tests.conftest import create_campaign
call_command("migrate", interactive=False, verbosity=0)
create_campaign("burst", signature_goal=1000)
"""


def site_env(db_path: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CONN_", "CACHE_", "REDIS_", "EMAIL_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{db_path}",
            "CACHE_URL": "locmem://",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "ERROR",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert server.poll() is None, "runserver exited early"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers (a degraded health check is still an answer)
        except OSError:
            time.sleep(0.1)
    raise AssertionError("runserver did not start in time")


def post_sign(port: int, number: int, barrier: threading.Barrier) -> int:
    body = urlencode(
        {
            "name": f"Signer {number}",
            "email": f"signer{number}@burst{number}.example",
            "country": "KE",
            "language": "en",
            "affiliation": "",
            "show_publicly": "on",
            "hp_contact": "",
        }
    )
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.connect()  # connected before the barrier: the POSTs leave together
        barrier.wait(timeout=10)
        connection.request(
            "POST",
            "/c/burst/sign/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def sqlite_site(tmp_path):
    """A migrated SQLite file with one live campaign, served by a threaded runserver."""
    db_path = tmp_path / "db.sqlite3"
    env = site_env(db_path)
    manage(env, "shell", "--no-imports", "-c", MIGRATE_AND_CREATE_CAMPAIGN)
    port = free_port()
    log = (tmp_path / "runserver.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, time.monotonic() + 20)
        yield port, db_path, tmp_path / "runserver.log"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_sixteen_simultaneous_signers_all_get_through(sqlite_site):
    port, db_path, log_path = sqlite_site
    barrier = threading.Barrier(SIGNERS)
    statuses: list = [None] * SIGNERS

    def signer(number: int) -> None:
        try:
            statuses[number] = post_sign(port, number, barrier)
        except Exception as exc:  # reported with the statuses
            statuses[number] = repr(exc)

    threads = [threading.Thread(target=signer, args=(n,)) for n in range(SIGNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=40)

    assert statuses == [302] * SIGNERS, (statuses, log_path.read_text()[-3000:])
    # The intake job, as `make run` runs it beside the server, signs what was submitted.
    manage(site_env(db_path), "take_signatures", "--once")
    with sqlite3.connect(db_path) as db:
        (rows,) = db.execute(
            "SELECT COUNT(*) FROM pledges_signature s JOIN campaigns_campaign c"
            " ON c.id = s.campaign_id WHERE c.slug = 'burst'"
        ).fetchone()
        (journal_mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert rows == SIGNERS
    assert journal_mode == "wal"  # persistent: set by the site's first connection

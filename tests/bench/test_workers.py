"""Several task workers on one database: each task runs once, and the queue drains."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from tests.conftest import create_campaign
from tests.pledges.conftest import sign

postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite allows one writer, so workers cannot compete for tasks",
)


def worker_env(mail_log: Path) -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "bench.mail.CountingBackend",
        "BENCH_MAIL_LOG": str(mail_log),
        "LOG_LEVEL": "WARNING",
    }


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_send_every_queued_email_exactly_once(tmp_path):
    campaign = create_campaign("queue")
    for n in range(200):
        sign(campaign, email=f"queued{n}@example.org")
    emails = DBTaskResult.objects.filter(task_path="pledges.tasks.send_pledge_email")
    assert emails.filter(status="READY").count() == 200
    mail_log = tmp_path / "mail.log"
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
               "--interval", "0"]  # fmt: skip
    workers = [
        subprocess.Popen(command, cwd=settings.BASE_DIR, env=worker_env(mail_log)) for _ in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert {status for status, _ in results} == {"SUCCESSFUL"}
    assert all(len(worker_ids) == 1 for _, worker_ids in results)  # claimed once, run once
    assert emails.filter(status="SUCCESSFUL").count() == 200
    lines = mail_log.read_text().splitlines()
    recipients = [line.split(" ", 1)[1] for line in lines if "queued" in line]
    assert len(recipients) == len(set(recipients)) == 200

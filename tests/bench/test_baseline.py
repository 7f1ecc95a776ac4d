"""The benchmark's baseline app and the settings the harness turns up, read from the environment."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.core.management import call_command
call_command("makemigrations", "bench", "--check", "--dry-run", verbosity=0)
assert "bench" in settings.INSTALLED_APPS
print(Client().get("/bench/constant.json").json())
print(settings.PLEDGE_RATE_LIMITS["ip"], settings.API_THROTTLE_RATES["public"])
"""


def run(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_baseline_app_serves_its_views_only_when_enabled_and_limits_come_from_env():
    result = run(BENCH_BASELINE="1", PLEDGE_RATE_LIMIT_IP="5000", API_PUBLIC_RATE="9000/min")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "{'status': 'ok', 'count': 12345}",
        "(5000, 3600) 9000/min",
    ]


def test_baseline_app_is_not_installed_by_default():
    assert not settings.BENCH_BASELINE
    assert "bench" not in settings.INSTALLED_APPS

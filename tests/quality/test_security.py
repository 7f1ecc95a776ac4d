"""Security settings that production relies on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import create_campaign


def production_env(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "DEBUG", "SITE_URL", "SECRET_KEY"))
    }
    return {
        **env,
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qv9!pZ2@wL5$xR8%tY1^uB4&nM6*cJ3(hF0)gD-sA+eW=oI",
        "ALLOWED_HOSTS": "campaigns.example.org",
        "SITE_URL": "https://campaigns.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def pages(db):
    create_campaign("statement", signature_goal=100)
    create_campaign("bds", kind="bds", organisation_goal=10)
    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=1000, fundraising_currency="EUR"
    )


PUBLIC_URLS = [
    "/",
    "/ar/",
    "/c/statement/",
    "/c/bds/",
    "/fr/c/fund/",
    "/ar/c/statement/",
    "/no-such-page/",
    "/c/no-such-campaign/",
    "/c/statement/qr.svg",
    "/healthz",
    "/staff/admin/login/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_page_carries_a_strict_content_security_policy(client, pages, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy

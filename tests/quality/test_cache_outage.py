"""With Redis unreachable the site serves from the database, and /healthz says so.

The cache is pointed at a port where nothing listens: every public page, the API, the
embeds and the badge still answer, a signature is stored exactly once and its page is the
normal "check your email", API throttles fail open, and the outage is logged once.
"""

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from lib import cache as resilient
from lib.mailboxes import email_hash
from pledges.models import Signature
from tests.conftest import run_tasks, take_signatures
from tests.pledges.conftest import last_email_to, link_to, signed_and_confirmed

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens there


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "lib.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}
    }
    assert cache.ping() is not None  # really unreachable
    settings.PUBLIC_PAGE_SECONDS = 5  # the page cache's path, with nothing to store into
    yield


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


PUBLIC = [
    "/",
    "/c/refuse/",
    "/ar/c/refuse/",
    "/es/c/refuse/",
    "/c/refuse/signatories/",
    "/c/refuse/versions/",
    "/c/refuse/qr.svg",
    "/api/v1/campaigns/",
    "/api/v1/campaigns/refuse/",
    "/api/v1/campaigns/refuse/progress/",
    "/api/v1/campaigns/refuse/signatories/",
    "/api/v1/targets/",
    "/api/v1/open-books/",
    "/embed/refuse/",
    "/embed/refuse/badge.svg",
    "/embed.js",
    "/oembed?url=http://testserver/c/refuse/&format=json",
    "/open-books/",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_answer_while_the_cache_is_down(visitor, campaign, cache_down, url):
    signed_and_confirmed(campaign, show_publicly=True)
    assert visitor.get(url).status_code == 200


def test_counters_are_counted_from_the_rows_while_the_cache_is_down(client, campaign, cache_down):
    signed_and_confirmed(campaign, email="one@example.org")
    signed_and_confirmed(campaign, email="two@example.org")
    progress = client.get("/api/v1/campaigns/refuse/progress/").json()
    assert progress["total_signatures"] == 2


def test_signing_works_once_and_says_check_your_email_while_the_cache_is_down(
    visitor, campaign, cache_down
):
    form = {"name": "Amina Yusuf", "email": "amina@example.org", "country": "KE"}
    response = visitor.post("/c/refuse/sign/", {**form, "language": "en"})
    assert response.status_code == 302
    assert "check-your-email" in response["Location"]
    take_signatures()
    assert Signature.objects.filter(email_hash=email_hash("amina@example.org")).count() == 1
    run_tasks()
    path = link_to(last_email_to("amina@example.org"), "/confirm/")
    assert visitor.post(path).status_code == 200
    assert Signature.objects.get(email_hash=email_hash("amina@example.org")).status == "confirmed"


def test_api_throttles_fail_open_while_the_cache_is_down(client, campaign, cache_down, settings):
    settings.API_THROTTLE_RATES = {"public": "2/min", "partner": "600/min"}
    answers = [client.get("/api/v1/campaigns/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 200]


def test_the_outage_is_logged_once_not_per_request(client, campaign, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="lib.cache"):
        settings.CACHES = {
            "default": {"BACKEND": "lib.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}
        }
        resilient.RETRY_SECONDS, retry = 0.0, resilient.RETRY_SECONDS  # try on every call
        try:
            for _ in range(3):
                client.get("/c/refuse/")
                client.get("/api/v1/campaigns/refuse/progress/")
        finally:
            resilient.RETRY_SECONDS = retry
    outages = [r for r in caplog.records if "cache unreachable" in r.getMessage()]
    assert len(outages) == 1


def test_healthz_names_the_cache_as_degraded_and_still_answers_200(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"ok": True}
    assert body["cache"]["ok"] is False
    assert body["tasks"]["ok"] is True


def test_healthz_is_ok_with_a_live_cache_and_answers_head(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["cache"] == {"ok": True}
    assert client.head("/healthz").status_code == 200


def test_healthz_reports_a_task_queue_that_falls_behind(client, campaign, settings):
    settings.HEALTH_TASK_QUEUE_MAX_AGE_SECONDS = -1  # any waiting task is too old
    signed_and_confirmed(campaign)  # queues its emails; no worker runs here
    body = client.get("/healthz").json()
    assert body["tasks"]["ready"] >= 1
    assert body["tasks"]["ok"] is False
    assert body["status"] == "degraded"


def test_a_recovered_cache_is_used_again(settings):
    live = resilient.ResilientRedisCache("redis://127.0.0.1:6379/15", {})
    dead = resilient.ResilientRedisCache(DEAD_REDIS, {})
    assert dead.get("k", "default") == "default"
    assert dead.add("k", 1) is False
    assert not dead.available  # backing off: no connect per call
    assert live.ping() is None
    live.set("k", "v", 5)
    assert live.get("k") == "v"
    live.delete("k")
    assert mail.outbox == []


def test_production_settings_use_the_cache_that_degrades():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.CACHES['default'])"],
        env={"CACHE_URL": "redis://cache.internal:6379/0", "DEBUG": "1", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "lib.cache.ResilientRedisCache" in out

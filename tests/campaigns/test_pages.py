"""Public pages are served as stored bytes to anonymous visitors, with headers a proxy can use,
and rebuilt once what they show changed."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from campaigns.models import Campaign
from tests.conftest import create_campaign, verified_login
from tests.pledges.conftest import signed_and_confirmed

pytestmark = pytest.mark.django_db

SECONDS = 5


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_SECONDS = SECONDS
    settings.COUNTER_CACHE_SECONDS = 1


@pytest.fixture
def campaign(db):
    return create_campaign("refuse", signature_goal=100)


def retitle(campaign: Campaign, title: str) -> None:
    """Change what the page shows behind the page cache's back (no service call)."""
    Campaign.objects.filter(pk=campaign.pk).update(title=title)


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_visitors_get_the_stored_bytes_until_something_changes(campaign):
    first = Client().get("/c/refuse/")
    retitle(campaign, "A new title")
    with later(SECONDS - 1):
        assert Client().get("/c/refuse/").content == first.content
    with later(SECONDS + 1):  # nothing it shows moved: still good
        assert Client().get("/c/refuse/").content == first.content
    with later(61):  # the longest a stored page stands in
        assert "A new title" in Client().get("/c/refuse/").content.decode()


def test_a_confirmed_signature_shows_once_the_interval_passed(
    campaign, django_capture_on_commit_callbacks
):
    before = Client().get("/api/v1/campaigns/refuse/progress/").json()
    before_page = Client().get("/c/refuse/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signed_and_confirmed(campaign)
    with later(SECONDS + 2):
        after = Client().get("/api/v1/campaigns/refuse/progress/").json()
        page = Client().get("/c/refuse/").content.decode()
    assert after["figures"][0]["count"] == before["figures"][0]["count"] + 1
    assert page != before_page


def test_headers_let_a_proxy_cache_and_revalidate(campaign):
    response = Client().get("/c/refuse/")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=5", "stale-while-revalidate=10", "stale-if-error=25"} <= (
        cache_control
    )
    assert response.cookies == {}
    again = Client().get("/c/refuse/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]


def test_each_language_and_embed_query_is_its_own_page(campaign):
    english = Client().get("/c/refuse/")
    arabic = Client().get("/ar/c/refuse/")
    assert english.content != arabic.content
    assert 'lang="ar"' in arabic.content.decode()
    spanish_badge = Client().get("/embed/refuse/badge.svg?lang=es")
    french_badge = Client().get("/embed/refuse/badge.svg?lang=fr")
    assert spanish_badge.status_code == french_badge.status_code == 200
    assert Client().get("/embed/refuse/badge.svg?lang=es").content == spanish_badge.content


def test_staff_and_query_strings_bypass_the_stored_page(campaign, comms):
    Client().get("/c/refuse/")
    retitle(campaign, "Edited just now")
    staff = verified_login(Client(), comms)
    assert "Edited just now" in staff.get("/c/refuse/").content.decode()
    assert "Edited just now" in Client().get("/c/refuse/?ref=allies").content.decode()
    assert "Edited just now" not in Client().get("/c/refuse/").content.decode()


def test_a_published_change_rebuilds_the_page(campaign, comms, django_capture_on_commit_callbacks):
    from campaigns import services

    Client().get("/c/refuse/")
    with django_capture_on_commit_callbacks(execute=True):
        services.close(campaign, by=comms)
    with later(SECONDS + 1):
        assert 'action="/c/refuse/sign/"' not in Client().get("/c/refuse/").content.decode()


def test_a_page_that_failed_is_not_stored(campaign):
    assert Client().get("/c/nothing-here/").status_code == 404
    assert Client().get("/embed/refuse/badge.svg?lang=xx").status_code == 400
    assert Client().get("/embed/refuse/badge.svg?lang=xx").status_code == 400

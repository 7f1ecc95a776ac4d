"""Staff previews are the public page itself (sign form, counters, share box) in each
language, full size or in a phone-sized frame; only the preview may be framed, by our own
pages; it is never stored for the public and never indexed."""

import re

import pytest
from django.test import Client
from django.utils import translation

from campaigns.models import Campaign, CampaignTranslation
from tests.campaigns.staff_pages import ADMIN, change_url
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "fr", "pt", "ar"]


def preview_url(campaign, language: str = "en") -> str:
    prefix = "" if language == "en" else f"/{language}"
    return f"{prefix}{ADMIN}campaigns/campaign/{campaign.pk}/preview/"


def phone_url(campaign, language: str) -> str:
    return f"{ADMIN}campaigns/campaign/{campaign.pk}/phone/?lang={language}"


@pytest.fixture
def staff(client, comms):
    return verified_login(client, comms)


@pytest.fixture
def draft(db):
    campaign = create_campaign(
        "leave-cloud",
        live=False,
        title="Leave the cloud",
        signature_goal=2500,
        translations={
            "es": {"title": "Salir de la nube", "summary": "Resumen"},
            "ar": {"title": "لنغادر السحابة"},
        },
    )
    CampaignTranslation.objects.create(
        campaign=campaign, language="pt", title="Sair da nuvem", approved_at=None
    )
    return campaign


def test_the_campaign_page_links_a_preview_in_every_language(staff, draft):
    body = staff.get(change_url(draft)).content.decode()
    for language in LANGUAGES:
        assert f'href="{preview_url(draft, language)}"' in body
        assert f'href="{phone_url(draft, language)}"' in body
    assert "Preview in" in body


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Leave the cloud"), ("es", "Salir de la nube"), ("ar", "لنغادر السحابة"),
     ("fr", "Leave the cloud")],
)  # fmt: skip
def test_the_preview_is_the_public_page_in_its_language(staff, draft, language, title):
    response = staff.get(preview_url(draft, language))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{title}</h1>" in body
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in body
    # The real page: the preview banner, the counter, the sign form, the share box.
    assert 'class="notice" role="note"' in body
    assert 'class="action-box"' in body
    assert f'action="{"" if language == "en" else "/" + language}/c/leave-cloud/sign/"' in body
    assert 'class="share' in body
    assert '<meta name="robots" content="noindex">' in body


def test_a_draft_translation_is_previewed_with_a_note_while_the_public_falls_back(staff, draft):
    body = staff.get(preview_url(draft, "pt")).content.decode()
    assert "<h1>Sair da nuvem</h1>" in body
    with translation.override("pt"):
        note = translation.gettext(
            "Draft translation: this %(language)s text awaits approval; until then the "
            "public sees the %(default)s text."
        )
    assert note.split("%(")[0] in body
    draft_page = staff.get("/pt/c/leave-cloud/").content.decode()  # the public address
    assert "<h1>Leave the cloud</h1>" in draft_page


def test_only_the_preview_may_be_framed_and_only_by_our_own_pages(staff, draft):
    preview = staff.get(preview_url(draft, "es"))
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in preview["Content-Security-Policy"]
    for url in (change_url(draft), phone_url(draft, "es"), "/es/c/leave-cloud/"):
        response = staff.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


def test_the_preview_is_never_stored_or_indexed(staff, draft, settings):
    settings.PUBLIC_PAGE_SECONDS = 30
    response = staff.get(preview_url(draft, "es"))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control or "no-store" in cache_control
    assert "public" not in cache_control
    # The public address of a draft carries a session cookie for staff: rendered, not stored.
    staff.get("/es/c/leave-cloud/")
    assert Client().get("/es/c/leave-cloud/").status_code == 404


def test_the_phone_frame_shows_the_preview_at_390_by_844(staff, draft):
    response = staff.get(phone_url(draft, "ar"))
    assert response.status_code == 200
    body = response.content.decode()
    frame = re.search(r"<iframe [^>]+>", body).group(0)
    assert f'src="{preview_url(draft, "ar")}"' in frame
    assert 'width="390"' in frame and 'height="844"' in frame
    assert 'title="' in frame
    # Every language is one click away; the current one is marked.
    for language in LANGUAGES:
        if language != "ar":
            assert f'href="{phone_url(draft, language)}"' in body
    assert 'aria-current="true" lang="ar"' in body


def test_the_phone_frame_falls_back_to_the_default_language(staff, draft):
    body = staff.get(f"{ADMIN}campaigns/campaign/{draft.pk}/phone/?lang=xx").content.decode()
    assert f'src="{preview_url(draft, "en")}"' in body


def test_a_fundraiser_and_a_bds_drive_preview_their_own_boxes(staff):
    fund = create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        live=False,
        fundraising_goal_minor=5_000_000,
        fundraising_currency="EUR",
    )
    body = staff.get(preview_url(fund)).content.decode()
    assert "/c/fund/donate/" in body
    drive = create_campaign("drive", kind=Campaign.Kind.BDS, live=False)
    body = staff.get(preview_url(drive)).content.decode()
    assert "/c/drive/commitments/pledge/" in body or "Pledge commitments" in body


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_previews_are_for_staff_only(persona_client, draft, persona):
    client = persona_client(persona)
    for url in (preview_url(draft, "es"), phone_url(draft, "es")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_an_unknown_campaign_has_no_preview(staff):
    assert staff.get(f"{ADMIN}campaigns/campaign/999999/preview/").status_code == 404
    assert staff.get(f"{ADMIN}campaigns/campaign/abc/phone/").status_code in (302, 404)

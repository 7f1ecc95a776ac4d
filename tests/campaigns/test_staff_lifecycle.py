"""The launch buttons on a campaign's staff page: each opens a confirmation saying what will
happen, computed from the campaign, and only a POST with the CSRF token from Communications
changes anything (through campaigns.services, audit-logged)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns import counters, services
from campaigns.models import Campaign, CampaignTranslation
from staff.models import AuditEvent
from tests.campaigns.staff_pages import ADMIN, change_url
from tests.conftest import create_campaign, verified_login
from tests.pledges.conftest import signed_and_confirmed

pytestmark = pytest.mark.django_db

Status = Campaign.Status


def lifecycle_url(campaign, action: str) -> str:
    return f"{ADMIN}campaigns/campaign/{campaign.pk}/lifecycle/{action}/"


@pytest.fixture
def staff(client, comms):
    return verified_login(client, comms)


@pytest.fixture
def draft(db):
    campaign = create_campaign(
        "leave-cloud",
        live=False,
        title="Leave the cloud",
        summary="Move off Big Tech clouds.",
        call_to_action="Sign",
        launch_at=timezone.now() + timedelta(days=3),
        translations={
            "es": {"title": "Salir", "summary": "Resumen", "statement": "Salimos.",
                   "call_to_action": "Firma"},
            "ar": {"title": "لنغادر", "summary": "ملخص", "statement": "نغادر.",
                   "call_to_action": "وقّع"},
            "fr": {"title": "Quitter", "summary": "Résumé", "call_to_action": "Signez"},
        },
    )  # fmt: skip
    pt = CampaignTranslation.objects.create(
        campaign=campaign, language="pt", title="Sair", approved_at=None
    )
    assert not pt.is_approved
    return campaign


def test_the_page_shows_the_buttons_its_status_allows(staff, draft):
    body = staff.get(change_url(draft)).content.decode()
    assert f'href="{lifecycle_url(draft, "publish")}"' in body
    assert f'href="{lifecycle_url(draft, "schedule")}"' in body
    assert lifecycle_url(draft, "close") not in body
    assert lifecycle_url(draft, "draft") not in body
    services.publish(draft, by=None)
    body = staff.get(change_url(draft)).content.decode()
    assert f'href="{lifecycle_url(draft, "close")}"' in body
    assert lifecycle_url(draft, "publish") not in body


def test_publish_confirmation_says_which_languages_go_live_and_what_is_missing(staff, draft):
    response = staff.get(lifecycle_url(draft, "publish"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Publish “Leave the cloud” now?" in body
    assert "Goes live now in English, Spanish, Arabic, and French." in body
    assert "The French translation is incomplete (no statement): those parts show in English." in (
        body
    )
    assert "The Portuguese translation awaits approval" in body
    assert "The sign form opens at once." in body
    assert "The Communications group is emailed that it launched." in body
    assert "brought forward to now" in body  # its launch time was three days ahead
    assert 'name="csrfmiddlewaretoken"' in body
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # looking changes nothing


def test_publish_now_makes_it_live_and_logs_who_did_it(staff, comms, draft):
    response = staff.post(lifecycle_url(draft, "publish"))
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.status == Status.LIVE
    event = AuditEvent.objects.get(action="campaign.launch", object_id=str(draft.pk))
    assert event.actor == comms
    message = staff.get(change_url(draft)).content.decode()
    assert "“Leave the cloud” is live." in message
    assert Client().get("/c/leave-cloud/").status_code == 200


def test_schedule_confirmation_gives_the_launch_time_and_schedules(staff, draft):
    body = staff.get(lifecycle_url(draft, "schedule")).content.decode()
    assert f"Goes live on {timezone.localtime(draft.launch_at).year}" not in body
    assert "Goes live on " in body and " UTC (in " in body
    assert "in English, Spanish, Arabic, and French." in body
    assert "Until then only staff see it" in body
    staff.post(lifecycle_url(draft, "schedule"))
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED
    assert AuditEvent.objects.filter(action="campaign.schedule").exists()


def test_schedule_without_a_future_launch_time_explains_and_offers_no_button(staff):
    campaign = create_campaign("no-time", live=False)
    response = staff.get(lifecycle_url(campaign, "schedule"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Set a launch time in the future first" in body
    assert "csrfmiddlewaretoken" not in body.split("content-main")[1]
    # Posting anyway is a clear message, not an error page.
    response = staff.post(lifecycle_url(campaign, "schedule"))
    assert response.status_code == 302
    assert "Nothing changed: Set a launch time in the future to schedule." in (
        staff.get(response["Location"]).content.decode()
    )
    campaign.refresh_from_db()
    assert campaign.status == Status.DRAFT


def test_close_confirmation_counts_what_was_collected_and_closes(
    staff, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            signed_and_confirmed(campaign, email=f"s{n}@example.org")
    counters.count()  # the counting job adds the changes up
    body = staff.get(lifecycle_url(campaign, "close")).content.decode()
    assert "Close “Campaign refuse” now?" in body
    assert "Closes now: 3 signatures and 0 organisations so far; the sign form and the " in body
    assert "stop at once." in body
    staff.post(lifecycle_url(campaign, "close"))
    campaign.refresh_from_db()
    assert campaign.status == Status.CLOSED
    assert AuditEvent.objects.filter(action="campaign.close").exists()


def test_close_of_a_bds_drive_and_of_a_fundraiser_says_what_stops(staff):
    drive = create_campaign("drive", kind=Campaign.Kind.BDS)
    body = staff.get(lifecycle_url(drive, "close")).content.decode()
    assert "new commitment pledges stop at once (the tracker stays public)" in body
    fund = create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=100,
        fundraising_currency="EUR",
    )
    body = staff.get(lifecycle_url(fund, "close")).content.decode()
    assert "the donate button goes at once" in body


def test_return_to_draft_cancels_the_planned_launch(staff, draft):
    services.schedule(draft, by=None)
    body = staff.get(lifecycle_url(draft, "draft")).content.decode()
    assert "Returns to draft: the launch planned for" in body
    assert "is cancelled; nothing becomes public." in body
    staff.post(lifecycle_url(draft, "draft"))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert AuditEvent.objects.filter(action="campaign.return_to_draft").exists()


def test_reopen_of_a_closed_campaign(staff, campaign):
    services.close(campaign, by=None)
    body = staff.get(change_url(campaign)).content.decode()
    assert f'href="{lifecycle_url(campaign, "publish")}">Reopen</a>' in body
    body = staff.get(lifecycle_url(campaign, "publish")).content.decode()
    assert "Reopen “Campaign refuse”?" in body
    staff.post(lifecycle_url(campaign, "publish"))
    campaign.refresh_from_db()
    assert campaign.status == Status.LIVE
    assert AuditEvent.objects.filter(action="campaign.reopen").exists()


def test_a_move_the_table_refuses_is_a_message_never_a_500(staff, campaign):
    # Someone else closed it while this page was open: "Return to draft" is no longer possible.
    body = staff.get(lifecycle_url(campaign, "draft")).content.decode()
    assert "Not possible now: the campaign is Live." in body
    response = staff.post(lifecycle_url(campaign, "draft"))
    assert response.status_code == 302
    page = staff.get(response["Location"]).content.decode()
    assert "Nothing changed: the campaign is Live now." in page
    campaign.refresh_from_db()
    assert campaign.status == Status.LIVE


def test_an_unknown_action_is_404(staff, draft):
    assert staff.get(lifecycle_url(draft, "explode")).status_code == 404
    assert staff.get(f"{ADMIN}campaigns/campaign/999999/lifecycle/publish/").status_code == 404


def test_the_post_needs_the_csrf_token(comms, draft):
    client = verified_login(Client(enforce_csrf_checks=True), comms)
    assert client.post(lifecycle_url(draft, "publish")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("persona", ["moderator", "finance", "translator"])
def test_other_staff_see_no_buttons_and_cannot_press_them(persona_client, draft, persona):
    client = persona_client(persona)
    body = client.get(change_url(draft)).content.decode()
    assert "/lifecycle/" not in body
    assert client.get(lifecycle_url(draft, "publish")).status_code == 403
    assert client.post(lifecycle_url(draft, "publish")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_public_sees_a_published_draft_live(staff, draft):
    public = Client()
    assert public.get("/c/leave-cloud/").status_code == 404
    staff.post(lifecycle_url(draft, "publish"))
    response = public.get("/es/c/leave-cloud/")
    assert response.status_code == 200
    assert "Salir" in response.content.decode()

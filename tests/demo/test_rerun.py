"""`make run` loads the demo at every start: a second run adds nothing and undoes no staff work."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, CampaignTranslation

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model in the project's apps and of logins, devices and audit entries."""
    labels = {"campaigns", "pledges", "commitments", "donations", "partners", "staff", "auth"}
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels
    }
    counts["otp_static.StaticToken"] = apps.get_model("otp_static", "StaticToken").objects.count()
    return counts


def test_a_second_run_adds_nothing():
    load_demo()
    once = row_counts()
    assert once["campaigns.Campaign"] == 3 and once["pledges.Signature"] == 9
    load_demo()
    assert row_counts() == once


def test_a_campaign_staff_closed_stays_closed_with_its_edited_texts_and_goals():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        load_demo()
    staff = get_user_model().objects.get(username="comms")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        campaign = Campaign.objects.get(slug="refuse-extraction")
        campaign.title = "We refuse extraction, edited"
        campaign.signature_goal = 25
        campaign.full_clean()
        campaign.save()
        services.close(campaign, by=staff)
        spanish = CampaignTranslation.objects.get(campaign=campaign, language="es")
        spanish.title = "Rechazamos, editado"
        services.save_translation(spanish, by=staff, text_changed=True)
        fund = Campaign.objects.get(slug="coalition-fund")
        fund.fundraising_goal_minor = 1_000_000
        fund.save(update_fields=["fundraising_goal_minor"])
    with time_machine.travel(start + timedelta(days=1), tick=False):
        load_demo()

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert campaign.closed_at == start + timedelta(hours=1)
    assert campaign.title == "We refuse extraction, edited" and campaign.signature_goal == 25
    assert campaign.content("es").title == "Rechazamos, editado"
    assert Campaign.objects.get(slug="coalition-fund").fundraising_goal_minor == 1_000_000
    assert Campaign.objects.get(slug="big-tech-bds").status == Campaign.Status.LIVE


def test_only_what_is_missing_is_made_again():
    load_demo()
    campaign = services.close(Campaign.objects.get(slug="big-tech-bds"), by=None)
    CampaignTranslation.objects.filter(campaign=campaign, language="fr").delete()
    before = row_counts()
    load_demo()
    assert CampaignTranslation.objects.filter(campaign=campaign, language="fr").exists()
    assert row_counts() == before | {
        "campaigns.CampaignTranslation": before["campaigns.CampaignTranslation"] + 1
    }
    assert Campaign.objects.get(slug="big-tech-bds").status == Campaign.Status.CLOSED

"""Anonymising a campaign's signers after it closes (pledges/anonymisation.py), on PostgreSQL:
in batches by id ranges, resumable, idempotent, audited, counts and tallies unchanged."""

import io
import secrets
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from campaigns import counters
from campaigns import services as campaign_services
from campaigns.models import Campaign
from pledges import anonymisation
from pledges.models import PledgeEmail, Signature
from staff.models import AuditEvent
from tests.conftest import create_campaign, run_tasks
from tests.pledges.conftest import signed_and_confirmed
from tests.quality.dump import columns_containing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the anonymisation is measured on PostgreSQL",
    ),
]

COUNTRIES = ["FR", "DE", "ES", "BR", "GB", "ZA", "IN", "PS"]
ROWS = 100_000


def later(days: int | None = None):
    return timezone.now() + timedelta(days=days or settings.ANONYMISE_AFTER_CLOSE_DAYS + 1)


def bulk_signatures(campaign: Campaign, count: int) -> None:
    """`count` confirmed signers, written at once (the benchmark's loader does the same with
    COPY); a few thousand are listed by name."""
    now = timezone.now()
    name = "Bulk Signer"  # stored encrypted: one value for all, like bench/load.py
    rows = [
        Signature(
            campaign=campaign,
            status=Signature.Status.CONFIRMED,
            name=name,
            email="",
            email_hash=secrets.token_hex(32),
            ip_hash=secrets.token_hex(32),
            country=COUNTRIES[i % len(COUNTRIES)],
            language="en",
            show_publicly=i % 40 == 0,
            listed_name=f"Listedbulk {i}" if i % 40 == 0 else "",
            confirmed_at=now,
        )
        for i in range(count)
    ]
    Signature.objects.bulk_create(rows, batch_size=5000)


def people(campaign, keep_public_list=False):
    """Distinctive signers made through our services: listed, unlisted, with updates."""
    listed = signed_and_confirmed(
        campaign, name="Lotte Listedperson", email="lotte.listed@anon-test.example"
    )
    unlisted = signed_and_confirmed(
        campaign,
        name="Ulrike Unlistedperson",
        email="ulrike.unlisted@anon-test.example",
        show_publicly=False,
        updates_consent=True,
        affiliation="Ulrike's Collective",
        country="UG",
    )
    return listed, unlisted


def closed(campaign: Campaign, *, keep_public_list: bool = False) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(keep_public_list=keep_public_list)
    return campaign_services.close(campaign, by=None)


def test_a_hundred_thousand_signers_in_batches_resumable_and_counts_unchanged():
    campaign = create_campaign("big")
    listed, unlisted = people(campaign)
    bulk_signatures(campaign, ROWS)
    counters.reconcile()  # the bulk rows' tallies start here
    counters.count()
    before = counters.by_country(campaign.pk, "signatures")
    statuses_before = sorted(
        Signature.objects.filter(campaign=campaign).values_list("pk", "status", "country")
    )
    hashes = list(
        Signature.objects.filter(pk__in=[listed.pk, unlisted.pk]).values_list(
            "email_hash", flat=True
        )
    )
    closed(campaign)
    when = later()

    # Not yet due: nothing happens.
    assert anonymisation.anonymise(campaign, now=timezone.now()) == 0

    # Three batches, then the worker "stops".
    rewritten = anonymisation.anonymise(campaign, max_batches=3, now=when)
    assert rewritten == 3 * anonymisation.BATCH
    campaign.refresh_from_db()
    assert campaign.anonymised_at is None
    first_ids = (
        Signature.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    )
    assert campaign.anonymised_up_to_id == first_ids[3 * anonymisation.BATCH - 1]
    assert (
        not Signature.objects.filter(pk__lte=campaign.anonymised_up_to_id)
        .exclude(email_hash="")
        .exists()
    )
    assert (
        Signature.objects.filter(pk__gt=campaign.anonymised_up_to_id).exclude(email_hash="").count()
        == ROWS + 2 - 3 * anonymisation.BATCH
    )
    starts = AuditEvent.objects.filter(action="campaign.anonymise_start", object_id=campaign.pk)
    assert starts.count() == 1
    assert starts.get().details["signatures"] == ROWS + 2

    # Resume: the rest, in batches.
    assert anonymisation.anonymise(campaign, now=when) == ROWS + 2 - 3 * anonymisation.BATCH
    campaign.refresh_from_db()
    assert campaign.anonymised_at is not None
    finish = AuditEvent.objects.get(action="campaign.anonymise_finish", object_id=campaign.pk)
    assert finish.details["signatures"] == ROWS + 2

    # Counts and tallies unchanged: status and country stay, reconcile finds no drift.
    assert counters.by_country(campaign.pk, "signatures") == before
    assert counters.reconcile() == []
    assert (
        sorted(Signature.objects.filter(campaign=campaign).values_list("pk", "status", "country"))
        == statuses_before
    )

    # Nobody can be found again.
    signers = Signature.objects.filter(campaign=campaign)
    assert not signers.exclude(email_hash="").exists()
    assert not signers.exclude(ip_hash="").exists()
    assert not signers.exclude(phone_hash="").exists()
    assert not signers.exclude(listed_name="").exists()
    assert not signers.filter(show_publicly=True).exists()
    assert not signers.filter(updates_consent=True).exists()
    assert {s.name for s in signers.filter(pk__in=[listed.pk, unlisted.pk])} == {""}
    assert {s.email for s in signers.filter(pk__in=[listed.pk, unlisted.pk])} == {""}
    assert not PledgeEmail.objects.filter(object_id__in=[listed.pk, unlisted.pk]).exists()
    needles = [
        "Lotte Listedperson", "Ulrike Unlistedperson", "Ulrike's Collective",
        "lotte.listed@anon-test.example", "ulrike.unlisted@anon-test.example",
        "Listedbulk 40", *hashes,
    ]  # fmt: skip
    found = {needle: where for needle, where in columns_containing(needles).items() if where}
    assert found == {}

    # Idempotent: a rerun changes nothing and audits nothing more.
    events = AuditEvent.objects.count()
    assert anonymisation.anonymise(campaign, now=when) == 0
    assert AuditEvent.objects.count() == events


def test_listed_names_stay_only_when_the_public_list_was_kept(db):
    kept = create_campaign("kept")
    listed, unlisted = people(kept)
    closed(kept, keep_public_list=True)
    anonymisation.anonymise(kept, now=later())
    listed.refresh_from_db()
    unlisted.refresh_from_db()
    assert (listed.listed_name, listed.show_publicly) == ("Lotte Listedperson", True)
    assert (listed.name, listed.email, listed.email_hash) == ("", "", "")
    assert (unlisted.listed_name, unlisted.show_publicly, unlisted.affiliation) == ("", False, "")


def test_the_public_list_empties_without_the_choice(client, db):
    campaign = create_campaign("gone")
    people(campaign)
    closed(campaign)
    anonymisation.anonymise(campaign, now=later())
    assert "Lotte Listedperson" not in client.get("/c/gone/signatories/").content.decode()


def test_the_public_list_cannot_be_kept_once_closed(rf, admin_user):
    from django.contrib.admin.sites import site

    from campaigns.admin import CampaignAdmin

    campaign = create_campaign("late")
    model_admin = CampaignAdmin(Campaign, site)
    request = rf.get("/admin/")
    request.user = admin_user
    assert "keep_public_list" not in model_admin.get_readonly_fields(request, campaign)
    campaign = campaign_services.close(campaign, by=None)
    assert "keep_public_list" in model_admin.get_readonly_fields(request, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(keep_public_list=True)
    campaign.refresh_from_db()
    # Switched on before close: it can still be switched off, until anonymisation starts.
    assert "keep_public_list" not in model_admin.get_readonly_fields(request, campaign)


def test_a_live_or_recently_closed_campaign_is_left_alone(db):
    live = create_campaign("live")
    recent = closed(create_campaign("recent"))
    people(live)
    assert set(anonymisation.due_campaigns(later())) == {recent}
    assert set(anonymisation.due_campaigns(timezone.now())) == set()


def test_the_command_enqueues_a_task_that_goes_on_until_done(db):
    campaign = create_campaign("queued")
    people(campaign)
    closed(campaign)
    with time_machine.travel(later(), tick=False):
        out = io.StringIO()
        call_command("anonymise_closed_campaigns", stdout=out)
        assert "queued: anonymisation enqueued" in out.getvalue()
        run_tasks()
        campaign.refresh_from_db()
        assert campaign.anonymised_at is not None
        assert not Signature.objects.filter(campaign=campaign).exclude(email_hash="").exists()
        out = io.StringIO()
        call_command("anonymise_closed_campaigns", stdout=out)
        assert "no campaign is due" in out.getvalue()
    assert connection.vendor == "postgresql"

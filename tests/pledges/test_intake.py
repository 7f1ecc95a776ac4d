"""The intake job: a stored sign submission becomes exactly one signature, and none is lost."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from campaigns import services as campaign_services
from lib.mailboxes import email_hash
from pledges import intake
from pledges.abuse import Client
from pledges.models import PledgeEmail, Signature, Submission
from tests.conftest import create_campaign
from tests.pledges.conftest import signature_data
from tests.pledges.test_concurrency import postgres_only, run_together

pytestmark = pytest.mark.django_db


def confirm_emails(signature: Signature) -> int:
    return PledgeEmail.objects.filter(object_id=signature.pk, kind="signature-confirm").count()


def test_a_submission_becomes_a_pending_signature_with_its_email_and_is_gone(campaign):
    intake.submit(campaign, signature_data(), client=Client(ip_hash="ip-1"))
    assert not Signature.objects.exists()  # nothing but the submission yet

    assert intake.take() == intake.Taken(signed=1)

    signature = Signature.objects.get(email_hash=email_hash("amina@example.org"))
    assert (signature.status, signature.name, signature.ip_hash) == (
        Signature.Status.PENDING,
        "Amina Yusuf",
        "ip-1",
    )
    assert confirm_emails(signature) == 1
    assert not Submission.objects.exists()
    assert intake.take() == intake.Taken()  # nothing left: a second run changes nothing


def test_what_the_signer_typed_waits_encrypted(campaign):
    submission = intake.submit(campaign, signature_data())
    (stored,) = Submission.objects.filter(pk=submission.pk).values_list(
        Cast("data", TextField()), flat=True
    )
    assert "amina" not in stored.lower() and "Yusuf" not in stored


def test_a_repeat_submission_is_a_repeat_signing_not_a_second_row(campaign):
    intake.submit(campaign, signature_data())
    intake.submit(campaign, signature_data(email=" AMINA@Example.org"))
    assert intake.take_all() == intake.Taken(signed=2)
    (signature,) = Signature.objects.all()
    assert confirm_emails(signature) == 2  # the link, then the link again


def test_limits_and_the_open_check_are_as_of_arrival(campaign, settings):
    settings.PLEDGE_RATE_LIMITS = {"email": (5, 3600), "domain": (50, 3600), "ip": (2, 3600)}
    for n in range(3):
        intake.submit(campaign, signature_data(email=f"p{n}@p{n}.example"), client=Client("ip"))
    # The campaign closes before the job runs: people who signed while it was open count.
    campaign_services.close(campaign, by=None)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):  # a new rate window by now
        assert intake.take_all().signed == 3
    statuses = sorted(Signature.objects.values_list("status", flat=True))
    assert statuses == ["pending", "pending", "suspect"]  # the third went over the per-IP limit


def test_a_closed_campaign_takes_no_new_submission(campaign):
    campaign = campaign_services.close(campaign, by=None)
    with pytest.raises(intake.services.CampaignNotOpen):
        intake.submit(campaign, signature_data())
    assert not Submission.objects.exists()


def test_one_that_cannot_be_signed_is_dropped_and_logged_without_what_it_holds(campaign, caplog):
    bad = Submission.objects.create(
        campaign=campaign,
        data={**signature_data().__dict__, "country": "XX"},
        received_at=timezone.now(),
    )
    intake.submit(campaign, signature_data(email="kofi@example.org"))
    with caplog.at_level(logging.WARNING, logger="pledges.intake"):
        assert intake.take() == intake.Taken(signed=1, dropped=1)
    assert f"submission {bad.pk} dropped" in caplog.text
    assert "amina" not in caplog.text.lower()
    assert list(Signature.objects.values_list("email_hash", flat=True)) == [
        email_hash("kofi@example.org")
    ]
    assert not Submission.objects.exists()


@postgres_only
def test_a_submission_the_database_refuses_stays_and_is_signed_once_it_can_be(campaign):
    """The database refuses one row (a trigger standing in for any failure of the moment):
    the rest of the batch is signed, the refused one waits, counted, and is signed later."""
    table = Signature._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_antarctica() RETURNS trigger AS $$ BEGIN "
            "IF NEW.country = 'AQ' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; "
            "END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse_antarctica BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_antarctica()"
        )
    intake.submit(campaign, signature_data(email="far@example.org", country="AQ"))
    intake.submit(campaign, signature_data(email="near@example.org"))

    assert intake.take_all() == intake.Taken(signed=1, failed=1)
    waiting = Submission.objects.get()
    assert waiting.attempts == 1
    assert intake.intake_health()["waiting"] == 1

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER refuse_antarctica ON {table}")
    assert intake.take_all() == intake.Taken(signed=1)
    assert Signature.objects.filter(email_hash=email_hash("far@example.org")).exists()
    assert not Submission.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_jobs_sign_every_submission_exactly_once(settings):
    settings.PLEDGE_RATE_LIMITS = {"email": (100, 3600), "domain": (100, 3600), "ip": (1000, 3600)}
    campaign = create_campaign("race")
    emails = [f"s{n % 40}@d{n % 40}.example" for n in range(120)]  # 40 people, 3 times each
    for email in emails:
        intake.submit(campaign, signature_data(email=email))

    def job():
        signed = 0
        while Submission.objects.exists():
            run = intake.take(limit=7)
            assert not run.failed and not run.dropped
            signed += run.signed
        return signed

    assert sum(run_together(3, job)) == 120  # whichever job took each, it was taken once
    assert Signature.objects.filter(campaign=campaign).count() == 40
    assert PledgeEmail.objects.filter(kind="signature-confirm").count() == 120
    assert not Submission.objects.exists()


def test_health_reports_submissions_waiting_over_a_minute(campaign, client):
    intake.submit(campaign, signature_data(), now=timezone.now() - timedelta(minutes=2))
    body = client.get("/healthz").json()
    assert body["intake"]["ok"] is False
    assert body["intake"]["waiting"] == 1
    assert body["status"] == "degraded"
    intake.take_all()
    assert client.get("/healthz").json()["intake"] == {
        "ok": True,
        "waiting": 0,
        "oldest_seconds": 0,
    }


def test_the_command_signs_what_waits(campaign, capsys):
    intake.submit(campaign, signature_data())
    call_command("take_signatures", "--once")
    assert "signed 1, dropped 0, failed 0" in capsys.readouterr().out
    assert Signature.objects.count() == 1

"""Signers' and contacts' addresses are forgotten once nothing more is owed to them; their
keyed hash stays, so they are still recognised, counted, listed, and can still reach their data."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from campaigns.progress import campaign_progress
from commitments import services as commitment_services
from commitments.models import Commitment, CommitmentPledge
from lib.mailboxes import email_hash
from lib.personal_data import forget_spent_addresses
from pledges import contact, services
from pledges.models import OrgPledge, PledgeEmail, Signature
from tests.commitments.helpers import approved_pledge, boycott, create_drive, in_days, pledge
from tests.conftest import run_tasks, stored
from tests.pledges.conftest import (
    approved_org,
    last_email_to,
    link_to,
    org_data,
    sign,
    signed_and_confirmed,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
Status = Signature.Status


@pytest.fixture
def start():
    return timezone.now()


def forget_at(when) -> dict[str, int]:
    with time_machine.travel(when, tick=False):
        return forget_spent_addresses()


def test_a_confirmed_signer_is_forgotten_seven_days_after_confirming_but_stays_counted(
    client, campaign, start
):
    with time_machine.travel(start, tick=False):
        signature = signed_and_confirmed(campaign)

    forget_at(start + 7 * DAY - timedelta(minutes=1))
    assert Signature.objects.get().email == "amina@example.org"

    assert forget_at(start + 7 * DAY + timedelta(minutes=1))["pledges"] == 1
    assert stored(Signature, "email", signature.pk) == ""
    kept = Signature.objects.get()
    assert kept.email_hash == email_hash("amina@example.org")
    assert (kept.name, kept.status) == ("Amina Yusuf", Status.CONFIRMED)
    assert campaign_progress(campaign).signatures == 1
    assert "Amina Yusuf" in client.get("/c/refuse/signatories/").content.decode()


def test_retention_days_follow_the_setting(campaign, start, settings):
    settings.EMAIL_RETENTION_DAYS = 30
    with time_machine.travel(start, tick=False):
        signed_and_confirmed(campaign)
    forget_at(start + 8 * DAY)
    assert Signature.objects.get().email == "amina@example.org"
    forget_at(start + 31 * DAY)
    assert Signature.objects.get().email == ""


def test_update_subscribers_keep_their_address_until_they_unsubscribe(campaign, start):
    with time_machine.travel(start, tick=False):
        signature = signed_and_confirmed(campaign, updates_consent=True)
    forget_at(start + 60 * DAY)
    assert Signature.objects.get().email == "amina@example.org"
    assert list(services.update_recipients(campaign)) == [signature]

    with time_machine.travel(start + 60 * DAY, tick=False):
        services.unsubscribe(signature.pk)
    # Confirmed long ago, and no update is owed any more.
    forget_at(start + 60 * DAY + timedelta(hours=1))
    assert Signature.objects.get().email == ""


def test_a_withdrawn_signer_is_forgotten_seven_days_after_withdrawing(campaign, start):
    with time_machine.travel(start, tick=False):
        signature = signed_and_confirmed(campaign, updates_consent=True)
    with time_machine.travel(start + 30 * DAY, tick=False):
        services.withdraw_signature(signature.pk)
    forget_at(start + 36 * DAY)
    assert Signature.objects.get().email == "amina@example.org"
    forget_at(start + 38 * DAY)
    assert Signature.objects.get().email == ""
    assert Signature.objects.get().status == Status.WITHDRAWN


def test_pending_and_suspect_signers_keep_their_address_for_what_is_still_owed(
    campaign, start, rate_limits
):
    with time_machine.travel(start, tick=False):
        pending = sign(campaign, email="pending@example.org").signature
        for n in range(3):
            sign(campaign, email=f"p{n}@busy.example", ip="office")
        held = sign(campaign, email="held@busy.example", ip="office").signature
        run_tasks()
    assert held.status == Status.SUSPECT
    mail.outbox.clear()

    forget_at(start + 30 * DAY)
    assert Signature.objects.get(pk=pending.pk).email == "pending@example.org"
    assert Signature.objects.get(pk=held.pk).email == "held@busy.example"

    # A moderator releases the held signature a month later: its confirmation still arrives.
    services.release_suspect(Signature.objects.get(pk=held.pk), by=None)
    message = last_email_to("held@busy.example")
    assert "/confirm/" in message.body


def test_a_forgotten_signer_who_signs_again_hears_at_the_address_just_typed(
    client, campaign, start
):
    with time_machine.travel(start, tick=False):
        signed_and_confirmed(campaign, email="Amina.Yusuf@gmail.com")
        run_tasks()
    forget_at(start + 8 * DAY)
    mail.outbox.clear()

    with time_machine.travel(start + 9 * DAY, tick=False):
        # Another spelling of the same mailbox.
        result = sign(campaign, email="aminayusuf+again@googlemail.com")
        assert result.outcome == "already-signed"
        message = last_email_to("aminayusuf+again@googlemail.com")
        assert "You have already signed" in message.subject
        assert Signature.objects.get().email == "", "answering did not store the address again"
        assert not PledgeEmail.objects.exclude(address="").exists(), "nor kept it in the outbox"

        withdraw = link_to(message, "/withdraw/")
        assert client.post(withdraw).status_code == 200
    assert Signature.objects.get().status == Status.WITHDRAWN


def test_the_withdraw_link_from_before_still_works_once_the_address_is_forgotten(
    client, campaign, start, django_capture_on_commit_callbacks
):
    with time_machine.travel(start, tick=False):
        sign(campaign)
        message = last_email_to("amina@example.org")
        assert client.post(link_to(message, "/confirm/")).status_code == 200
    assert Signature.objects.get().status == Status.CONFIRMED
    forget_at(start + 8 * DAY)
    assert Signature.objects.get().email == ""

    # The thank-you page read the figures: the withdrawal marks them stale when it commits.
    with (
        time_machine.travel(start + 40 * DAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(link_to(message, "/withdraw/"))
    assert response.status_code == 200
    assert Signature.objects.get().status == Status.WITHDRAWN
    assert campaign_progress(campaign).signatures == 0


def test_a_forgotten_signer_still_gets_their_data_and_can_erase_it(client, campaign, start):
    with time_machine.travel(start, tick=False):
        signed_and_confirmed(campaign)
        run_tasks()
    forget_at(start + 8 * DAY)
    mail.outbox.clear()

    with time_machine.travel(start + 9 * DAY, tick=False):
        response = client.post("/my-data/", {"email": "amina@example.org", "language": "en"})
        assert response.status_code == 302
        message = last_email_to("amina@example.org")
        page = client.get(link_to(message, "/my-data/")).content.decode()
        assert "Amina Yusuf" in page
        assert "Campaign refuse" in page
        client.post(link_to(message, "/erase/"))
    assert not Signature.objects.exists()


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_an_org_contact_is_forgotten_seven_days_after_the_decision(campaign, start, decision):
    with time_machine.travel(start - 20 * DAY, tick=False):
        result = services.sign_on(campaign, org_data())
        awaiting, _ = contact.confirm_contact(result.pledge)
    with time_machine.travel(start, tick=False):
        if decision == "approve":
            contact.approve(awaiting, by=None)
        else:
            contact.reject(awaiting, by=None, reason="Not an organisation.")
        run_tasks()
    assert mail.outbox[-1].to == ["luz@redcomunitaria.example"], "the decision was sent"

    forget_at(start + 6 * DAY)
    assert OrgPledge.objects.get().contact_email == "luz@redcomunitaria.example"
    forget_at(start + 8 * DAY)
    kept = OrgPledge.objects.get()
    assert stored(OrgPledge, "contact_email", kept.pk) == ""
    assert kept.contact_email_hash == email_hash("luz@redcomunitaria.example")
    assert kept.contact_name == "Luz Pérez"


def test_an_org_contact_awaiting_a_decision_keeps_the_address(campaign, start):
    with time_machine.travel(start, tick=False):
        services.sign_on(campaign, org_data(contact_email="waiting@one.example"))
        confirmed = services.sign_on(
            campaign,
            org_data(
                name="Other Org",
                website="https://other.example/",
                contact_email="queued@other.example",
            ),
        ).pledge
        contact.confirm_contact(confirmed)
    forget_at(start + 60 * DAY)
    assert sorted(OrgPledge.objects.values_list("contact_email", flat=True)) == [
        "queued@other.example",
        "waiting@one.example",
    ]


def test_a_forgotten_contact_still_gets_their_data(client, campaign, start):
    with time_machine.travel(start, tick=False):
        approved_org(campaign)
        run_tasks()
    forget_at(start + 8 * DAY)
    assert OrgPledge.objects.get().contact_email == ""
    with time_machine.travel(start + 9 * DAY, tick=False):
        client.post("/my-data/", {"email": "luz@redcomunitaria.example", "language": "en"})
        message = last_email_to("luz@redcomunitaria.example")
        page = client.get(link_to(message, "/my-data/")).content.decode()
    assert "Red Comunitaria" in page


def test_a_forgotten_contact_signing_on_again_hears_at_the_address_just_typed(campaign, start):
    with time_machine.travel(start, tick=False):
        approved_org(campaign)
        run_tasks()
    forget_at(start + 8 * DAY)
    mail.outbox.clear()
    with time_machine.travel(start + 9 * DAY, tick=False):
        result = services.sign_on(campaign, org_data(contact_email="Luz@RedComunitaria.example"))
        assert result.outcome == "already-signed"
        message = last_email_to("luz@redcomunitaria.example")
    assert message.subject == "Red Comunitaria ya se ha adherido a «Rechazamos»"


def test_a_commitment_contact_keeps_the_address_while_a_commitment_is_open(start):
    with time_machine.travel(start, tick=False):
        drive = create_drive()
        commitment_pledge = approved_pledge(
            drive, boycott(deadline=in_days(60)), contact_email="ana@commit.example"
        )
        run_tasks()
    mail.outbox.clear()

    forget_at(start + 40 * DAY)
    assert CommitmentPledge.objects.get().contact_email == "ana@commit.example"

    # The reminder before the deadline reaches the contact.
    with time_machine.travel(start + 50 * DAY, tick=False):
        assert commitment_services.send_commitment_reminders() == (1, 0)
        assert last_email_to("ana@commit.example")

        commitment = commitment_pledge.commitments.get()
        commitment_services.fulfil_commitment(commitment, by=None)
    assert Commitment.objects.get().status == Commitment.Status.FULFILLED

    # Nothing open any more, decided long ago: forgotten at the next run.
    forget_at(start + 50 * DAY + timedelta(hours=1))
    assert stored(CommitmentPledge, "contact_email", commitment_pledge.pk) == ""


def test_a_commitment_pledge_awaiting_moderation_keeps_its_contact(start):
    with time_machine.travel(start, tick=False):
        result = pledge(create_drive(), boycott(), contact_email="ana@commit.example")
        contact.confirm_contact(result.pledge)
    forget_at(start + 60 * DAY)
    assert CommitmentPledge.objects.get().contact_email == "ana@commit.example"


def test_the_daily_command_reports_and_is_safe_to_run_twice(campaign, start):
    with time_machine.travel(start, tick=False):
        signed_and_confirmed(campaign, email="one@example.org")
        signed_and_confirmed(campaign, email="two@example.org")
        signed_and_confirmed(campaign, email="stays@example.org", updates_consent=True)
        approved_org(campaign)
    with time_machine.travel(start + 8 * DAY, tick=False):
        first, second = io.StringIO(), io.StringIO()
        call_command("forget_spent_addresses", stdout=first)
        call_command("forget_spent_addresses", stdout=second)
    assert "pledges: 3 address(es) forgotten" in first.getvalue()
    assert "(kept for 7 days after the last email owed)" in first.getvalue()
    assert "pledges: 0 address(es) forgotten" in second.getvalue()
    assert list(Signature.objects.exclude(email="").values_list("email", flat=True)) == [
        "stays@example.org"
    ]

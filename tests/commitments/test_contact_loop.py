"""Contacts stay in the loop: the decision on their update, and a fresh report link when
theirs expired, asked for without staff help and without learning who is a contact."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from commitments import services as commitment_services
from commitments.emails import commitment_update_url
from commitments.models import Commitment
from pledges.models import PledgeEmail
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    pledge,
)
from tests.conftest import run_tasks
from tests.pledges.conftest import last_email_to, link_to

pytestmark = pytest.mark.django_db

Status = Commitment.Status
CONTACT = "luz@redcomunitaria.example"
NEW_LINK = "/commitments/report/new-link/"


@pytest.fixture
def drive(db):
    return create_drive()


def test_the_contact_hears_that_their_update_was_accepted_in_their_language(drive, moderator):
    commitment = approved_pledge(drive, boycott()).commitments.get()  # contact speaks Spanish
    update = contact_update(commitment, Status.IN_PROGRESS, note="Half way")
    run_tasks()
    mail.outbox.clear()
    commitment_services.review_commitment_update(update, accept=True, by=moderator)
    message = last_email_to(CONTACT)
    # Rendered in Spanish (its words come once the translators have them): links and the
    # HTML document say so.
    assert '<html lang="es"' in message.alternatives[0].content
    assert "/es/commitments/report/" in message.body
    assert "/es/c/bds/tracker/" in message.body


def test_a_rejection_carries_its_reason_once(drive, moderator):
    commitment = approved_pledge(drive, boycott(), contact_language="en").commitments.get()
    update = contact_update(commitment, Status.FULFILLED, note="Done")
    run_tasks()
    mail.outbox.clear()
    commitment_services.review_commitment_update(
        update, accept=False, by=moderator, reason="The link shows a draft, not the decision."
    )
    message = last_email_to(CONTACT)
    assert message.subject.endswith("your update was not accepted")
    assert "The link shows a draft, not the decision." in message.body
    run_tasks()  # the task again: nothing more is sent
    assert len([m for m in mail.outbox if CONTACT in m.to]) == 1


def test_moderator_updates_email_nobody(drive, moderator):
    commitment = approved_pledge(drive, boycott()).commitments.get()
    run_tasks()
    mail.outbox.clear()
    commitment_services.fulfil_commitment(commitment, by=moderator)
    run_tasks()
    assert not mail.outbox


def test_an_expired_link_leads_to_a_fresh_one_without_staff_help(client, drive):
    approved = approved_pledge(drive, boycott(), contact_language="en")
    old = commitment_update_url(approved).removeprefix("http://testserver")
    run_tasks()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=61), tick=False):
        expired = client.get(old)
        assert expired.status_code == 400
        assert NEW_LINK in expired.content.decode()
        assert client.get(NEW_LINK).status_code == 200
        response = client.post(
            NEW_LINK, {"email": " LUZ@RedComunitaria.example ", "language": "en"}
        )
        assert response.status_code == 302
        assert response["Location"].endswith("/check-your-email/")
        fresh = link_to(last_email_to(CONTACT), "/commitments/report/")
        page = client.get(fresh)
        assert page.status_code == 200
        assert "Report progress" in page.content.decode()


def test_the_form_answers_the_same_for_any_address(client, drive):
    approved_pledge(drive, boycott())
    run_tasks()
    mail.outbox.clear()
    known = client.post(NEW_LINK, {"email": CONTACT, "language": "en"})
    unknown = client.post(NEW_LINK, {"email": "nobody@elsewhere.example", "language": "en"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    sent = client.get(known["Location"])
    assert sent.content == client.get(unknown["Location"]).content
    run_tasks()
    assert [m.to for m in mail.outbox] == [[CONTACT]]


def test_bad_addresses_are_form_errors_not_500s(client, drive):
    for email in ("", "not-an-address", "a" * 300 + "@x.example"):
        response = client.post(NEW_LINK, {"email": email, "language": "en"})
        assert response.status_code == 400
        assert "email" in response.context["form"].errors


def test_the_form_is_rate_limited_like_other_public_forms(client, drive, settings):
    settings.PLEDGE_RATE_LIMITS = {"email": (2, 3600)}
    approved_pledge(drive, boycott())
    run_tasks()
    before = PledgeEmail.objects.filter(kind="commitment-report-link").count()
    for _ in range(4):
        assert client.post(NEW_LINK, {"email": CONTACT, "language": "en"}).status_code == 302
    assert PledgeEmail.objects.filter(kind="commitment-report-link").count() - before == 1


def test_only_approved_pledges_get_a_link(drive):
    pledge(drive, boycott())  # unconfirmed
    assert commitment_services.request_report_link(CONTACT) == 0

"""Deciding on an item's own page: what it shows, approve and next, reject with a reason,
release and discard, decisions through the services (audited), and who decided when."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from PIL import Image

from commitments.models import CommitmentUpdate
from pledges import contact
from pledges.models import OrgPledge, Signature
from staff.models import AuditEvent
from tests.conftest import run_tasks
from tests.pledges.conftest import org_data
from tests.workspace.conftest import (
    decide_url,
    item_url,
    queue_url,
    suspect_signature,
    waiting_commitment_pledge,
    waiting_sign_on,
    waiting_update,
)

pytestmark = pytest.mark.django_db


def two_sign_ons(statement):
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        first = waiting_sign_on(statement)
    second = waiting_sign_on(
        statement,
        name="Second Collective",
        website="https://second.example/",
        contact_email="c@second.example",
    )
    return first, second


def test_the_sign_on_page_shows_what_will_be_published(moderator_client, statement):
    pledge = waiting_sign_on(statement)
    response = moderator_client.get(item_url("sign-ons", pledge.pk))
    assert response.status_code == 200
    body = response.content.decode()
    organisation = pledge.organisation
    assert organisation.name in body
    assert organisation.website in body
    assert organisation.kind_label in body
    assert str(organisation.country.name) in body
    assert "<strong>refuse</strong>" in body  # the statement it signs, rendered
    assert 'name="decision" value="approve"' in body
    assert 'name="decision" value="reject"' in body
    assert 'accesskey="a"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    # The contact stays private: masked, never the address or the name.
    assert pledge.contact_email not in body
    assert pledge.contact_name not in body
    assert "l…@redcomunitaria.example" in body


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_logo_is_shown_as_it_will_appear(moderator_client, statement):
    pledge = waiting_sign_on(statement, logo_png=png_bytes())
    body = moderator_client.get(item_url("sign-ons", pledge.pk)).content.decode()
    assert pledge.organisation.logo.url in body
    assert 'width="48" height="48"' in body


def test_duplicate_hints_name_similar_organisations(moderator_client, statement):
    from pledges.organisations import find_or_create_organisation

    other = find_or_create_organisation(
        org_data(name="The Red Comunitaria", website="https://rcmx.example")
    )
    pledge = waiting_sign_on(statement)
    body = moderator_client.get(item_url("sign-ons", pledge.pk)).content.decode()
    assert "The Red Comunitaria" in body and "rcmx.example" in body
    assert f"/pledges/organisation/{other.pk}/change/" in body
    assert "similar name" in body


def test_approve_and_next_approves_through_the_service_and_opens_the_next(
    moderator_client, statement, moderator
):
    first, second = two_sign_ons(statement)
    response = moderator_client.post(
        decide_url("sign-ons", first.pk), {"decision": "approve", "then": "next"}
    )
    assert response.status_code == 302
    assert response["Location"] == item_url("sign-ons", second.pk)
    first.refresh_from_db()
    assert first.status == OrgPledge.Status.APPROVED
    assert first.moderated_by == moderator
    assert AuditEvent.objects.filter(action="orgpledge.approve", object_id=str(first.pk)).exists()
    run_tasks()
    assert any(first.contact_email in m.to for m in mail.outbox)  # the contact is told
    # The next page says what happened.
    page = moderator_client.get(response["Location"]).content.decode()
    assert "Approved" in page
    assert f'<a href="{item_url("sign-ons", first.pk)}">Red Comunitaria</a>: Approved' in page


def test_approving_the_last_item_returns_to_the_empty_queue(moderator_client, statement):
    pledge = waiting_sign_on(statement)
    response = moderator_client.post(
        decide_url("sign-ons", pledge.pk), {"decision": "approve", "then": "next"}, follow=True
    )
    assert response.redirect_chain[-1][0] == queue_url("sign-ons")
    assert "Nothing else waits in this queue." in response.content.decode()


def test_approve_alone_stays_and_the_page_shows_who_decided_when(
    moderator_client, statement, moderator
):
    first, _second = two_sign_ons(statement)
    response = moderator_client.post(
        decide_url("sign-ons", first.pk), {"decision": "approve", "then": "stay"}, follow=True
    )
    assert response.redirect_chain[-1][0] == item_url("sign-ons", first.pk)
    body = response.content.decode()
    assert "Approved by moderator on" in body
    assert 'value="approve"' not in body  # approved: only rejecting remains
    assert 'value="reject"' in body


def test_reject_requires_a_reason(moderator_client, statement):
    pledge = waiting_sign_on(statement)
    response = moderator_client.post(
        decide_url("sign-ons", pledge.pk), {"decision": "reject", "reason": "  ", "then": "next"}
    )
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.AWAITING_MODERATION


def test_reject_with_a_reason_emails_it_to_the_contact(moderator_client, statement, moderator):
    pledge = waiting_sign_on(statement)
    moderator_client.post(
        decide_url("sign-ons", pledge.pk),
        {"decision": "reject", "reason": "We could not find this organisation.", "then": "stay"},
    )
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.REJECTED
    assert pledge.rejection_reason == "We could not find this organisation."
    run_tasks()
    email = [m for m in mail.outbox if pledge.contact_email in m.to][-1]
    assert "We could not find this organisation." in email.body
    body = moderator_client.get(item_url("sign-ons", pledge.pk)).content.decode()
    assert "Rejected by moderator on" in body
    assert "We could not find this organisation." in body


def test_an_item_decided_meanwhile_is_not_decided_again(moderator_client, statement, moderator):
    pledge = waiting_sign_on(statement)
    contact.approve(pledge, by=moderator)
    response = moderator_client.post(
        decide_url("sign-ons", pledge.pk), {"decision": "approve", "then": "next"}, follow=True
    )
    assert "decided meanwhile" in response.content.decode()
    assert AuditEvent.objects.filter(action="orgpledge.approve").count() == 1


def test_a_decision_needs_a_post(moderator_client, statement):
    pledge = waiting_sign_on(statement)
    assert moderator_client.get(decide_url("sign-ons", pledge.pk)).status_code == 405


def test_an_unconfirmed_sign_on_is_not_in_the_queue(moderator_client, statement):
    from pledges import services

    unconfirmed = services.sign_on(statement, org_data()).pledge
    assert moderator_client.get(item_url("sign-ons", unconfirmed.pk)).status_code == 404


def test_the_commitment_pledge_page_lists_each_commitment(moderator_client, drive):
    from tests.commitments.helpers import boycott, divestment

    pledge = waiting_commitment_pledge(drive, boycott(), divestment())
    body = moderator_client.get(item_url("commitment-pledges", pledge.pk)).content.decode()
    assert "2 commitments" in body
    assert "Move our staff email from Gmail to our own server" in body
    assert "Move the pension fund out of Meta shares" in body
    assert "Alphabet (Google)" in body and "Meta" in body
    assert "250,000" in body or "250.000" in body or "250 000" in body


def test_the_update_page_shows_the_status_change_note_and_evidence(moderator_client, drive):
    update = waiting_update(drive, evidence_url="https://news.example/story")
    body = moderator_client.get(item_url("commitment-updates", update.pk)).content.decode()
    assert "Pledged" in body and "In progress" in body
    assert "Half the staff moved." in body
    assert 'href="https://news.example/story" rel="nofollow noopener noreferrer"' in body
    assert 'value="accept"' in body


def test_accepting_an_update_moves_the_commitment(moderator_client, drive, moderator):
    update = waiting_update(drive)
    moderator_client.post(
        decide_url("commitment-updates", update.pk), {"decision": "accept", "then": "next"}
    )
    update.refresh_from_db()
    assert update.review == CommitmentUpdate.Review.ACCEPTED
    assert update.reviewed_by == moderator
    assert update.commitment.status == "in_progress"
    assert AuditEvent.objects.filter(action="commitmentupdate.accepted").exists()


def test_rejecting_an_update_requires_a_reason_and_keeps_it(moderator_client, drive):
    update = waiting_update(drive)
    refused = moderator_client.post(
        decide_url("commitment-updates", update.pk), {"decision": "reject", "then": "next"}
    )
    assert refused.status_code == 400
    moderator_client.post(
        decide_url("commitment-updates", update.pk),
        {"decision": "reject", "reason": "The link says nothing of it.", "then": "stay"},
    )
    update.refresh_from_db()
    assert update.review == CommitmentUpdate.Review.REJECTED
    assert update.review_reason == "The link says nothing of it."


def test_a_suspect_signature_is_released_from_its_page(
    moderator_client, statement, hold_every_address, moderator
):
    signature = suspect_signature(statement, email="held@example.org", name="Held Person")
    page = moderator_client.get(item_url("suspect-signatures", signature.pk))
    body = page.content.decode()
    assert "Held Person" in body
    assert "held@example.org" not in body and "h…@example.org" in body
    assert AuditEvent.objects.filter(action="signature.view", object_id=str(signature.pk)).exists()
    moderator_client.post(
        decide_url("suspect-signatures", signature.pk), {"decision": "release", "then": "stay"}
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    run_tasks()
    assert any("held@example.org" in m.to for m in mail.outbox)
    body = moderator_client.get(item_url("suspect-signatures", signature.pk)).content.decode()
    assert "Released by moderator on" in body
    decided = moderator_client.get(queue_url("suspect-signatures", "decided")).content.decode()
    assert item_url("suspect-signatures", signature.pk) in decided


def test_a_discarded_signature_is_gone_and_listed_as_decided(
    moderator_client, statement, hold_every_address
):
    signature = suspect_signature(statement)
    response = moderator_client.post(
        decide_url("suspect-signatures", signature.pk),
        {"decision": "discard", "then": "stay"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == queue_url("suspect-signatures")
    assert not Signature.objects.filter(pk=signature.pk).exists()
    decided = moderator_client.get(queue_url("suspect-signatures", "decided")).content.decode()
    assert f"Signature #{signature.pk}" in decided and "Discarded by moderator" in decided


def test_a_confirmed_signature_is_not_an_item_of_the_suspect_queue(moderator_client, statement):
    from tests.pledges.conftest import signed_and_confirmed

    signature = signed_and_confirmed(statement)
    assert moderator_client.get(item_url("suspect-signatures", signature.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "comms", "finance"])
def test_only_moderators_decide(persona_client, statement, persona):
    pledge = waiting_sign_on(statement)
    response = persona_client(persona).post(
        decide_url("sign-ons", pledge.pk), {"decision": "approve", "then": "next"}
    )
    assert response.status_code in (302, 403)
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.AWAITING_MODERATION


def test_a_superuser_decides_too(client, statement, django_user_model):
    from tests.conftest import verified_login

    admin = django_user_model.objects.create_superuser("root", "root@staff.example", "pw-root")
    verified_login(client, admin)
    pledge = waiting_sign_on(statement)
    client.post(decide_url("sign-ons", pledge.pk), {"decision": "approve", "then": "next"})
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.APPROVED


def test_the_token_csrf_guards_decisions(client, moderator, statement):
    from django.test import Client

    from tests.conftest import verified_login

    strict = Client(enforce_csrf_checks=True)
    verified_login(strict, moderator)
    pledge = waiting_sign_on(statement)
    response = strict.post(
        decide_url("sign-ons", pledge.pk),
        {"decision": "approve", "then": "next"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.AWAITING_MODERATION

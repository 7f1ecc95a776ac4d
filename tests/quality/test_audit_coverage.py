"""Every sensitive staff action leaves an AuditEvent (who, what, which object), and no event
carries personal data: moderation decisions, commitment update reviews, exports of
personal data, finance report views and downloads, and views of a donor's gift."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments import services as commitment_services
from commitments.models import CommitmentUpdate
from donations import services as donation_services
from donations.models import Donation
from pledges import contact, services
from pledges.models import Signature
from staff.models import AuditEvent
from tests.commitments.helpers import approved_commitment, contact_update, create_drive
from tests.commitments.helpers import pledge as pledge_commitments
from tests.conftest import create_campaign, verified_login
from tests.pledges.conftest import org_data, sign

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_PATH}"
PRIVATE = ["luz@redcomunitaria.example", "Luz Pérez", "amina@example.org", "Amina Yusuf",
           "Dana Donor", "dana@donor.example", "Not a fit for Luz Pérez"]  # fmt: skip


def only_event(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in AuditEvent.objects.all()]
    return events[0]


def assert_no_personal_data() -> None:
    for event in AuditEvent.objects.all():
        text = json.dumps(
            [event.action, event.object_type, event.object_id, event.details], ensure_ascii=False
        )
        for secret in PRIVATE:
            assert secret not in text, (event.action, secret)
        assert "@" not in text, event.action


@pytest.fixture
def statement(db):
    return create_campaign("refuse", organisation_goal=10)


def waiting_sign_on(campaign, **overrides):
    pledge = services.sign_on(campaign, org_data(**overrides)).pledge
    return contact.confirm_contact(pledge)[0]


def test_approving_and_rejecting_sign_ons_are_audited(statement, moderator):
    approved = contact.approve(waiting_sign_on(statement), by=moderator)
    rejected = contact.reject(
        waiting_sign_on(statement, website="https://other.example/"),
        by=moderator,
        reason="Not a fit for Luz Pérez",
    )
    event = only_event("orgpledge.approve")
    assert (event.actor, event.object_type, event.object_id) == (
        moderator,
        "pledges.orgpledge",
        str(approved.pk),
    )
    assert only_event("orgpledge.reject").object_id == str(rejected.pk)
    assert_no_personal_data()


def test_a_failed_approval_leaves_no_audit_event(statement, moderator):
    pledge = services.sign_on(statement, org_data()).pledge  # not confirmed yet
    with pytest.raises(services.InvalidTransition):
        contact.approve(pledge, by=moderator)
    assert not AuditEvent.objects.filter(action__endswith=".approve").exists()


def test_commitment_pledge_moderation_is_audited(moderator):
    drive = create_drive("bds")
    first = pledge_commitments(drive).pledge
    second = pledge_commitments(drive, website="https://other.example/").pledge
    contact.approve(contact.confirm_contact(first)[0], by=moderator)
    contact.reject(contact.confirm_contact(second)[0], by=moderator, reason="Duplicate")
    assert only_event("commitmentpledge.approve").object_id == str(first.pk)
    assert only_event("commitmentpledge.reject").actor == moderator
    assert_no_personal_data()


def test_commitment_update_reviews_and_moderator_updates_are_audited(moderator):
    drive = create_drive("bds")
    commitment = approved_commitment(drive)
    accepted = contact_update(commitment, "in_progress", note="Luz Pérez says hi")
    commitment_services.review_commitment_update(accepted, accept=True, by=moderator)
    rejected = contact_update(commitment, "fulfilled")
    commitment_services.review_commitment_update(
        rejected, accept=False, by=moderator, reason="No evidence"
    )
    commitment_services.fulfil_commitment(commitment, by=moderator)

    event = only_event("commitmentupdate.accepted")
    assert event.object_id == str(accepted.pk)
    assert event.details == {"commitment": commitment.pk, "status": "in_progress"}
    assert only_event("commitmentupdate.rejected").object_id == str(rejected.pk)
    update = only_event("commitment.update")
    assert update.details["from"] == "in_progress" and update.details["to"] == "fulfilled"
    assert CommitmentUpdate.objects.filter(review="accepted").count() == 2
    assert_no_personal_data()


def test_releasing_and_discarding_suspect_signatures_are_audited(statement, moderator, settings):
    settings.PLEDGE_RATE_LIMITS = {"ip": (1, 3600), "email": (1, 3600), "domain": (1, 3600)}
    sign(statement, ip="a", email="amina@example.org")
    first = sign(statement, ip="a", email="second@example.org").signature
    second = sign(statement, ip="a", email="third@example.org").signature
    assert {first.status, second.status} == {Signature.Status.SUSPECT}
    services.release_suspect(first, by=moderator)
    services.discard_suspect(second, by=moderator)
    assert only_event("signature.release").object_id == str(first.pk)
    assert only_event("signature.discard").object_id == str(second.pk)


@pytest.mark.parametrize("what", ["signatures", "organisations", "commitments"])
def test_exports_of_personal_data_are_audited_with_their_filters(client, comms, statement, what):
    sign(statement)
    verified_login(client, comms)
    response = client.get(
        f"{ADMIN}pledges/signature/export/",
        {"what": what, "format": "csv", "campaign": statement.pk, "country": "KE"},
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = only_event("pledges.export")
    assert event.actor == comms
    assert (event.object_type, event.object_id) == ("campaigns.campaign", str(statement.pk))
    assert event.details["what"] == what
    assert event.details["format"] == "csv"
    assert event.details["personal_data"] is False
    assert event.details["country"] == "KE"
    assert_no_personal_data()


def test_an_invalid_export_request_is_not_audited(client, comms):
    verified_login(client, comms)
    assert client.get(f"{ADMIN}pledges/signature/export/", {"what": "x"}).status_code == 400
    assert not AuditEvent.objects.filter(action="pledges.export").exists()


@pytest.fixture
def gift(db, finance):
    fund = create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=100_000, fundraising_currency="EUR"
    )
    return donation_services.record_offline_gift(
        method=Donation.Method.CASH,
        amount_minor=2000,
        currency="EUR",
        received_on=timezone.localdate(),
        reference="CASH-1",
        campaign=fund,
        donor_name="Dana Donor",
        email="dana@donor.example",
        public_listing=False,
        language="en",
        by=finance,
    )


def test_finance_report_views_and_downloads_are_audited(client, finance, gift):
    verified_login(client, finance)
    assert client.get("/staff/donations/reports/").status_code == 200
    assert client.get("/staff/donations/reports/ledger.xlsx").status_code == 200
    assert only_event("donations.reports_view").actor == finance
    event = only_event("donations.report_download")
    # Whether names and emails were in it: Finance without the personal-data permission.
    assert event.details == {"report": "ledger", "format": "xlsx", "personal_data": False}
    assert_no_personal_data()


def test_refused_report_requests_are_not_audited(client, comms, gift):
    verified_login(client, comms)
    assert client.get("/staff/donations/reports/ledger.csv").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="donations.").exists()


@pytest.mark.parametrize("model", ["donation", "offlinegift"])
def test_finance_viewing_a_donors_gift_is_audited(client, finance, gift, model):
    verified_login(client, finance)
    response = client.get(f"{ADMIN}donations/{model}/{gift.pk}/change/")
    assert response.status_code == 200
    assert "Dana Donor" in response.content.decode()
    assert "€20.00" in response.content.decode(), "the recorded amount, not an empty field"
    event = only_event("donation.view")
    assert (event.actor, event.object_id) == (finance, str(gift.pk))
    assert event.object_type == f"donations.{model}"
    assert_no_personal_data()
    # The list alone shows no donor: it is not an audited view.
    client.get(f"{ADMIN}donations/{model}/")
    assert AuditEvent.objects.filter(action="donation.view").count() == 1


def test_audit_refuses_details_that_look_like_personal_data(moderator):
    from staff.audit import PersonalDataInAudit, record

    with pytest.raises((PersonalDataInAudit, ValidationError)):
        record("x.y", actor=moderator, details={"who": "dana@donor.example"})


def test_right_of_reply_and_target_list_changes_are_audited(comms, moderator):
    from datetime import date

    from campaigns import replies
    from campaigns import targets as target_list
    from campaigns.models import Target
    from tests.campaigns.replies_helpers import ask, reply_to

    create_drive("bds")
    meta = Target.objects.get(slug="meta")
    request = ask(meta, date(2026, 3, 3), by=comms)
    first = reply_to(request, date(2026, 3, 10), url="https://about.example.com/r", by=comms)
    replies.reject_reply(first, by=moderator, reason="The wrong letter")
    second = reply_to(request, date(2026, 3, 11), url="https://about.example.com/s", by=comms)
    replies.publish_reply(second, by=moderator)
    target_list.recategorise_target(meta, "divestment", by=comms, reason="Funds hold shares")
    target_list.remove_target(meta, by=comms, reason="Contract ended")
    events = AuditEvent.objects.filter(action__startswith="target.").order_by("pk")
    assert [(e.action, e.actor_username) for e in events] == [
        ("target.reply_requested", "comms"),
        ("target.reply_recorded", "comms"),
        ("target.reply_rejected", "moderator"),
        ("target.reply_recorded", "comms"),
        ("target.reply_published", "moderator"),
        ("target.recategorised", "comms"),
        ("target.removed", "comms"),
    ]
    assert all(e.object_id == str(meta.pk) for e in events)
    assert "@" not in json.dumps([e.details for e in events])

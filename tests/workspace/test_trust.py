"""Trusted commitment updates, accepted in the same step as the organisation's pledge."""

import pytest

from commitments.models import CommitmentUpdate
from pledges.models import ContactConfirmedPledge
from staff.models import AuditEvent
from tests.commitments.helpers import approved_commitment, boycott, contact_update
from tests.workspace.conftest import (
    decide_url,
    item_url,
    waiting_commitment_pledge,
)
from workspace import trust

pytestmark = pytest.mark.django_db

Review = CommitmentUpdate.Review
SAME_ORG = {"website": "https://www.redcomunitaria.example/"}


@pytest.fixture
def trusted_domains(settings):
    settings.TRUSTED_EVIDENCE_DOMAINS = ["Reuters.com", "aljazeera.com"]


def test_an_evidence_link_on_an_allow_listed_domain_is_trusted(trusted_domains):
    assert trust.trusted_domain("https://www.reuters.com/world/x") == "reuters.com"
    assert trust.trusted_domain("https://ALJAZEERA.com/news") == "aljazeera.com"
    assert trust.trusted_domain("https://notreuters.com/x") == ""
    assert trust.trusted_domain("https://reuters.com.evil.example/x") == ""
    assert trust.trusted_domain("not a link") == ""


def test_an_organisation_with_every_earlier_update_accepted_is_trusted(drive, moderator):
    from commitments.services import review_commitment_update

    commitment = approved_commitment(drive)
    organisation_id = commitment.pledge.organisation_id
    assert not trust.clean_record(organisation_id)  # nothing accepted yet
    first = contact_update(commitment, "in_progress")
    review_commitment_update(first, accept=True, by=moderator)
    assert trust.clean_record(organisation_id)
    second = contact_update(commitment, "in_progress", note="Still going")
    review_commitment_update(second, accept=False, by=moderator, reason="No news")
    assert not trust.clean_record(organisation_id)


def test_untrusted_updates_are_not_offered(drive):
    commitment = approved_commitment(drive)
    contact_update(commitment, "in_progress", evidence_url="https://blog.example/post")
    assert trust.trusted_updates(commitment.pledge.organisation_id) == []


def test_the_pledge_page_offers_the_trusted_updates_and_accepts_them_with_it(
    moderator_client, drive, trusted_domains, moderator
):
    commitment = approved_commitment(drive)
    trusted = contact_update(commitment, "in_progress", evidence_url="https://reuters.com/a")
    later = waiting_commitment_pledge(drive, boycott(target="meta"), **SAME_ORG)
    assert later.organisation_id == commitment.pledge.organisation_id

    body = moderator_client.get(item_url("commitment-pledges", later.pk)).content.decode()
    assert "Also accept 1 trusted update" in body
    assert "evidence on reuters.com" in body
    assert f'name="trusted" value="{trusted.pk}"' in body

    response = moderator_client.post(
        decide_url("commitment-pledges", later.pk),
        {"decision": "approve", "then": "stay", "accept_trusted": "1", "trusted": [trusted.pk]},
        follow=True,
    )
    assert "1 trusted update accepted too." in response.content.decode()
    later.refresh_from_db()
    trusted.refresh_from_db()
    assert later.status == ContactConfirmedPledge.Status.APPROVED
    assert trusted.review == Review.ACCEPTED and trusted.reviewed_by == moderator
    assert AuditEvent.objects.filter(action="commitmentupdate.accepted").count() == 1


def test_unticked_the_trusted_updates_keep_waiting(moderator_client, drive, trusted_domains):
    commitment = approved_commitment(drive)
    trusted = contact_update(commitment, "in_progress", evidence_url="https://reuters.com/a")
    later = waiting_commitment_pledge(drive, boycott(target="meta"), **SAME_ORG)
    moderator_client.post(
        decide_url("commitment-pledges", later.pk),
        {"decision": "approve", "then": "stay", "trusted": [trusted.pk]},
    )
    trusted.refresh_from_db()
    assert trusted.review == Review.PENDING


def test_only_updates_the_page_listed_and_still_trusted_are_accepted(
    moderator_client, drive, trusted_domains
):
    commitment = approved_commitment(drive)
    shown = contact_update(commitment, "in_progress", evidence_url="https://reuters.com/a")
    untrusted = contact_update(commitment, "in_progress", evidence_url="https://blog.example/")
    later = waiting_commitment_pledge(drive, boycott(target="meta"), **SAME_ORG)
    moderator_client.post(
        decide_url("commitment-pledges", later.pk),
        {
            "decision": "approve",
            "then": "stay",
            "accept_trusted": "1",
            "trusted": [shown.pk, untrusted.pk],
        },
    )
    shown.refresh_from_db()
    untrusted.refresh_from_db()
    assert shown.review == Review.ACCEPTED
    assert untrusted.review == Review.PENDING


def test_the_update_page_says_why_it_is_trusted(moderator_client, drive, trusted_domains):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, "fulfilled", evidence_url="https://www.reuters.com/a")
    body = moderator_client.get(item_url("commitment-updates", update.pk)).content.decode()
    assert "The evidence is on reuters.com, an allow-listed domain." in body

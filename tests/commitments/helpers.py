"""Building BDS drives and commitments through our own services, for the commitment tests."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign, Target
from commitments import services as commitment_services
from commitments.models import Commitment, CommitmentUpdate
from commitments.services import CommitmentData, CommitmentPledgeData, UpdateData
from pledges import contact
from tests.conftest import create_campaign
from tests.pledges.conftest import org_data

TARGETS = [("alphabet", "Alphabet (Google)", "US"), ("meta", "Meta", "US")]


def create_drive(slug: str = "bds", **fields) -> Campaign:
    campaign = create_campaign(slug, kind=Campaign.Kind.BDS, organisation_goal=20, **fields)
    for target_slug, name, country in TARGETS:
        target, _ = Target.objects.get_or_create(
            slug=target_slug,
            defaults={
                "name": name,
                "headquarters_country": country,
                "products": "Google Workspace\nGmail" if target_slug == "alphabet" else "Ads",
            },
        )
        campaign.targets.add(target)
    return campaign


def in_days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def boycott(**overrides) -> CommitmentData:
    values = {
        "kind": Commitment.Kind.BOYCOTT,
        "action": "Move our staff email from Gmail to our own server",
        "target": "alphabet",
        "deadline": in_days(60),
    }
    values.update(overrides)
    return CommitmentData(**values)


def divestment(**overrides) -> CommitmentData:
    values = {
        "kind": Commitment.Kind.DIVESTMENT,
        "action": "Move the pension fund out of Meta shares",
        "target": "meta",
        "amount": Decimal("250000.00"),
        "currency": "eur",
    }
    values.update(overrides)
    return CommitmentData(**values)


def pledge_data(*rows: CommitmentData, **org_overrides) -> CommitmentPledgeData:
    return CommitmentPledgeData(
        organisation=org_data(**org_overrides), commitments=rows or (boycott(),)
    )


def pledge(campaign, *rows: CommitmentData, **org_overrides):
    return commitment_services.pledge_commitments(campaign, pledge_data(*rows, **org_overrides))


def approved_pledge(campaign, *rows: CommitmentData, moderator=None, **org_overrides):
    result = pledge(campaign, *rows, **org_overrides)
    confirmed, _ = contact.confirm_contact(result.pledge)
    return contact.approve(confirmed, by=moderator)


def approved_commitment(campaign, row: CommitmentData | None = None, **org_overrides):
    return approved_pledge(campaign, row or boycott(), **org_overrides).commitments.get()


def contact_update(commitment, status: str, note: str = "", evidence_url: str = ""):
    return commitment_services.post_commitment_update(
        commitment,
        UpdateData(status=status, note=note, evidence_url=evidence_url),
        source=CommitmentUpdate.Source.CONTACT,
    )


def moderator_update(commitment, status: str, *, by=None, note: str = "", evidence_url=""):
    return commitment_services.post_commitment_update(
        commitment,
        UpdateData(status=status, note=note, evidence_url=evidence_url),
        source=CommitmentUpdate.Source.MODERATOR,
        by=by,
    )

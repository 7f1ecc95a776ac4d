"""Demo commitments for the BDS drive (`manage.py load_demo`)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign
from commitments import services as commitment_services
from commitments.models import CommitmentPledge, CommitmentUpdate
from commitments.services import CommitmentData, CommitmentPledgeData, UpdateData
from pledges import contact, services
from pledges.services import OrgSignOnData

COMMITMENTS = [
    # (organisation, kind, country, website, [(type, target, action, amount, currency,
    #  deadline in days, [statuses reached, each with a note])])
    (
        "Red Comunitaria del Sur", "community_network", "MX", "https://redsur.example.org",
        [
            ("boycott", "alphabet", "Move our 40 staff mailboxes from Gmail to our own server",
             None, "", 90, [("in_progress", "Half the team moved in the first month.")]),
            ("boycott", "meta", "Close our Facebook pages and point people to our own site",
             None, "", 30, []),
        ],
    ),
    (
        "Cooperativa Digital", "cooperative", "ES", "https://coopdigital.example.org",
        [
            ("sanction", "", "Procurement rule: no new contracts with any listed company",
             None, "", None, [("fulfilled", "Adopted by the general assembly.")]),
        ],
    ),
    (
        "Tech Workers Union", "union", "GB", "https://techworkers.example.org",
        [
            ("divestment", "amazon", "Move the staff pension fund out of Amazon shares",
             "2000000", "GBP", 180, []),
        ],
    ),
    (
        "Universidad Libre", "academic", "CO", "https://ulibre.example.edu",
        [
            ("boycott", "microsoft", "Replace Microsoft 365 for students with our own tools",
             None, "", 10, [("lapsed", "The deadline passed without a report.")]),
            ("other", "", "Teach-ins on data sovereignty in every faculty",
             None, "", None, []),
        ],
    ),
]  # fmt: skip


def load_commitments_demo(slug: str = "big-tech-bds") -> None:
    """A few approved commitments in various states on the BDS drive. Idempotent."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.is_open() or not campaign.collects_commitments:
        return
    targets = set(campaign.targets.values_list("slug", flat=True))
    today = timezone.localdate()
    for name, kind, country, website, rows in COMMITMENTS:
        domain = services.website_domain(website)
        if CommitmentPledge.objects.filter(campaign=campaign, organisation__domain=domain).exists():
            continue
        commitments = tuple(
            CommitmentData(
                kind=row_kind,
                action=action,
                target=target if target in targets else "",
                other_kind="Public education" if row_kind == "other" else "",
                amount=Decimal(amount) if amount else None,
                currency=currency,
                deadline=today + timedelta(days=days) if days is not None else None,
            )
            for row_kind, target, action, amount, currency, days, _steps in rows
        )
        result = commitment_services.pledge_commitments(
            campaign,
            CommitmentPledgeData(
                organisation=OrgSignOnData(
                    name=name,
                    kind=kind,
                    country=country,
                    website=website,
                    contact_name="Demo Contact",
                    contact_email=f"contact@{domain}",
                    contact_language="en",
                ),
                commitments=commitments,
            ),
        )
        pledge, _ = contact.confirm_contact(result.pledge)
        contact.approve(pledge, by=None)
        for commitment, row in zip(pledge.commitments.order_by("pk"), rows, strict=True):
            for status, note in row[-1]:
                commitment_services.post_commitment_update(
                    commitment,
                    UpdateData(status=status, note=note),
                    source=CommitmentUpdate.Source.MODERATOR,
                )

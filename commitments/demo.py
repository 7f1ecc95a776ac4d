"""Demo commitments for the BDS drive (`manage.py load_demo`).

Every commitment's story agrees with its dates: it is pledged some days ago, its deadline
is counted from that day, and each later step (an update, a lapse) happens on a day between
the pledge and today. A lapsed commitment has a deadline in the past, lapsed by the same
job that lapses real ones, the grace days after it.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import Campaign
from commitments import services as commitment_services
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate
from commitments.services import (
    CommitmentData,
    CommitmentPledgeData,
    EvidenceData,
    UpdateData,
    lapse_grace_days,
)
from pledges import contact, services
from pledges.services import OrgSignOnData

LAPSE = "lapse"  # a step that is the deadline job's, not an update

COMMITMENTS = [
    # (organisation, kind, country, website, pledged days ago,
    #  [(type, target, action, amount, currency, deadline in days after the pledge,
    #    [(days after the pledge, status or LAPSE, note, evidence link)], grade)])
    (
        "Red Comunitaria del Sur", "community_network", "MX", "https://redsur.example.org", 30,
        [
            ("boycott", "alphabet", "Move our 40 staff mailboxes from Gmail to our own server",
             None, "", 120, [(25, "in_progress", "Half the team moved in the first month.",
                              "")], "self_reported"),
            ("boycott", "meta", "Close our Facebook pages and point people to our own site",
             None, "", 60, [], "self_reported"),
        ],
    ),
    (
        "Cooperativa Digital", "cooperative", "ES", "https://coopdigital.example.org", 90,
        [
            ("sanction", "", "Procurement rule: no new contracts with any listed company",
             None, "", None, [(40, "fulfilled", "Adopted by the general assembly.",
                               "https://coopdigital.example.org/assembly-minutes")],
             "verified"),
        ],
    ),
    (
        "Tech Workers Union", "union", "GB", "https://techworkers.example.org", 20,
        [
            ("divestment", "amazon", "Move the staff pension fund out of Amazon shares",
             "2000000", "GBP", 180, [(12, "agreed_to_review",
                                      "The trustees agreed to review the fund's holdings.",
                                      "https://techworkers.example.org/trustees")],
             "evidence_attached"),
        ],
    ),
    (
        "Universidad Libre", "academic", "CO", "https://ulibre.example.edu", 60,
        [
            ("boycott", "microsoft", "Replace Microsoft 365 for students with our own tools",
             None, "", 30, [(30 + lapse_grace_days() + 1, LAPSE, "", "")], "self_reported"),
            ("other", "", "Teach-ins on data sovereignty in every faculty",
             None, "", None, [], "self_reported"),
        ],
    ),
]  # fmt: skip


def _at(start: datetime, days: int) -> datetime:
    return start + timedelta(days=days)


def load_commitments_demo(slug: str = "big-tech-bds") -> None:
    """A few approved commitments in various states on the BDS drive. Idempotent."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.is_open() or not campaign.collects_commitments:
        return
    targets = set(campaign.targets.values_list("slug", flat=True))
    now = timezone.now()
    grader = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    for name, kind, country, website, days_ago, rows in COMMITMENTS:
        domain = services.website_domain(website)
        if CommitmentPledge.objects.filter(campaign=campaign, organisation__domain=domain).exists():
            continue
        pledged_at = now - timedelta(days=days_ago)
        pledged_on = timezone.localdate(pledged_at)
        commitments = tuple(
            CommitmentData(
                kind=row_kind,
                action=action,
                target=target if target in targets else "",
                other_kind="Public education" if row_kind == "other" else "",
                amount=Decimal(amount) if amount else None,
                currency=currency,
                deadline=pledged_on + timedelta(days=days) if days is not None else None,
            )
            for row_kind, target, action, amount, currency, days, _steps, _grade in rows
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
            now=pledged_at,
        )
        pledge, _ = contact.confirm_contact(result.pledge)
        contact.approve(pledge, by=None)
        for commitment, row in zip(pledge.commitments.order_by("pk"), rows, strict=True):
            _tell_story(commitment, row[-2], start=pledged_at, now=now)
            if row[-1] == Commitment.Grade.VERIFIED and grader is not None:
                commitment_services.set_commitment_grade(
                    commitment, row[-1], by=grader, note="Demo: checked the minutes."
                )


def _tell_story(commitment: Commitment, steps, *, start: datetime, now: datetime) -> None:
    for days, status, note, url in steps:
        when = min(_at(start, days), now)
        if status == LAPSE:
            commitment_services.lapse_overdue_commitments(now=when, only=[commitment.pk])
            continue
        evidence = (EvidenceData(url=url, captured_on=timezone.localdate(when)),) if url else ()
        commitment_services.post_commitment_update(
            commitment,
            UpdateData(status=status, note=note, evidence=evidence),
            source=CommitmentUpdate.Source.MODERATOR,
            now=when,
        )

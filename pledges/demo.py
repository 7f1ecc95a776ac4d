"""Demo signatures and organisations for `manage.py load_demo`. Idempotent: existing rows stay."""

from campaigns.models import Campaign
from pledges import services
from pledges.models import OrgPledge, Signature
from pledges.services import OrgSignOnData, SignatureData

PEOPLE = [
    ("Amina Yusuf", "amina", "KE", "Nairobi Tech Collective", True, "en"),
    ("Lucía Fernández", "lucia", "AR", "", True, "es"),
    ("Karim Haddad", "karim", "LB", "", True, "ar"),
    ("أمينة الحسن", "amina.h", "EG", "", True, "ar"),
    ("Priya Raman", "priya", "IN", "Free Software Movement", True, "en"),
    ("Mateus Oliveira", "mateus", "BR", "", True, "pt"),
    ("Claire Dubois", "claire", "FR", "", False, "fr"),
    ("王小明", "xiaoming", "TW", "", True, "en"),
]

ORGANISATIONS = [
    ("Red Comunitaria del Sur", "community_network", "MX", "https://redsur.example.org", True),
    ("Cooperativa Digital", "cooperative", "ES", "https://coopdigital.example.org", True),
    ("Tech Workers Union", "union", "GB", "https://techworkers.example.org", True),
    ("Open Newsroom", "media", "DE", "https://opennewsroom.example.org", False),
]


def load_pledges_demo(slug: str = "refuse-extraction") -> None:
    load_commitments_demo()
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.is_open():
        return
    for name, local, country, affiliation, listed, language in PEOPLE:
        email = f"{local}@example.org"
        if Signature.objects.filter(campaign=campaign, email=email).exists():
            continue
        result = services.sign(
            campaign,
            SignatureData(
                name=name,
                email=email,
                country=country,
                language=language,
                affiliation=affiliation,
                show_publicly=listed,
                updates_consent=True,
            ),
        )
        services.confirm_signature(result.signature.pk)
    if not Signature.objects.filter(campaign=campaign, email="pending@example.org").exists():
        services.sign(
            campaign,
            SignatureData(
                name="Still Pending", email="pending@example.org", country="PT", language="pt"
            ),
        )
    for name, kind, country, website, approve in ORGANISATIONS:
        domain = services.website_domain(website)
        if OrgPledge.objects.filter(campaign=campaign, organisation__domain=domain).exists():
            continue
        result = services.sign_on(
            campaign,
            OrgSignOnData(
                name=name,
                kind=kind,
                country=country,
                website=website,
                contact_name="Demo Contact",
                contact_email=f"contact@{domain}",
                contact_language="en",
            ),
        )
        pledge, _ = services.confirm_contact(result.pledge)
        if approve:
            services.approve(pledge, by=None)


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
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from pledges import commitment_services
    from pledges.commitment_services import CommitmentData, CommitmentPledgeData, UpdateData
    from pledges.models import CommitmentPledge, CommitmentUpdate

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
        pledge, _ = services.confirm_contact(result.pledge)
        services.approve(pledge, by=None)
        for commitment, row in zip(pledge.commitments.order_by("pk"), rows, strict=True):
            for status, note in row[-1]:
                commitment_services.post_commitment_update(
                    commitment,
                    UpdateData(status=status, note=note),
                    source=CommitmentUpdate.Source.MODERATOR,
                )

"""Demo signatures and organisations for `manage.py load_demo`. Idempotent: existing rows stay."""

from campaigns.models import Campaign
from lib.mailboxes import email_hash
from pledges import contact, services
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
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.is_open():
        return
    for name, local, country, affiliation, listed, language in PEOPLE:
        email = f"{local}@example.org"
        if Signature.objects.filter(campaign=campaign, email_hash=email_hash(email)).exists():
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
    if not Signature.objects.filter(
        campaign=campaign, email_hash=email_hash("pending@example.org")
    ).exists():
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
        pledge, _ = contact.confirm_contact(result.pledge)
        if approve:
            contact.approve(pledge, by=None)

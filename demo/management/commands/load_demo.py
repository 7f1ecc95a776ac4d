"""Demo campaigns, targets and staff logins. Safe to run again: it updates in place."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from campaigns import pages, services
from campaigns.models import Campaign, CampaignTranslation, Target
from commitments.demo import load_commitments_demo
from demo.translations import TRANSLATIONS
from donations.demo import load_demo_gifts
from pledges.demo import load_pledges_demo
from staff.roles import COMMUNICATIONS, FINANCE, MODERATORS

TARGETS = [
    ("alphabet", "Alphabet (Google)", "US", "Google Workspace\nGmail\nGoogle Cloud\nYouTube ads"),
    ("meta", "Meta", "US", "Facebook pages\nInstagram\nWhatsApp Business\nMeta ads"),
    ("amazon", "Amazon", "US", "Amazon Web Services\nAmazon Marketplace"),
    ("microsoft", "Microsoft", "US", "Microsoft 365\nAzure\nGitHub\nLinkedIn"),
    ("apple", "Apple", "US", "iCloud\nApp Store"),
]

STATEMENT = """We are technology groups, cooperatives, unions and community networks.

We **refuse** to hand the data of the people we serve to companies whose business is extraction.
We commit to tools we can govern ourselves, and we call on others to join us.

- No surveillance advertising on our sites.
- No community data in Big Tech clouds where an alternative exists.
- Public money for public, open infrastructure.
"""

CAMPAIGNS = [
    {
        "slug": "refuse-extraction",
        "kind": Campaign.Kind.STATEMENT,
        "title": "We refuse Big Tech's data extraction",
        "summary": "A sign-on letter from technology groups who will not sell out their communities.",
        "statement": STATEMENT,
        "call_to_action": "Sign the statement",
        "signature_goal": 10000,
        "organisation_goal": 500,
        "translations": TRANSLATIONS["refuse-extraction"],
    },
    {
        "slug": "big-tech-bds",
        "kind": Campaign.Kind.BDS,
        "title": "Big Tech BDS drive",
        "summary": "Organisations pledge to boycott, divest from and sanction Big Tech — and report until it is done.",
        "statement": "Pledge concrete commitments: leave a product, move money, adopt a policy.\n\n"
        "We track every commitment until it is fulfilled.",
        "call_to_action": "Pledge a commitment",
        "organisation_goal": 200,
        "targets": [slug for slug, *_ in TARGETS],
        "translations": TRANSLATIONS["big-tech-bds"],
    },
    {
        "slug": "coalition-fund",
        "kind": Campaign.Kind.FUNDRAISER,
        "title": "Fund the coalition",
        "summary": "Independent from Big Tech means funded by the people: support the finance task force.",
        "statement": "Every gift pays for servers we control, translations and legal support.",
        "call_to_action": "Donate",
        "fundraising_goal_minor": 5_000_000,
        "fundraising_currency": "EUR",
        "translations": TRANSLATIONS["coalition-fund"],
    },
]

BACKUP_CODES_PER_USER = 5

USERS = [
    ("admin", None, True),
    ("comms", COMMUNICATIONS, False),
    ("moderator", MODERATORS, False),
    ("finance", FINANCE, False),
]


class Command(BaseCommand):
    help = "Load demo campaigns (translated), BDS targets and staff logins; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD"),
            help="Password for the demo staff logins (default: a new random one, printed).",
        )

    def handle(self, *args, password=None, **options):
        password = password or secrets.token_urlsafe(12)
        backup_codes: dict[str, list[str]] = {}
        with transaction.atomic():
            for slug, name, country, products in TARGETS:
                Target.objects.update_or_create(
                    slug=slug,
                    defaults={
                        "name": name,
                        "headquarters_country": country,
                        "products": products,
                        "description": f"{name}: a target of the BDS drive.",
                    },
                )
            for spec in CAMPAIGNS:
                spec = dict(spec)
                translations = spec.pop("translations")
                target_slugs = spec.pop("targets", [])
                campaign, _ = Campaign.objects.update_or_create(slug=spec["slug"], defaults=spec)
                campaign.targets.set(Target.objects.filter(slug__in=target_slugs))
                for language, texts in translations.items():
                    CampaignTranslation.objects.update_or_create(
                        campaign=campaign, language=language, defaults=texts
                    )
                if campaign.status != Campaign.Status.LIVE:
                    if campaign.status == Campaign.Status.CLOSED:
                        services.transition(campaign, Campaign.Status.LIVE, by=None)
                    else:
                        services.publish(campaign, by=None)
            pages.changed()  # texts rewritten in place: stored pages and snapshots go
            User = get_user_model()
            for username, group, superuser in USERS:
                user, _ = User.objects.get_or_create(username=username)
                user.email = f"{username}@example.org"
                user.is_staff = True
                user.is_superuser = superuser
                user.set_password(password)
                user.save()
                if group:
                    user.groups.set([Group.objects.get(name=group)])
                backup_codes[username] = self.reset_backup_codes(user)
            load_demo_gifts()
            load_commitments_demo()
            load_pledges_demo()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write("Staff logins (user / password):")
        for username, group, _superuser in USERS:
            self.stdout.write(f"  {username:<10} {password}   {group or 'superuser'}")
        self.stdout.write(
            "Staff also confirm a second factor: use one of these one-time backup codes, "
            "or set up an authenticator app from the staff area once logged in."
        )
        for username, codes in backup_codes.items():
            self.stdout.write(f"  {username:<10} {' '.join(codes)}")

    def reset_backup_codes(self, user) -> list[str]:
        """Give `user` fresh one-time backup codes (replacing older demo ones)."""
        device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES_PER_USER)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        return codes

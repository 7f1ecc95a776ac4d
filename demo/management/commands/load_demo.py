"""Demo campaigns, targets, staff logins and sample activity for `make run`.

Run at every start, it only ever adds what is missing: a campaign, translation, target, login,
signature, sign-on, commitment, gift or way to give that exists already (by slug, language,
username, email, website domain, reference or label) is left as it is, so a campaign staff
closed stays closed and edited texts and goals stay edited. The demo's own emails are settled
in the same transaction (demo/emails.py); logins are kept in `var/` (demo/credentials.py).
"""

import os
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from campaigns import pages, services
from campaigns import targets as target_list
from campaigns.demo import load_replies_demo
from campaigns.models import Campaign, CampaignTranslation, Target
from commitments.demo import load_commitments_demo
from demo import credentials, emails
from demo.translations import TRANSLATIONS
from donations.demo import load_demo_gifts
from paper.demo import load_paper_demo
from pledges.demo import load_pledges_demo
from staff.roles import COMMUNICATIONS, FINANCE, MODERATORS

Category = Target.Category
TARGETS = [
    ("alphabet", "Alphabet (Google)", "US", "Google Workspace\nGmail\nGoogle Cloud\nYouTube ads",
     Category.DIVESTMENT),
    ("meta", "Meta", "US", "Facebook pages\nInstagram\nWhatsApp Business\nMeta ads",
     Category.CONSUMER_BOYCOTT),
    ("amazon", "Amazon", "US", "Amazon Web Services\nAmazon Marketplace",
     Category.CONSUMER_BOYCOTT),
    ("microsoft", "Microsoft", "US", "Microsoft 365\nAzure\nGitHub\nLinkedIn",
     Category.PRESSURE),
    ("apple", "Apple", "US", "iCloud\nApp Store", Category.GRASSROOTS),
]  # fmt: skip

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


def load_campaigns() -> int:
    """The targets, campaigns and their translations that are missing; returns how many."""
    created = 0
    for slug, name, country, products, category in TARGETS:
        if Target.objects.filter(slug=slug).exists():
            continue
        # Through the dated list, so the demo's changelog starts with its additions.
        target_list.add_target(
            Target(
                slug=slug,
                name=name,
                headquarters_country=country,
                products=products,
                category=category,
                description=f"{name}: a target of the BDS drive.",
            ),
            by=None,
            reason=f"Demo: {name} sells the services the drive asks organisations to leave.",
            # Listed before the demo's oldest commitment against it (commitments/demo.py).
            now=timezone.now() - timedelta(days=120),
        )
        created += 1
    for spec in CAMPAIGNS:
        spec = dict(spec)
        translations = spec.pop("translations")
        target_slugs = spec.pop("targets", [])
        campaign, made = Campaign.objects.get_or_create(slug=spec["slug"], defaults=spec)
        if made:
            campaign.targets.set(Target.objects.filter(slug__in=target_slugs))
        for language, texts in translations.items():
            _row, made_translation = CampaignTranslation.objects.get_or_create(
                campaign=campaign, language=language, defaults=texts
            )
            created += made_translation
        if made:
            # Only a campaign made now goes live: one staff closed, scheduled or returned to
            # draft stays so.
            services.publish(campaign, by=None)
            created += 1
    if created:
        pages.changed()
    return created


class Command(BaseCommand):
    help = "Add the demo campaigns, BDS targets, staff logins and activity that are missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD") or None,
            help="Password for the demo staff logins, set on each of them (default: "
            f"DEMO_PASSWORD, else the one generated once and kept in var/{credentials.FILE_NAME}).",
        )

    def handle(self, *args, password=None, **options):
        # A password chosen (--password or DEMO_PASSWORD) is set on every demo login, and the
        # file in var/ is neither read nor written.
        chosen = bool(password)
        stored = credentials.Credentials() if chosen else credentials.read()
        dirty = False  # the file needs writing
        if not chosen:
            if not stored.password:
                stored.password = credentials.new_password()
                dirty = True
            password = stored.password
        logins: list[tuple[str, str, bool, list[str]]] = []
        with transaction.atomic(), emails.held_back():
            load_campaigns()
            for username, group, superuser in USERS:
                known, codes, new_codes = self.login(
                    username, group, superuser, password, chosen=chosen, stored=stored
                )
                dirty |= new_codes
                logins.append((username, group or "superuser", known, codes))
            load_demo_gifts()
            load_commitments_demo()
            load_replies_demo()
            load_pledges_demo()
            load_paper_demo()
            if dirty and not chosen:  # before the commit: no login with a password not kept
                credentials.write(stored)
        self.report(password, logins, chosen=chosen)

    def report(self, password, logins, *, chosen) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS("Demo content loaded (what existed is left as it was)."))
        write("Staff logins (user / password):")
        for username, role, known, _codes in logins:
            shown = password if known else "(changed, not shown; DEMO_PASSWORD=… sets one)"
            write(f"  {username:<10} {shown}   {role}")
        write(
            "Staff also confirm a second factor: use one of these one-time backup codes, "
            "or set up an authenticator app from the staff area once logged in."
        )
        for username, _role, _known, codes in logins:
            write(f"  {username:<10} {' '.join(codes) or '(all used)'}")
        if not chosen:
            write(f"Kept in {credentials.path()}; DEMO_PASSWORD=... sets another on every login.")

    def login(self, username, group, superuser, password, *, chosen, stored):
        """The demo login `username`, made if missing; the password is set on it only when it
        is new or was `chosen` on the command line. Returns whether `password` opens it, its
        remaining backup codes, and whether `stored` gained codes to keep."""
        User = get_user_model()
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if made:
            user.set_password(password)
            user.save(update_fields=["password"])
            if group:
                user.groups.set([Group.objects.get(name=group)])
            known = True
        else:
            known = user.check_password(password)
            if chosen and not known:
                user.set_password(password)
                user.save(update_fields=["password"])
                known = True
        device, made_device = StaticDevice.objects.get_or_create(user=user, name="backup")
        codes_changed = False
        if made_device:
            codes = stored.backup_codes.get(username) or [
                StaticToken.random_token() for _ in range(BACKUP_CODES_PER_USER)
            ]
            StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
            codes_changed = stored.backup_codes.get(username) != codes
            stored.backup_codes[username] = codes
        # Read back: a code used to log in is gone, and is not printed again.
        remaining = list(device.token_set.order_by("pk").values_list("token", flat=True))
        return known, remaining, codes_changed

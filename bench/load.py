"""Load the benchmark's data set fast: campaigns through our services, rows by COPY.

20 live campaigns (made and published by `campaigns.services`, statement versions by
`pledges.services`), 10,000 organisations with approved sign-ons, and N confirmed
signatures spread over the campaigns with a long tail (the first campaign is the viral
one), written with psycopg's `cursor.copy`. Prints a JSON line with the timings.

The rows hold what the models store (lib/encryption.py): names and the addresses still kept
as Fernet tokens, the public list's `listed_name` in plain text, keyed hashes. Only what the
site keeps encrypted is encrypted, and a value the loader repeats (a signer's name, the
contact person) gets one token reused: real tokens differ every time, but the bench needs
only their size and type. Every address kept is a token of its own.

Run by bench/run.py with the bench environment: `python -m bench.load --signatures 1000000`.
"""

import argparse
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from psycopg import sql  # noqa: E402

from campaigns import counters  # noqa: E402
from campaigns import services as campaign_services  # noqa: E402
from campaigns.models import Campaign, CampaignTranslation  # noqa: E402
from lib.encryption import encrypt  # noqa: E402
from lib.mailboxes import email_hash  # noqa: E402
from pledges.models import Organisation, OrgPledge, Signature  # noqa: E402
from pledges.services import record_statement_version  # noqa: E402

CAMPAIGNS = 20
COUNTRIES = ["FR", "DE", "ES", "PT", "BR", "AR", "MX", "US", "GB", "IT", "NL", "BE", "MA", "EG",
             "PS", "JO", "LB", "TN", "SN", "ZA", "IN", "PH", "ID", "CA", "IE"]  # fmt: skip
FIRST = ["Ana", "Bilal", "Chloé", "Dario", "Eun", "Fatima", "Gustavo", "Hana", "Iker", "Jana",
         "Kofi", "Lea", "Malik", "Nour", "Omar"]  # fmt: skip
LAST = ["Alves", "Benali", "Costa", "Dubois", "Eriksen", "Farah", "García", "Haddad", "Ivanova",
        "Jansen", "Khalil", "López"]  # fmt: skip
KINDS = ["ngo", "union", "cooperative", "collective", "community_network", "academic", "media"]
STATEMENT = (
    "We, the undersigned, **refuse** to build, sell or maintain technology used for "
    "surveillance and war.\n\n" + "We ask our employers to publish every contract. " * 12
)


# The fields each COPY writes, in the order of the rows written below.
SIGNATURE_FIELDS = ["campaign", "statement_version", "status", "name", "listed_name", "email",
                    "email_hash", "country",
                    "affiliation", "language", "show_publicly", "updates_consent", "ip_hash",
                    "created_at", "confirmed_at", "reminders_sent",
                    "shared_with_partner", "alias_duplicate"]  # fmt: skip
ORGANISATION_FIELDS = ["name", "name_key", "kind", "country", "website", "domain", "logo",
                       "created_at"]  # fmt: skip
ORG_PLEDGE_FIELDS = ["organisation", "campaign", "statement_version", "status", "contact_name",
                     "contact_email", "contact_language", "ip_hash", "created_at",
                     "contact_confirmed_at", "moderated_at", "rejection_reason",
                     "proposed_organisation", "proposed_logo",
                     "contact_email_hash"]  # fmt: skip


def copy_into(model, fields: list[str]) -> sql.Composed:
    """`COPY <table> (<columns>) FROM STDIN` for these fields, named from the model's _meta."""
    columns = [model._meta.get_field(name).column for name in fields]
    return sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(column) for column in columns),
    )


def make_campaigns() -> list[tuple[int, int]]:
    """(campaign id, statement version id) for each live campaign, made by our services."""
    made = []
    for i in range(CAMPAIGNS):
        campaign = Campaign(
            slug=f"bench-{i:02d}",
            kind=Campaign.Kind.STATEMENT,
            title=f"Benchmark campaign {i:02d}: tech workers refuse",
            summary="A campaign of the benchmark data set.",
            statement=STATEMENT,
            call_to_action="Sign the statement",
            signature_goal=500_000 if i == 0 else 50_000,
            organisation_goal=2_000,
        )
        campaign.full_clean()
        campaign.save()
        CampaignTranslation.objects.create(
            campaign=campaign, language="es", title=f"Campaña {i:02d}", summary="Resumen"
        )
        campaign = campaign_services.publish(campaign, by=None)
        version = record_statement_version(campaign)
        made.append((campaign.pk, version.pk))
    return made


class Tokens:
    """One Fernet token per distinct value, for values the data set repeats (names)."""

    def __init__(self) -> None:
        self.made: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        token = self.made.get(value)
        if token is None:
            token = self.made[value] = encrypt(value)
        return token


def keeps_email(
    status: str, updates_consent: bool, confirmed_at: datetime | None, cutoff: datetime
) -> bool:
    """Whether the site still holds a signer's address (pledges/retention.py): still owed a
    confirmation (or held as suspect), asked for updates, or confirmed after `cutoff`, i.e.
    less than EMAIL_RETENTION_DAYS (a week) ago. Every other address has been dropped."""
    if status in ("pending", "suspect") or updates_consent:
        return True
    return confirmed_at is not None and confirmed_at >= cutoff


def weights(n: int) -> list[float]:
    raw = [1 / (i + 1) ** 0.8 for i in range(n)]
    total = sum(raw)
    return [w / total for w in raw]


def copy_signatures(campaigns: list[tuple[int, int]], total: int, rng: random.Random) -> None:
    start = datetime.now(UTC) - timedelta(days=60)
    shares = weights(len(campaigns))
    counts = [int(total * share) for share in shares]
    counts[0] += total - sum(counts)
    names = [f"{first} {last}" for first in FIRST for last in LAST]
    name_token = Tokens()
    status = "confirmed"
    cutoff = datetime.now(UTC) - timedelta(days=settings.EMAIL_RETENTION_DAYS)
    with connection.cursor() as django_cursor:
        raw = django_cursor.cursor
        with raw.copy(copy_into(Signature, SIGNATURE_FIELDS)) as copy:
            serial = 0
            for (campaign_id, version_id), count in zip(campaigns, counts, strict=True):
                for _ in range(count):
                    serial += 1
                    signed = start + timedelta(seconds=serial * 5_000_000 // total)
                    email = f"signer{serial}@mail{serial % 5000}.example.org"
                    name = names[serial % len(names)]
                    listed = serial % 5 < 3
                    updates = serial % 2 == 0
                    confirmed = signed + timedelta(minutes=7)
                    kept = keeps_email(status, updates, confirmed, cutoff)
                    copy.write_row(
                        (
                            campaign_id,
                            version_id,
                            status,
                            name_token(name),
                            name if listed else "",
                            encrypt(email) if kept else "",
                            email_hash(email),
                            COUNTRIES[serial % len(COUNTRIES)],
                            "",
                            "en",
                            listed,
                            updates,
                            "",
                            signed,
                            confirmed,
                            0,
                            False,
                            False,
                        )
                    )


def copy_organisations(campaigns: list[tuple[int, int]], total: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    with connection.cursor() as django_cursor:
        raw = django_cursor.cursor
        with raw.copy(copy_into(Organisation, ORGANISATION_FIELDS)) as copy:
            for i in range(total):
                name = f"Collective {i:05d}"
                copy.write_row(
                    (
                        name,
                        name.lower(),
                        KINDS[i % len(KINDS)],
                        COUNTRIES[i % len(COUNTRIES)],
                        f"https://org{i}.example.net/",
                        f"org{i}.example.net",
                        "",
                        now,
                    )
                )
        org_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        shares = weights(len(campaigns))
        contact_name = encrypt("Contact person")  # one name for every contact: one token
        with raw.copy(copy_into(OrgPledge, ORG_PLEDGE_FIELDS)) as copy:
            for org_id in org_ids:
                # Most sign one campaign, one in five signs a second.
                picks = {rng.choices(range(len(campaigns)), shares)[0]}
                if org_id % 5 == 0:
                    picks.add(rng.randrange(len(campaigns)))
                contact = f"contact@org{org_id}.example.net"
                for index in picks:
                    campaign_id, version_id = campaigns[index]
                    copy.write_row(
                        (org_id, campaign_id, version_id, "approved", contact_name,
                         encrypt(contact), "en", "", now, now, now, "", "{}", "",
                         email_hash(contact))
                    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - data set, not security
    timings = {}
    began = time.perf_counter()
    campaigns = make_campaigns()
    timings["campaigns_s"] = time.perf_counter() - began
    began = time.perf_counter()
    copy_organisations(campaigns, args.organisations, rng)
    timings["organisations_s"] = time.perf_counter() - began
    began = time.perf_counter()
    copy_signatures(campaigns, args.signatures, rng)
    timings["signatures_copy_s"] = time.perf_counter() - began
    began = time.perf_counter()
    # Rows written by COPY bypass the services: the tallies start from a true count.
    counters.reconcile()
    timings["tallies_s"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - began
    print(json.dumps({"signatures": args.signatures, "organisations": args.organisations,
                      "campaigns": len(campaigns), **timings}))  # fmt: skip


if __name__ == "__main__":
    main()

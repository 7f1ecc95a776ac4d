"""Reads shared by the pledge pages, the staff area, exports and the API."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_countries import countries

from campaigns.models import Campaign
from lib.disclosure import protect
from partners.models import Partner
from pledges.models import (
    ContactConfirmedPledge,
    Organisation,
    OrgPledge,
    Signature,
    StatementVersion,
)
from pledges.progress import signatures_by_country

PAGE_SIZE = 50

APPROVED = ContactConfirmedPledge.Status.APPROVED
CONFIRMED = Signature.Status.CONFIRMED


def public_signatures(campaign: Campaign) -> QuerySet[Signature]:
    """Confirmed signers who chose to be listed. Only public fields are ever read from these."""
    return Signature.objects.filter(campaign=campaign, status=CONFIRMED, show_publicly=True)


def public_org_pledges(campaign: Campaign) -> QuerySet[OrgPledge]:
    """Approved sign-ons with their organisation. The contact person's encrypted name and
    address are not even read: decrypting them was most of a signatory page's time."""
    return (
        OrgPledge.objects.filter(campaign=campaign, status=APPROVED)
        .select_related("organisation")
        .defer("contact_name", "contact_email")
    )


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: int | None


def keyset_page(queryset: QuerySet, *, before: int | None, size: int = PAGE_SIZE) -> Page:
    """Newest first, `size` at a time; any page costs the same (an index range scan on id)."""
    if before:
        queryset = queryset.filter(pk__lt=before)
    items = list(queryset.order_by("-pk")[: size + 1])
    next_cursor = items[size - 1].pk if len(items) > size else None
    return Page(items[:size], next_cursor)


def signatory_pages(
    campaign: Campaign,
    *,
    name: str = "",
    country: str = "",
    kind: str = "",
    signatures_before: int | None = None,
    organisations_before: int | None = None,
) -> tuple[Page | None, Page | None]:
    """The public list: approved organisations and listed individuals, filtered."""
    organisations = individuals = None
    if kind != "individual":
        pledges = public_org_pledges(campaign)
        if name:
            pledges = pledges.filter(organisation__name__icontains=name)
        if country:
            pledges = pledges.filter(organisation__country=country)
        if kind:
            pledges = pledges.filter(organisation__kind=kind)
        organisations = keyset_page(pledges, before=organisations_before)
    if not kind or kind == "individual":
        signatures = public_signatures(campaign).only("pk", "listed_name", "country", "affiliation")
        if name:
            signatures = signatures.filter(listed_name__icontains=name)
        if country:
            signatures = signatures.filter(country=country)
        individuals = keyset_page(signatures, before=signatures_before)
    return organisations, individuals


# Sections other rooms add to the public list (the names listed from paper sheets, kept in
# their own table and index): section(campaign, name=, country=, kind=) -> a dict with the
# `template` that renders it and its context, or None when it has nothing to show.
_signatory_sections: list[Callable[..., dict | None]] = []


def register_signatory_section(section: Callable[..., dict | None]) -> None:
    if section not in _signatory_sections:
        _signatory_sections.append(section)


def signatory_sections(
    campaign: Campaign, *, name: str = "", country: str = "", kind: str = ""
) -> list[dict]:
    """The registered sections of the public list for these filters, in registration order."""
    found = (
        section(campaign, name=name, country=country, kind=kind) for section in _signatory_sections
    )
    return [section for section in found if section]


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    people: int | None  # None: not published (`fewer` says why)
    fewer: bool  # fewer signers than PUBLIC_MIN_COUNT: counted in `other_people`
    organisations: int  # approved sign-ons: organisations are named on the list anyway


@dataclass(frozen=True)
class CountryCounts:
    """Signatures and sign-ons by country, as they may be published (lib/disclosure.py).

    Countries whose signers are too few to count apart (or that had to be grouped with
    them so no small count can be worked out from the total) are counted together in
    `other_people`; `total_people` is exact."""

    rows: list[CountryRow]
    other_people: int
    total_people: int
    minimum: int


def counts_by_country(campaign: Campaign) -> CountryCounts:
    """Shown counts largest first (ties by name), then the countries not counted apart.

    Counts include signers who are not listed by name, and no small count is published."""
    key = f"pledges:countries:v2:{campaign.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    people = signatures_by_country(campaign)
    orgs = dict(
        OrgPledge.objects.filter(campaign=campaign, status=APPROVED)
        .values_list("organisation__country")
        .annotate(n=Count("pk"))
        .values_list("organisation__country", "n")
    )
    minimum = settings.PUBLIC_MIN_COUNT
    breakdown = protect(
        {code: n for code, n in people.items() if code}, sum(people.values()), minimum=minimum
    )
    shown = dict(breakdown.shown)
    rows = [
        CountryRow(
            code,
            countries.name(code) or code,
            shown.get(code),
            code in breakdown.fewer,
            orgs.get(code, 0),
        )
        for code in set(people) | set(orgs)
        if code
    ]
    # A count is only an order among the shown: the others go by name, or the order of the
    # rows would tell their counts apart.
    rows.sort(key=lambda row: (row.people is None, -(row.people or 0), row.name))
    result = CountryCounts(rows, breakdown.other, breakdown.total, minimum)
    cache.set(key, result, settings.COUNTER_CACHE_SECONDS)
    return result


def statement_versions(campaign: Campaign) -> list[StatementVersion]:
    return list(StatementVersion.objects.filter(campaign=campaign).order_by("-number"))


def version_counts(campaign: Campaign) -> dict[int, int]:
    """Confirmed signatures per statement version id."""
    return dict(
        Signature.objects.filter(campaign=campaign, status=CONFIRMED)
        .values_list("statement_version")
        .annotate(n=Count("pk"))
        .values_list("statement_version", "n")
    )


def daily_signatures(
    campaign: Campaign,
    *,
    days: int = 60,
    since: datetime | None = None,
    today: date | None = None,
) -> list[tuple[date, int]]:
    """Confirmed signatures per day (by confirmation date), zeros kept: the last `days` days,
    or fewer when the campaign started (`since`) more recently."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    if since is not None:
        # A week at least, so a young campaign's first day is not one wall-to-wall bar.
        start = min(today - timedelta(days=6), max(start, timezone.localtime(since).date()))
    days = (today - start).days + 1
    key = f"pledges:daily:{campaign.pk}:{today.isoformat()}:{days}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    per_day = dict(
        Signature.objects.filter(campaign=campaign, status=CONFIRMED, confirmed_at__gte=since)
        .annotate(day=TruncDate("confirmed_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days_list = [start + timedelta(days=i) for i in range(days)]
    series = [(day, per_day.get(day, 0)) for day in days_list]
    cache.set(key, series, 60)
    return series


def approved_organisations(campaigns: QuerySet[Campaign]) -> list[tuple[Organisation, list[str]]]:
    """Organisations with an approved sign-on to any of `campaigns`, with those campaigns' slugs.

    Public details only are read from these (never a contact person).
    """
    pledges = (
        OrgPledge.objects.filter(campaign__in=campaigns, status=APPROVED)
        .values_list("organisation_id", "campaign__slug")
        .order_by("campaign__slug")
    )
    slugs: dict[int, list[str]] = {}
    for organisation_id, slug in pledges:
        slugs.setdefault(organisation_id, []).append(slug)
    organisations = Organisation.objects.filter(pk__in=slugs).order_by("name", "pk")
    return [(organisation, slugs[organisation.pk]) for organisation in organisations]


# Partners ------------------------------------------------------------------------------------


def partner_signers(partner: Partner, *, campaign_slug: str = "") -> QuerySet[Signature]:
    """Confirmed signers `partner` brought who agreed to share their details with it."""
    signers = Signature.objects.filter(
        partner=partner, status=CONFIRMED, shared_with_partner=True
    ).select_related("campaign")
    if campaign_slug:
        signers = signers.filter(campaign__slug=campaign_slug)
    return signers


def partner_referrals(partner: Partner) -> dict[int, dict[str, int]]:
    """Per campaign id: the signatures and sign-ons `partner` brought, by stage. Counts only."""
    PledgeStatus = ContactConfirmedPledge.Status
    figures: dict[int, dict[str, int]] = {}

    def row(campaign_id: int) -> dict[str, int]:
        return figures.setdefault(
            campaign_id,
            {
                "signatures_pending": 0,
                "signatures_confirmed": 0,
                "organisations_pending": 0,
                "organisations_approved": 0,
            },
        )

    signatures = (
        Signature.objects.filter(partner=partner)
        .values("campaign_id")
        .annotate(
            pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
            confirmed=Count("pk", filter=Q(status=CONFIRMED)),
        )
        .order_by()
    )
    for item in signatures:
        row(item["campaign_id"]).update(
            signatures_pending=item["pending"], signatures_confirmed=item["confirmed"]
        )
    pledges = (
        OrgPledge.objects.filter(partner=partner)
        .values("campaign_id")
        .annotate(
            pending=Count(
                "pk",
                filter=Q(status__in=[PledgeStatus.UNCONFIRMED, PledgeStatus.AWAITING_MODERATION]),
            ),
            approved=Count("pk", filter=Q(status=APPROVED)),
        )
        .order_by()
    )
    for item in pledges:
        row(item["campaign_id"]).update(
            organisations_pending=item["pending"], organisations_approved=item["approved"]
        )
    return figures


@dataclass(frozen=True)
class RecentSigner:
    first_name: str
    country: str  # a country code, named in the page's language by the template


def recent_signers(campaign: Campaign, *, count: int = 6) -> list[RecentSigner]:
    """The last few signers who chose to be listed: first name and country only."""
    rows = public_signatures(campaign).order_by("-pk").values_list("listed_name", "country")[:count]
    return [RecentSigner(name.split()[0], country) for name, country in rows if name.strip()]


def logo_wall(campaign: Campaign, *, count: int = 24) -> list[Organisation]:
    """Approved organisations with a logo, newest first."""
    pledges = public_org_pledges(campaign).exclude(organisation__logo="").order_by("-pk")
    return [pledge.organisation for pledge in pledges[:count]]


SIGNED_TODAY_MINIMUM = 5  # fewer reads as weakness, and could point at the few people


def signed_today(campaign: Campaign) -> int:
    """Confirmed today, or 0 below SIGNED_TODAY_MINIMUM (then the page says nothing)."""
    # The chart's series (cached): its last day is today.
    series = daily_signatures(campaign, since=campaign.launched_at)
    today = series[-1][1] if series else 0
    return today if today >= SIGNED_TODAY_MINIMUM else 0

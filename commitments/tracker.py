"""Public reads of the BDS tracker, shared by the pages and the API.

Only commitments of approved pledges are public; nothing here reads a contact person or
an email address, and the functions return public fields only.
"""

import hashlib
from collections import defaultdict
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from campaigns.models import Campaign, Target
from campaigns.queries import public_q
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate, Evidence
from lib import disclosure
from pledges.models import ContactConfirmedPledge, Organisation, OrgPledge

APPROVED = ContactConfirmedPledge.Status.APPROVED
ACCEPTED = CommitmentUpdate.Review.ACCEPTED
Status = Commitment.Status
Grade = Commitment.Grade
ALL_TARGETS = "all"  # the filter value for commitments naming every listed target


def public_commitments(campaign: Campaign | None = None) -> QuerySet[Commitment]:
    """Commitments of approved pledges on public drives (of one drive, or all)."""
    queryset = Commitment.objects.filter(
        public_q(prefix="pledge__campaign__"), pledge__status=APPROVED
    ).select_related("pledge__organisation", "pledge__campaign", "target")
    if campaign is not None:
        queryset = queryset.filter(pledge__campaign=campaign)
    return queryset


@dataclass(frozen=True)
class CommitmentFilters:
    target: str = ""  # a target's slug, ALL_TARGETS, or empty for any
    kind: str = ""
    status: str = ""
    country: str = ""  # the organisation's country
    q: str = ""  # organisation name or action text
    grade: str = ""  # the verification grade


def filter_commitments(
    campaign: Campaign | None, filters: CommitmentFilters = CommitmentFilters()
) -> QuerySet[Commitment]:
    """The public commitments matching `filters`, newest first."""
    queryset = public_commitments(campaign)
    if filters.target == ALL_TARGETS:
        queryset = queryset.filter(target__isnull=True)
    elif filters.target:
        queryset = queryset.filter(target__slug=filters.target)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.grade:
        queryset = queryset.filter(grade=filters.grade)
    if filters.country:
        queryset = queryset.filter(pledge__organisation__country=filters.country)
    if filters.q:
        queryset = queryset.filter(
            Q(pledge__organisation__name__icontains=filters.q) | Q(action__icontains=filters.q)
        )
    return queryset.order_by("-pk")


@dataclass(frozen=True)
class Tally:
    key: str  # status, kind, target slug ("" for all targets), country code or OTHER
    label: str
    count: int | None  # None: fewer than `fewer_than` (a country row only)
    fewer_than: int | None = None


@dataclass(frozen=True)
class CommitmentTotals:
    total: int
    organisations: int
    by_status: list[Tally]
    by_kind: list[Tally]
    by_target: list[Tally]
    by_country: list[Tally]
    by_grade: list[Tally] = field(default_factory=list)

    def status_count(self, status: str) -> int:
        return next((t.count for t in self.by_status if t.key == status), 0)

    @property
    def acted(self) -> int:
        """Fulfilled: the act itself. Agreeing to review or disclose is not counted here."""
        return self.status_count(Status.FULFILLED)

    @property
    def agreed_to_review(self) -> int:
        return self.status_count(Status.AGREED_TO_REVIEW)


def _tallies(queryset: QuerySet, field_name: str) -> dict:
    return dict(
        queryset.order_by()
        .values_list(field_name)
        .annotate(n=Count("pk"))
        .values_list(field_name, "n")
    )


def commitment_totals(
    campaign: Campaign | None, filters: CommitmentFilters = CommitmentFilters()
) -> CommitmentTotals:
    """Counts of the public commitments matching `filters`: by status and type (every
    choice, zeros kept), by target and by country (largest first).

    One grouped query, cached for COUNTER_CACHE_SECONDS like every public figure."""
    key = (
        "tracker:totals:v2:"
        + hashlib.sha256(
            repr((campaign.pk if campaign else None, astuple(filters))).encode()
        ).hexdigest()
    )
    groups = cache.get(key)
    if groups is None:
        groups = list(
            filter_commitments(campaign, filters)
            .order_by()
            .values_list(
                "status",
                "kind",
                "target__slug",
                "target__name",
                "pledge__organisation__country",
                "pledge__organisation_id",
                "grade",
            )
            .annotate(n=Count("pk"))
        )
        cache.set(key, groups, settings.COUNTER_CACHE_SECONDS)
    statuses: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    target_counts: dict[tuple[str, str], int] = defaultdict(int)
    country_counts: dict[str, int] = defaultdict(int)
    grades: dict[str, int] = defaultdict(int)
    organisations = set()
    for status, kind, slug, name, country, organisation_id, grade, n in groups:
        statuses[status] += n
        grades[grade] += n
        kinds[kind] += n
        target_counts[(slug or "", name or "")] += n
        country_counts[country] += n
        organisations.add(organisation_id)
    by_target = [Tally(slug, name, n) for (slug, name), n in target_counts.items()]
    by_target.sort(key=lambda t: (-t.count, t.label))
    by_country = country_tallies(country_counts)
    return CommitmentTotals(
        total=sum(statuses.values()),
        organisations=len(organisations),
        by_status=[Tally(v, str(lbl), statuses.get(v, 0)) for v, lbl in Status.choices],
        by_kind=[Tally(v, str(lbl), kinds.get(v, 0)) for v, lbl in Commitment.Kind.choices],
        by_target=by_target,
        by_country=by_country,
        by_grade=[Tally(v, str(lbl), grades.get(v, 0)) for v, lbl in Grade.choices],
    )


def country_tallies(counts: dict[str, int]) -> list[Tally]:
    """Counts by country as they may be published (lib/disclosure.py): those of at least
    PUBLIC_MIN_COUNT largest first (ties by name), those under it by name without a count,
    then the "other countries" row that counts them and any row without a country."""
    minimum = settings.PUBLIC_MIN_COUNT
    breakdown = disclosure.protect(
        {code: n for code, n in counts.items() if code}, sum(counts.values()), minimum=minimum
    )
    shown = [Tally(code, countries.name(code) or code, n) for code, n in breakdown.shown]
    shown.sort(key=lambda t: (-(t.count or 0), t.label))
    fewer = [
        Tally(code, countries.name(code) or code, None, fewer_than=minimum)
        for code in breakdown.fewer
    ]
    fewer.sort(key=lambda t: t.label)
    other = [Tally(disclosure.OTHER, str(_("Other countries")), breakdown.other)]
    return shown + fewer + (other if breakdown.other else [])


def status_counts(campaign: Campaign) -> dict[str, int]:
    """Approved commitments of a drive by status, every status present (for progress)."""
    counts = _tallies(public_commitments(campaign), "status")
    return {status: counts.get(status, 0) for status in Commitment.Status.values}


def committed_organisation_ids(campaign: Campaign) -> QuerySet:
    """Organisations with an approved commitment or an approved sign-on on `campaign`."""
    with_commitments = (
        CommitmentPledge.objects.filter(
            campaign=campaign, status=APPROVED, commitments__isnull=False
        )
        .order_by()
        .values("organisation_id")
    )
    signed_on = (
        OrgPledge.objects.filter(campaign=campaign, status=APPROVED)
        .order_by()
        .values("organisation_id")
    )
    return with_commitments.union(signed_on)


# History -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    """Public evidence: the link, the day it was captured, and a document's SHA-256."""

    pk: int
    url: str
    captured_on: date
    document_type: str = ""
    document_size: int | None = None
    sha256: str = ""

    @property
    def has_document(self) -> bool:
        return bool(self.sha256)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    status: str
    status_label: str
    note: str = ""
    evidence_url: str = ""
    source: str = ""
    evidence: tuple[EvidenceItem, ...] = ()


def _evidence_item(item: Evidence) -> EvidenceItem:
    return EvidenceItem(
        pk=item.pk,
        url=item.url,
        captured_on=item.captured_on,
        document_type=item.document_type,
        document_size=item.document_size,
        sha256=item.document_sha256,
    )


def _entry(update: CommitmentUpdate) -> HistoryEntry:
    evidence = tuple(_evidence_item(item) for item in update.evidence.all())
    return HistoryEntry(
        at=update.created_at,
        status=update.status,
        status_label=update.get_status_display(),
        note=update.note,
        evidence_url=next((item.url for item in evidence if item.url), ""),
        source=update.source,
        evidence=evidence,
    )


def histories(commitments: list[Commitment]) -> dict[int, list[HistoryEntry]]:
    """Public history of each commitment, oldest first: the pledge, then accepted updates
    with their evidence. A lapse stays in it, as does what came after.

    Two queries for any number of commitments (the updates, their evidence)."""
    out: dict[int, list[HistoryEntry]] = {
        c.pk: [
            HistoryEntry(
                at=c.created_at,
                status=Commitment.Status.PLEDGED,
                status_label=str(Commitment.Status.PLEDGED.label),
            )
        ]
        for c in commitments
    }
    updates = (
        CommitmentUpdate.objects.filter(commitment__in=[c.pk for c in commitments], review=ACCEPTED)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
    )
    for update in updates:
        out[update.commitment_id].append(_entry(update))
    return out


def commitment_history(commitment: Commitment) -> list[HistoryEntry]:
    return histories([commitment])[commitment.pk]


# Per target and per organisation -------------------------------------------------------------


def public_targets() -> QuerySet[Target]:
    """Targets of at least one public campaign, with their public commitment count."""
    return (
        Target.objects.annotate(
            public_commitments=Count(
                "commitments", filter=Q(commitments__pledge__status=APPROVED), distinct=True
            )
        )
        .filter(campaigns__isnull=False)
        .distinct()
        .order_by("name")
    )


def target_commitments(target: Target) -> QuerySet[Commitment]:
    """Public commitments naming `target`, or naming all targets of a drive that lists it."""
    return (
        public_commitments()
        .filter(
            Q(target=target)
            | Q(target__isnull=True, pledge__campaign__in=target.campaigns.values("pk"))
        )
        .order_by("-pk")
    )


def target_status_counts(target: Target) -> dict[str, int]:
    counts = _tallies(target_commitments(target), "status")
    return {status: counts.get(status, 0) for status in Commitment.Status.values}


@dataclass(frozen=True)
class CountryCount:
    code: str  # or disclosure.OTHER
    name: str
    organisations: int | None  # None: fewer than `fewer_than`
    fewer_than: int | None = None


@dataclass(frozen=True)
class CurrencyAmount:
    currency: str
    amount_minor: int
    commitments: int


@dataclass(frozen=True)
class Pressure:
    """How much pressure a target is under: who pledged against it, from where, and how
    much money is committed to leave it (by currency: amounts are never added across)."""

    organisations: int
    countries: list[CountryCount]
    divestment: list[CurrencyAmount]
    series: list[tuple[date, int, int]]  # (day, organisations so far, acted so far)


def target_pressure(target: Target, *, days: int = 365, today: date | None = None) -> Pressure:
    """The pressure on `target` from its public commitments (`target_commitments`).

    Withdrawn commitments no longer press: they are left out of every figure. Lapsed ones
    still count as pledged (the pledge was made and is shown). Two queries."""
    pressing = target_commitments(target).exclude(status=Status.WITHDRAWN).order_by()
    rows = list(
        pressing.values_list("pledge__organisation_id", "pledge__organisation__country")
        .annotate(first=Min("created_at"), acted=Min("fulfilled_at"))
        .order_by()
    )
    by_country: dict[str, int] = defaultdict(int)
    for _organisation_id, country, _first, _acted in rows:
        if country:
            by_country[country] += 1
    country_counts = [
        CountryCount(t.key, t.label, t.count, t.fewer_than)
        for t in country_tallies({**by_country, "": len(rows) - sum(by_country.values())})
    ]
    divestment = [
        CurrencyAmount(currency, total, n)
        for currency, total, n in pressing.filter(
            kind=Commitment.Kind.DIVESTMENT, amount_minor__isnull=False
        )
        .values_list("currency")
        .annotate(total=Sum("amount_minor"), n=Count("pk"))
        .values_list("currency", "total", "n")
        .order_by("currency")
    ]
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    firsts = sorted(timezone.localdate(first) for _o, _c, first, _a in rows)
    acts = sorted(timezone.localdate(acted) for _o, _c, _f, acted in rows if acted)
    series = []
    joined = done = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        while joined < len(firsts) and firsts[joined] <= day:
            joined += 1
        while done < len(acts) and acts[done] <= day:
            done += 1
        series.append((day, joined, done))
    return Pressure(
        organisations=len(rows), countries=country_counts, divestment=divestment, series=series
    )


@dataclass(frozen=True)
class OrganisationRecord:
    organisation: Organisation
    sign_ons: list[OrgPledge]
    commitments: list[Commitment]
    histories: dict[int, list[HistoryEntry]] = field(default_factory=dict)


def organisation_record(organisation: Organisation) -> OrganisationRecord:
    """Everything public about an organisation across campaigns: approved sign-ons and
    approved commitments with their history. Never its contact people."""
    sign_ons = list(
        OrgPledge.objects.filter(organisation=organisation, status=APPROVED)
        .select_related("campaign")
        .order_by("-pk")
    )
    commitments = list(
        public_commitments().filter(pledge__organisation=organisation).order_by("-pk")
    )
    return OrganisationRecord(organisation, sign_ons, commitments, histories(commitments))


def has_public_record(organisation: Organisation) -> bool:
    return (
        OrgPledge.objects.filter(organisation=organisation, status=APPROVED).exists()
        or CommitmentPledge.objects.filter(organisation=organisation, status=APPROVED).exists()
    )


# Over time ---------------------------------------------------------------------------------


def commitment_series(
    campaign: Campaign, *, days: int = 90, today: date | None = None
) -> list[tuple[date, int, int]]:
    """(day, commitments pledged so far, commitments fulfilled so far) for the last `days`
    days, counting public commitments by the day pledged and the day fulfilled."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    public = public_commitments(campaign).order_by()
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    pledged_before = public.filter(created_at__lt=since).count()
    fulfilled_before = public.filter(fulfilled_at__lt=since).count()
    pledged = defaultdict(
        int,
        public.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n"),
    )
    fulfilled = defaultdict(
        int,
        public.filter(fulfilled_at__gte=since)
        .annotate(day=TruncDate("fulfilled_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n"),
    )
    series = []
    running_pledged, running_fulfilled = pledged_before, fulfilled_before
    for offset in range(days):
        day = start + timedelta(days=offset)
        running_pledged += pledged[day]
        running_fulfilled += fulfilled[day]
        series.append((day, running_pledged, running_fulfilled))
    return series

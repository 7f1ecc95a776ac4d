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
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_countries import countries

from campaigns.models import Campaign, Target
from campaigns.queries import public_q
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate
from pledges.models import ContactConfirmedPledge, Organisation, OrgPledge

APPROVED = ContactConfirmedPledge.Status.APPROVED
ACCEPTED = CommitmentUpdate.Review.ACCEPTED
Status = Commitment.Status
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
    if filters.country:
        queryset = queryset.filter(pledge__organisation__country=filters.country)
    if filters.q:
        queryset = queryset.filter(
            Q(pledge__organisation__name__icontains=filters.q) | Q(action__icontains=filters.q)
        )
    return queryset.order_by("-pk")


@dataclass(frozen=True)
class Tally:
    key: str  # status, kind, target slug ("" for all targets) or country code
    label: str
    count: int


@dataclass(frozen=True)
class CommitmentTotals:
    total: int
    organisations: int
    by_status: list[Tally]
    by_kind: list[Tally]
    by_target: list[Tally]
    by_country: list[Tally]

    def status_count(self, status: str) -> int:
        return next((t.count for t in self.by_status if t.key == status), 0)


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
        "tracker:totals:v1:"
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
            )
            .annotate(n=Count("pk"))
        )
        cache.set(key, groups, settings.COUNTER_CACHE_SECONDS)
    statuses: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    target_counts: dict[tuple[str, str], int] = defaultdict(int)
    country_counts: dict[str, int] = defaultdict(int)
    organisations = set()
    for status, kind, slug, name, country, organisation_id, n in groups:
        statuses[status] += n
        kinds[kind] += n
        target_counts[(slug or "", name or "")] += n
        country_counts[country] += n
        organisations.add(organisation_id)
    by_target = [Tally(slug, name, n) for (slug, name), n in target_counts.items()]
    by_target.sort(key=lambda t: (-t.count, t.label))
    by_country = [
        Tally(code, countries.name(code) or code, n) for code, n in country_counts.items() if code
    ]
    by_country.sort(key=lambda t: (-t.count, t.label))
    return CommitmentTotals(
        total=sum(statuses.values()),
        organisations=len(organisations),
        by_status=[Tally(v, str(lbl), statuses.get(v, 0)) for v, lbl in Status.choices],
        by_kind=[Tally(v, str(lbl), kinds.get(v, 0)) for v, lbl in Commitment.Kind.choices],
        by_target=by_target,
        by_country=by_country,
    )


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
class HistoryEntry:
    at: datetime
    status: str
    status_label: str
    note: str = ""
    evidence_url: str = ""
    source: str = ""


def _entry(update: CommitmentUpdate) -> HistoryEntry:
    return HistoryEntry(
        at=update.created_at,
        status=update.status,
        status_label=update.get_status_display(),
        note=update.note,
        evidence_url=update.evidence_url,
        source=update.source,
    )


def histories(commitments: list[Commitment]) -> dict[int, list[HistoryEntry]]:
    """Public history of each commitment, oldest first: the pledge, then accepted updates.

    One query for any number of commitments."""
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
    updates = CommitmentUpdate.objects.filter(
        commitment__in=[c.pk for c in commitments], review=ACCEPTED
    ).order_by("created_at", "pk")
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

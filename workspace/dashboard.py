"""The campaign dashboard: what one campaign has gathered, for staff, on one page.

`/staff/admin/workspace/campaigns/<slug>/dashboard/` (`workspace:campaign_dashboard`), for
staff who may view campaigns and what they gather (Communications, Moderators, Finance),
read-only; other staff get a 403, everyone else is refused as on every workspace page
(`workspace.access`). Drafts have one too; `workspace:dashboards` lists them all.

The figures come from the rows, not from the public tallies: one GROUP BY per figure over a
campaign's rows, on the indexes the apps keep for them (signatures by campaign and status,
and by campaign, status and country; sign-ons and commitment pledges by campaign and
status; donations by campaign and status). The number of queries does not grow with the
data, and the figures are cached for a minute (`CACHE_SECONDS`), so a campaign of a million
signatures costs its aggregates once a minute, whoever looks. Nothing here writes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe
from django_countries import countries

from campaigns.access import access_campaign
from campaigns.models import Campaign
from commitments.models import Commitment, CommitmentPledge
from donations import money, reports
from donations.models import Donation
from lib.locales import format_count
from partners.models import Partner
from pledges.models import ContactConfirmedPledge, OrgPledge, Signature
from workspace.access import staff_page
from workspace.dashboard_charts import Bar, Series, bars_svg, daily_chart_svg

PERMISSION = "campaigns.view_campaign"
# ... and a view of what campaigns gather: Communications, Moderators and Finance hold one,
# Translators (who see campaigns to translate them) none.
GATHERED = (
    "pledges.view_signature",
    "pledges.view_orgpledge",
    "commitments.view_commitmentpledge",
    "donations.view_donation",
)
CACHE_SECONDS = 60
DAYS = 30  # signatures per day: the last 30 days of the campaign (or since it began)
MINIMUM_DAYS = 7  # a young campaign's first day is not one wall-to-wall bar
TOP = 10  # partners and countries shown

SignatureStatus = Signature.Status
PledgeStatus = ContactConfirmedPledge.Status
WAITING = (PledgeStatus.UNCONFIRMED, PledgeStatus.AWAITING_MODERATION)

# The signature statuses drawn per day, bottom up: together they are every signature of the day.
DAILY = [
    (SignatureStatus.CONFIRMED, pgettext_lazy("signatures", "Confirmed"), "#2e7d32"),
    (SignatureStatus.PENDING, pgettext_lazy("signatures", "Waiting for email"), "#d08a00"),
    (SignatureStatus.SUSPECT, pgettext_lazy("signatures", "Suspect, held"), "#c62828"),
    (SignatureStatus.WITHDRAWN, pgettext_lazy("signatures", "Withdrawn"), "#8a8a8a"),
]
PLEDGE_STATUSES = [
    (PledgeStatus.APPROVED, "#2e7d32"),
    (PledgeStatus.AWAITING_MODERATION, "#d08a00"),
    (PledgeStatus.UNCONFIRMED, "#b8a26a"),
    (PledgeStatus.REJECTED, "#c62828"),
    (PledgeStatus.WITHDRAWN, "#8a8a8a"),
]
COMMITMENT_COLOURS = {
    Commitment.Status.PLEDGED: "#417690",
    Commitment.Status.AGREED_TO_REVIEW: "#6a5acd",
    Commitment.Status.IN_PROGRESS: "#d08a00",
    Commitment.Status.FULFILLED: "#2e7d32",
    Commitment.Status.LAPSED: "#c62828",
    Commitment.Status.WITHDRAWN: "#8a8a8a",
}


def may_see_dashboards(user) -> bool:
    return user.has_perm(PERMISSION) and any(user.has_perm(perm) for perm in GATHERED)


# The figures (cached) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    partner: str
    signatures: int = 0  # every status
    confirmed: int = 0
    sign_ons: int = 0  # approved
    gifts: int = 0  # received

    @property
    def brought(self) -> int:
        return self.confirmed + self.sign_ons + self.gifts


@dataclass
class Figures:
    days: list[date] = field(default_factory=list)
    per_day: dict[str, list[int]] = field(default_factory=dict)  # status -> count per day
    signatures: dict[str, int] | None = None  # status -> count, the whole campaign
    sign_ons: dict[str, int] | None = None
    commitment_pledges: dict[str, int] | None = None
    commitments: dict[str, int] | None = None  # of approved pledges, by status
    commitments_waiting: int = 0  # in pledges not approved yet
    money: reports.CampaignMoney | None = None
    referrals: list[Referral] = field(default_factory=list)
    people_by_country: dict[str, int] = field(default_factory=dict)  # confirmed signatures
    organisations_by_country: dict[str, int] = field(default_factory=dict)  # approved
    counted_at: datetime | None = None


def period(campaign: Campaign, *, today: date | None = None) -> tuple[date, date]:
    """The days the daily chart covers: the last DAYS days up to today (or to the close),
    from the campaign's start at the earliest, MINIMUM_DAYS at least."""
    today = today or timezone.localdate()
    end = today
    if campaign.closed_at:
        end = min(today, timezone.localtime(campaign.closed_at).date())
    start = end - timedelta(days=DAYS - 1)
    began = campaign.launched_at or campaign.created_at
    if began:
        start = max(start, timezone.localtime(began).date())
    return min(start, end - timedelta(days=MINIMUM_DAYS - 1)), end


def _by_status(queryset) -> dict[str, int]:
    return dict(
        queryset.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )


def _signature_figures(figures: Figures, campaign: Campaign, start: date, end: date) -> None:
    signatures = Signature.objects.filter(campaign=campaign)
    figures.signatures = _by_status(signatures)
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    per_day: dict[date, dict[str, int]] = defaultdict(dict)
    rows = (
        signatures.filter(created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values_list("day", "status")
        .annotate(n=Count("pk"))
    )
    for day, status, n in rows:
        per_day[day][status] = n
    figures.per_day = {
        status: [per_day[day].get(status, 0) for day in figures.days] for status, *_ in DAILY
    }
    figures.people_by_country = dict(
        signatures.filter(status=SignatureStatus.CONFIRMED)
        .order_by()
        .values_list("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )


def _organisation_figures(figures: Figures, campaign: Campaign) -> None:
    sign_ons = OrgPledge.objects.filter(campaign=campaign)
    figures.sign_ons = _by_status(sign_ons)
    approved = [sign_ons.filter(status=PledgeStatus.APPROVED)]
    if campaign.collects_commitments:
        pledges = CommitmentPledge.objects.filter(campaign=campaign)
        figures.commitment_pledges = _by_status(pledges)
        approved.append(pledges.filter(status=PledgeStatus.APPROVED))
        commitments: dict[str, int] = defaultdict(int)
        rows = (
            Commitment.objects.filter(pledge__campaign=campaign)
            .order_by()
            .values_list("pledge__status", "status")
            .annotate(n=Count("pk"))
        )
        for pledge_status, status, n in rows:
            if pledge_status == PledgeStatus.APPROVED:
                commitments[status] += n
            elif pledge_status in WAITING:
                figures.commitments_waiting += n
        figures.commitments = dict(commitments)
    by_country: dict[str, int] = defaultdict(int)
    for queryset in approved:
        rows = (
            queryset.order_by()
            .values_list("organisation__country")
            .annotate(n=Count("pk"))
            .values_list("organisation__country", "n")
        )
        for code, n in rows:
            by_country[code or ""] += n
    figures.organisations_by_country = dict(by_country)


def _referrals(campaign: Campaign) -> list[Referral]:
    """Partners whose links brought signatures, sign-ons or gifts, the most first."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if campaign.collects_signatures:
        rows = (
            Signature.objects.filter(campaign=campaign, partner__isnull=False)
            .order_by()
            .values("partner_id")
            .annotate(
                signatures=Count("pk"),
                confirmed=Count("pk", filter=Q(status=SignatureStatus.CONFIRMED)),
            )
        )
        for row in rows:
            counts[row["partner_id"]].update(
                signatures=row["signatures"], confirmed=row["confirmed"]
            )
    if campaign.collects_organisations:
        rows = (
            OrgPledge.objects.filter(
                campaign=campaign, partner__isnull=False, status=PledgeStatus.APPROVED
            )
            .order_by()
            .values("partner_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["partner_id"]]["sign_ons"] = row["n"]
    if campaign.collects_donations:
        rows = (
            Donation.objects.filter(
                campaign=campaign, partner__isnull=False, status__in=Donation.RECEIVED
            )
            .order_by()
            .values("partner_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["partner_id"]]["gifts"] = row["n"]
    if not counts:
        return []
    names = dict(Partner.objects.filter(pk__in=counts).values_list("pk", "name"))
    referrals = [Referral(partner=names.get(pk, "?"), **values) for pk, values in counts.items()]
    referrals.sort(key=lambda r: (-r.brought, -r.signatures, r.partner.casefold()))
    return referrals


def count_figures(campaign: Campaign, *, today: date | None = None) -> Figures:
    """Every figure of the dashboard, from the rows; a fixed number of queries."""
    start, end = period(campaign, today=today)
    figures = Figures(days=[start + timedelta(days=i) for i in range((end - start).days + 1)])
    if campaign.collects_signatures:
        _signature_figures(figures, campaign, start, end)
    if campaign.collects_organisations:
        _organisation_figures(figures, campaign)
    if campaign.collects_donations:
        figures.money = reports.campaign_money(campaign, on=end)
    figures.referrals = _referrals(campaign)
    figures.counted_at = timezone.now()
    return figures


def campaign_figures(campaign: Campaign, *, today: date | None = None) -> Figures:
    """`count_figures`, cached for CACHE_SECONDS."""
    key = f"workspace:dashboard:{campaign.pk}:{today or timezone.localdate()}"
    figures = cache.get(key)
    if figures is None:
        figures = count_figures(campaign, today=today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


# What the page shows, in the reader's language ----------------------------------------------


def _legend(series: list[Series]) -> list[dict]:
    return [
        {"key": s.key, "label": s.label, "total": format_count(sum(s.values)), "colour": s.colour}
        for s in series
    ]


def _signatures_panel(figures: Figures) -> dict:
    series = [
        Series(key=status, label=str(label), values=figures.per_day[status], colour=colour)
        for status, label, colour in DAILY
    ]
    drawn = [s for s in series if any(s.values)]
    first, last = figures.days[0], figures.days[-1]
    totals = figures.signatures or {}
    all_days = [sum(s.values[i] for s in series) for i in range(len(figures.days))]
    chart_label = _(
        "Signatures per day from %(start)s to %(end)s, by the day they were signed and in "
        "their status today: %(total)s in all."
    ) % {
        "start": date_format(first),
        "end": date_format(last),
        "total": format_count(sum(all_days)),
    }
    return {
        "chart": daily_chart_svg(figures.days, drawn or series[:1], label=chart_label),
        "legend": _legend(series),
        "all_in_period": format_count(sum(all_days)),
        "totals": [
            {"label": _("All"), "value": format_count(sum(totals.values()))},
            *(
                {"label": str(label), "value": format_count(totals.get(status, 0))}
                for status, label, _colour in DAILY
            ),
        ],
        "rows": [
            [day, format_count(all_days[i]), *(format_count(s.values[i]) for s in series)]
            for i, day in reversed(list(enumerate(figures.days)))
        ],
        "headers": [s.label for s in series],
    }


def _status_bars(counts: dict[str, int], statuses) -> list[Bar]:
    labels = dict(PledgeStatus.choices)
    return [
        Bar(
            name=str(labels[status]),
            value=counts.get(status, 0),
            text=format_count(counts.get(status, 0)),
            key=status,
            colour=colour,
        )
        for status, colour in statuses
    ]


def _organisations_panel(figures: Figures) -> dict:
    groups = []
    for title, counts in (
        (_("Organisational sign-ons"), figures.sign_ons),
        (_("Commitment pledges"), figures.commitment_pledges),
    ):
        if counts is None:
            continue
        approved = counts.get(PledgeStatus.APPROVED, 0)
        waiting = sum(counts.get(s, 0) for s in WAITING)
        groups.append(
            {
                "title": title,
                "approved": format_count(approved),
                "waiting": format_count(waiting),
                # Nothing to draw before the first one arrives.
                "chart": SafeString("")
                if not any(counts.values())
                else bars_svg(
                    _status_bars(counts, PLEDGE_STATUSES),
                    label=_("%(title)s: %(approved)s approved, %(waiting)s waiting")
                    % {
                        "title": title,
                        "approved": format_count(approved),
                        "waiting": format_count(waiting),
                    },
                ),
            }
        )
    return {"groups": groups}


def _commitments_panel(figures: Figures) -> dict:
    counts = figures.commitments or {}
    labels = dict(Commitment.Status.choices)
    bars = [
        Bar(
            name=str(labels[status]),
            value=counts.get(status, 0),
            text=format_count(counts.get(status, 0)),
            key=status,
            colour=colour,
        )
        for status, colour in COMMITMENT_COLOURS.items()
    ]
    total = sum(counts.values())
    return {
        "chart": bars_svg(
            bars,
            label=_("Commitments by status: %(total)s in approved pledges")
            % {"total": format_count(total)},
        ),
        "total": format_count(total),
        "waiting": format_count(figures.commitments_waiting),
        "has_waiting": bool(figures.commitments_waiting),
    }


def _rate_text(line: reports.CurrencyLine, target: str) -> str:
    if line.rate is None or line.currency == target:
        return ""
    return _("1 %(source)s = %(rate)s %(target)s, rate of %(date)s") % {
        "source": line.currency,
        "rate": f"{line.rate.rate.normalize():f}",
        "target": target,
        "date": line.rate.valid_from.isoformat(),
    }


def _money_panel(raised: reports.CampaignMoney) -> dict:
    target = raised.currency
    bars = []
    lines = []
    for line in raised.lines:
        net = money.format_money(line.net_minor, line.currency)
        converted = (
            money.format_money(line.converted_minor, target)
            if line.converted_minor is not None
            else None
        )
        name = money.currency_name(line.currency)
        if converted is not None:
            # The bar's length is the amount in the campaign's currency, its figure too; the
            # name says what came in ("US Dollar (USD): $25.00").
            label = name if line.currency == target else f"{name}: {net}"
            bars.append(Bar(name=label, value=line.converted_minor, text=converted, key="money"))
        lines.append(
            {
                "currency": name,
                "gifts": format_count(line.gifts),
                "received": money.format_money(line.received_minor, line.currency),
                "refunded": money.format_money(line.refunded_minor, line.currency),
                "net": net,
                "converted": converted or _("not converted"),
                "rate": _rate_text(line, target),
            }
        )
    total = money.format_money(raised.total_minor, target)
    return {
        "currency": target,
        "total": total,
        "goal": money.format_money(raised.goal_minor, target) if raised.goal_minor else "",
        "percent": raised.percent,
        "unconverted": money.format_amounts(raised.unconverted_minor),
        "chart": bars_svg(
            bars,
            label=_("Money raised per currency, drawn in %(currency)s: %(total)s in all")
            % {"currency": target, "total": total},
        ),
        "lines": lines,
    }


def _referrals_panel(figures: Figures, campaign: Campaign) -> dict:
    top = figures.referrals[:TOP]
    bars = [Bar(name=r.partner, value=r.brought, text=format_count(r.brought)) for r in top]
    return {
        "chart": bars_svg(bars, label=_("Top referring partners")),
        "rows": [
            {
                "partner": r.partner,
                "signatures": format_count(r.signatures),
                "confirmed": format_count(r.confirmed),
                "sign_ons": format_count(r.sign_ons),
                "gifts": format_count(r.gifts),
                "brought": format_count(r.brought),
            }
            for r in top
        ],
        "more": max(0, len(figures.referrals) - TOP),
        "signatures": campaign.collects_signatures,
        "sign_ons": campaign.collects_organisations,
        "gifts": campaign.collects_donations,
    }


def _countries_panel(figures: Figures) -> dict:
    people, organisations = figures.people_by_country, figures.organisations_by_country
    codes = set(people) | set(organisations)
    rows = sorted(
        (
            (
                countries.name(code) or code or _("Unknown"),
                people.get(code, 0),
                organisations.get(code, 0),
            )
            for code in codes
        ),
        key=lambda row: (-(row[1] + row[2]), row[0]),
    )
    top, rest = rows[:TOP], rows[TOP:]
    bars = [
        Bar(name=name, value=p + o, text=format_count(p + o), key="country") for name, p, o in top
    ]
    return {
        "chart": bars_svg(bars, label=_("Supporters by country")),
        "rows": [
            {"country": name, "people": format_count(p), "organisations": format_count(o)}
            for name, p, o in top
        ],
        "more": len(rest),
        "more_total": format_count(sum(p + o for _name, p, o in rest)),
        "people": bool(people) or figures.signatures is not None,
    }


def dashboard_context(campaign: Campaign, figures: Figures) -> dict:
    """The page's panels, in the active language, from the cached figures."""
    panels = {}
    if figures.signatures is not None:
        panels["signatures"] = _signatures_panel(figures)
    if figures.sign_ons is not None:
        panels["organisations"] = _organisations_panel(figures)
    if figures.commitments is not None:
        panels["commitments"] = _commitments_panel(figures)
    if figures.money is not None:
        panels["money"] = _money_panel(figures.money)
    if campaign.collects_signatures or campaign.collects_organisations:
        panels["countries"] = _countries_panel(figures)
    panels["referrals"] = _referrals_panel(figures, campaign)
    return panels


# The view -------------------------------------------------------------------------------------


@require_safe
@staff_page
def campaign_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    if not may_see_dashboards(request.user):
        raise PermissionDenied
    campaign = access_campaign(request.user, slug)
    figures = campaign_figures(campaign)
    return render(
        request,
        "workspace/dashboard.html",
        {
            **_admin_context(request),
            "title": _("Dashboard: %(campaign)s") % {"campaign": campaign.title},
            "campaign": campaign,
            "figures": figures,
            "panels": dashboard_context(campaign, figures),
            "cache_seconds": CACHE_SECONDS,
            "finance": request.user.has_perm("donations.view_donation_reports"),
        },
    )


@require_safe
@staff_page
def dashboards(request: HttpRequest) -> HttpResponse:
    """Every campaign's dashboard, live ones first."""
    if not may_see_dashboards(request.user):
        raise PermissionDenied
    order = {Campaign.Status.LIVE: 0, Campaign.Status.SCHEDULED: 1, Campaign.Status.DRAFT: 2}
    campaigns = sorted(
        Campaign.objects.only("slug", "title", "kind", "status", "launched_at"),
        key=lambda c: (order.get(c.status, 3), c.title.casefold()),
    )
    return render(
        request,
        "workspace/dashboards.html",
        {**_admin_context(request), "title": _("Campaign dashboards"), "campaigns": campaigns},
    )


def _admin_context(request: HttpRequest) -> dict:
    """The staff area's frame: its header, menu and theme."""
    return admin.site.each_context(request)


def live_campaigns() -> list[Campaign]:
    """The campaigns listed on the staff home, each with its dashboard."""
    return list(
        Campaign.objects.filter(status=Campaign.Status.LIVE)
        .only("slug", "title", "kind", "status")
        .order_by("title")
    )


urlpatterns = [
    path("campaigns/", dashboards, name="dashboards"),
    path("campaigns/<slug:slug>/dashboard/", campaign_dashboard, name="campaign_dashboard"),
]

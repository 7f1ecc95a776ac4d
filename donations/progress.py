"""Money raised for campaigns.progress: one aggregate per figure, derived from the rows."""

from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.progress import Progress
from donations import money
from donations.models import Donation, ExchangeRate


def counted(queryset: QuerySet[Donation] | None = None) -> QuerySet[Donation]:
    """Donations whose money was received (refunds netted out by `net_minor`)."""
    queryset = Donation.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=Donation.RECEIVED)


def rate_for(source: str, target: str, *, on: date | None = None) -> Decimal | None:
    """Target units per source unit from Finance's table, latest on or before `on`."""
    if source == target:
        return Decimal(1)
    on = on or timezone.localdate()
    direct = (
        ExchangeRate.objects.filter(base=source, quote=target, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    inverse = (
        ExchangeRate.objects.filter(base=target, quote=source, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if direct and (not inverse or direct.valid_from >= inverse.valid_from):
        return direct.rate
    if inverse:
        return Decimal(1) / inverse.rate
    return None


def net_by_currency(queryset: QuerySet[Donation]) -> dict[str, int]:
    rows = (
        counted(queryset)
        .values("currency")
        .annotate(net=Sum(F("amount_minor") - F("refunded_minor")))
        .order_by("currency")
    )
    return {row["currency"]: int(row["net"] or 0) for row in rows}


def total_in(by_currency: dict[str, int], currency: str) -> tuple[int, dict[str, int]]:
    """Sum `by_currency` in `currency`. Amounts in a currency without a rate are not guessed:
    they come back on their own, in their currency, for the page to show beside the total."""
    total = 0
    unconverted: dict[str, int] = {}
    for code, amount in by_currency.items():
        rate = rate_for(code, currency)
        if rate is None:
            unconverted[code] = amount
            continue
        total += money.convert_minor(amount, code, currency, rate)
    return total, unconverted


def raised_for_campaign(campaign: Campaign) -> dict:
    """Totals per currency and in the goal's currency, e.g. for the progress bar."""
    donations = Donation.objects.filter(campaign=campaign)
    by_currency = net_by_currency(donations)
    currency = campaign.fundraising_currency or (next(iter(by_currency), "") or "EUR")
    total_minor, unconverted = total_in(by_currency, currency)
    goal = campaign.fundraising_goal_minor
    donors = (
        counted(donations)
        .filter(parent=None)
        .aggregate(n=Count("pk", filter=Q(refunded_minor__lt=F("amount_minor"))))["n"]
    )
    return {
        "by_currency": by_currency,
        "total_minor": total_minor,
        "currency": currency,
        "goal_minor": goal,
        "percent": min(100, total_minor * 100 // goal) if goal else 0,
        "gifts": donors,
        "unconverted": sorted(unconverted),
        # Net amounts left out of `total_minor`, for "plus $25.00 not yet converted".
        "unconverted_minor": {code: n for code, n in sorted(unconverted.items()) if n > 0},
    }


def raised_figure(campaign: Campaign) -> dict:
    """The `raised` figure for `campaigns.figures`."""
    return {"raised": raised_for_campaign(campaign)}


class RaisedText(TypedDict):
    total: str
    goal: str | None
    percent: int
    unconverted: str


def raised_text(
    campaign: Campaign, progress: Progress, *, language: str | None = None
) -> RaisedText | None:
    """The money raised written in `language` (default: the active one): "€250.00", "of
    €1,000.00", and what no exchange rate converts yet ("$25.00 + ¥1,000"); None when the
    campaign collects no donations."""
    if not campaign.collects_donations:
        return None
    raised = progress.raised or {}
    currency = raised.get("currency") or campaign.fundraising_currency
    if not currency:
        return None
    goal = raised.get("goal_minor")
    return {
        "total": money.format_money(raised.get("total_minor", 0), currency, language=language),
        "goal": money.format_money(goal, currency, language=language) if goal else None,
        "percent": raised.get("percent", 0) if goal else 0,
        "unconverted": money.format_amounts(
            raised.get("unconverted_minor") or {}, language=language
        ),
    }

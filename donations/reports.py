"""Finance reports with pandas: tables, CSV/XLSX downloads and server-rendered SVG charts.

The ledger and the reports built on it contain donor data: only views that check the
Finance permission may call them. `campaign_money` is aggregates only (per currency, no
donor), for the campaign dashboard every staff role sees.

Money is never added across currencies without a rate: each report is a table per currency,
and each currency's chart has its own labelled scale. Where one total is wanted (a campaign's
goal), Finance's date-stamped rates convert it, and amounts without a rate are shown apart.

The downloads keep their file names (`REPORT_NAMES`) and column names (README "Donations"):
spreadsheets and scripts rely on them. The page shows the same figures with human headings.
"""

import io
import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape  # escapes text for SVG output; nothing is parsed # nosec B406

import pandas as pd
from babel.numbers import format_decimal
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from donations import money
from donations.models import Donation, ExchangeRate
from lib.encryption import mask_email
from lib.locales import current_locale, format_count
from lib.spreadsheets import neutralise

REPORT_NAMES = (
    "ledger",
    "by_month",
    "by_campaign",
    "by_currency",
    "by_method",
    "by_frequency",
    "refunds",
    "monthly_donors",
    "monthly_recurring",
)
GENERAL_FUND = "General fund"  # in the downloads; the page says it in the reader's language

# What each download is, for people: its heading and one line saying what it holds.
REPORT_TITLES = {
    "ledger": gettext_lazy("Every gift received"),
    "by_month": gettext_lazy("Net raised per month"),
    "by_campaign": gettext_lazy("Net raised per campaign"),
    "by_currency": gettext_lazy("Net raised per currency"),
    "by_method": gettext_lazy("Net raised per payment method"),
    "by_frequency": gettext_lazy("One-off and monthly gifts"),
    "refunds": gettext_lazy("Refunds"),
    "monthly_donors": gettext_lazy("Monthly donors"),
    "monthly_recurring": gettext_lazy("Monthly income from active monthly gifts"),
}
REPORT_DESCRIPTIONS = {
    "ledger": gettext_lazy(
        "One row per gift received, with the donor as far as your permissions allow."
    ),
    "refunds": gettext_lazy("Gifts refunded in part or in full."),
    "monthly_donors": gettext_lazy("Monthly gifts still running, one row per donor."),
}
# Row-level reports (donors by name) are downloads only; the others are shown as tables.
DOWNLOAD_ONLY = ("ledger", "refunds", "monthly_donors")
LEDGER_COLUMNS = [
    "id",
    "date",
    "month",
    "campaign",
    "method",
    "frequency",
    "status",
    "currency",
    "amount_minor",
    "refunded_minor",
    "net_minor",
    "donor_name",
    "email",
    "listed",
    "reference",
    "subscription_active",
    "is_first_charge",
]


def ledger_frame(*, personal: bool = False) -> pd.DataFrame:
    """Every received gift. Donors' names and emails only with `personal` (the personal-data
    permission); otherwise a name only if the donor chose to be listed, the email masked."""
    rows = []
    donations = (
        Donation.objects.filter(status__in=Donation.RECEIVED)
        .select_related("campaign")
        .order_by("succeeded_at", "pk")
    )
    for d in donations:
        when = d.received_on or (d.succeeded_at.date() if d.succeeded_at else None)
        rows.append(
            {
                "id": d.pk,
                "date": when.isoformat() if when else "",
                "month": when.strftime("%Y-%m") if when else "",
                "campaign": d.campaign.title if d.campaign else GENERAL_FUND,
                "method": d.method,
                "frequency": d.frequency,
                "status": d.status,
                "currency": d.currency,
                "amount_minor": d.amount_minor,
                "refunded_minor": d.refunded_minor,
                "net_minor": d.amount_minor - d.refunded_minor,
                "donor_name": d.donor_name if personal or d.public_listing else "",
                "email": d.email if personal else mask_email(d.email),
                "listed": d.public_listing,
                "reference": d.offline_reference
                or d.mpesa_receipt_number
                or d.stripe_payment_intent_id,
                "subscription_active": bool(
                    d.frequency == Donation.Frequency.MONTHLY
                    and d.parent_id is None
                    and d.stripe_subscription_id
                    and d.subscription_ended_at is None
                ),
                "is_first_charge": d.parent_id is None,
            }
        )
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)


def _with_major(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Add major-unit columns (as exact decimals) next to the minor-unit sums."""
    frame = frame.copy()
    for column in columns:
        frame[column.removesuffix("_minor")] = [
            str(money.from_minor(int(v), c))
            for v, c in zip(frame[column], frame["currency"], strict=True)
        ]
    return frame


def _summary(ledger: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = (
        ledger.groupby([*keys, "currency"], dropna=False)
        .agg(
            gifts=("id", "count"),
            amount_minor=("amount_minor", "sum"),
            refunded_minor=("refunded_minor", "sum"),
            net_minor=("net_minor", "sum"),
        )
        .reset_index()
    )
    return _with_major(grouped, ["amount_minor", "refunded_minor", "net_minor"])


def build_reports(*, personal: bool = False) -> dict[str, pd.DataFrame]:
    ledger = ledger_frame(personal=personal)
    refunds = ledger[ledger["refunded_minor"] > 0]
    monthly = ledger[ledger["subscription_active"].astype(bool)]
    recurring = (
        monthly.groupby("currency")
        .agg(donors=("id", "count"), monthly_total_minor=("amount_minor", "sum"))
        .reset_index()
    )
    recurring = _with_major(recurring, ["monthly_total_minor"])
    return {
        "ledger": _with_major(ledger, ["amount_minor", "refunded_minor", "net_minor"]),
        "by_month": _summary(ledger, ["month"]),
        "by_campaign": _summary(ledger, ["campaign"]),
        "by_currency": _summary(ledger, []),
        "by_method": _summary(ledger, ["method"]),
        "by_frequency": _summary(ledger, ["frequency"]),
        "refunds": _with_major(refunds, ["amount_minor", "refunded_minor"])[
            ["id", "date", "campaign", "method", "currency", "amount", "refunded", "donor_name"]
        ],
        "monthly_donors": _with_major(monthly, ["amount_minor"])[
            ["id", "date", "campaign", "currency", "amount", "donor_name", "email"]
        ],
        "monthly_recurring": recurring,
    }


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame


def to_csv(frame: pd.DataFrame) -> str:
    return safe_frame(frame).to_csv(index=False)


def to_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    safe_frame(frame).to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


# Exchange rates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    rate: Decimal  # target units per source unit
    valid_from: date


class RateBook:
    """Finance's date-stamped rate table, read in one query, choosing exactly as
    `donations.progress.rate_for` does: the latest rate on or before the day, direct or
    inverse, the newer of the two (direct on the same day)."""

    def __init__(self, rows: list[tuple[str, str, date, Decimal]]):
        self._rows: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
        for base, quote, valid_from, rate in sorted(rows, key=lambda row: row[2]):
            self._rows[(base, quote)].append((valid_from, rate))

    @classmethod
    def load(cls) -> "RateBook":
        return cls(list(ExchangeRate.objects.values_list("base", "quote", "valid_from", "rate")))

    def _latest(self, base: str, quote: str, on: date) -> tuple[date, Decimal] | None:
        rows = self._rows.get((base, quote), [])
        index = bisect_right([valid_from for valid_from, _rate in rows], on)
        return rows[index - 1] if index else None

    def rate(self, source: str, target: str, *, on: date | None = None) -> Rate | None:
        on = on or timezone.localdate()
        if source == target:
            return Rate(Decimal(1), on)
        direct = self._latest(source, target, on)
        inverse = self._latest(target, source, on)
        if direct and (not inverse or direct[0] >= inverse[0]):
            return Rate(direct[1], direct[0])
        if inverse:
            return Rate(Decimal(1) / inverse[1], inverse[0])
        return None


# A campaign's money, for the dashboard --------------------------------------------------


@dataclass(frozen=True)
class CurrencyLine:
    currency: str
    gifts: int
    received_minor: int
    refunded_minor: int
    net_minor: int
    converted_minor: int | None  # in the campaign's currency; None without a rate
    rate: Rate | None


@dataclass(frozen=True)
class CampaignMoney:
    currency: str  # the goal's, or the one most was raised in
    goal_minor: int | None
    total_minor: int  # the lines with a rate, converted
    lines: list[CurrencyLine] = field(default_factory=list)

    @property
    def unconverted_minor(self) -> dict[str, int]:
        """Net amounts no rate converts: shown beside the total, never dropped or guessed."""
        return {
            line.currency: line.net_minor
            for line in self.lines
            if line.converted_minor is None and line.net_minor
        }

    @property
    def percent(self) -> int:
        return min(100, self.total_minor * 100 // self.goal_minor) if self.goal_minor else 0


def campaign_money(campaign: Campaign, *, on: date | None = None) -> CampaignMoney:
    """Gifts received for `campaign` per currency (refunds netted out), each converted into
    the goal's currency with the rate of `on` (today). Two queries, whatever the data."""
    rows = list(
        Donation.objects.filter(campaign=campaign, status__in=Donation.RECEIVED)
        .values("currency")
        .annotate(gifts=Count("pk"), received=Sum("amount_minor"), refunded=Sum("refunded_minor"))
        .order_by("currency")
    )
    book = RateBook.load()
    currency = campaign.fundraising_currency or (
        max(rows, key=lambda r: r["received"] - r["refunded"])["currency"] if rows else "EUR"
    )
    lines = []
    for row in rows:
        net = int(row["received"]) - int(row["refunded"])
        rate = book.rate(row["currency"], currency, on=on)
        converted = money.convert_minor(net, row["currency"], currency, rate.rate) if rate else None
        lines.append(
            CurrencyLine(
                currency=row["currency"],
                gifts=row["gifts"],
                received_minor=int(row["received"]),
                refunded_minor=int(row["refunded"]),
                net_minor=net,
                converted_minor=converted,
                rate=rate,
            )
        )
    return CampaignMoney(
        currency=currency,
        goal_minor=campaign.fundraising_goal_minor,
        total_minor=sum(line.converted_minor or 0 for line in lines),
        lines=lines,
    )


# The page: the same figures with human headings, one table per currency -----------------


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]  # the first cell names the row; the others are figures
    footer: list[str] | None = None
    chart: SafeString | None = None  # the same figures drawn, above the table


@dataclass(frozen=True)
class Section:
    name: str  # the download's name, e.g. "by_month"
    title: str
    description: str
    rows: int
    tables: list[Table] = field(default_factory=list)

    @property
    def download_only(self) -> bool:
        return self.name in DOWNLOAD_ONLY


def _month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return date_format(date(year, number, 1), "YEAR_MONTH_FORMAT")


def _key_label(name: str, value) -> str:
    if name == "month":
        return _month_label(value) if value else "—"
    if name == "campaign":
        return _("General fund") if value == GENERAL_FUND else str(value)
    if name == "method":
        return str(Donation.Method(value).label) if value in Donation.Method.values else value
    if name == "frequency":
        labels = dict(Donation.Frequency.choices)
        return str(labels.get(value, value))
    return str(value)


KEY_HEADINGS = {
    "month": gettext_lazy("Month"),
    "campaign": gettext_lazy("Campaign"),
    "method": gettext_lazy("Payment method"),
    "frequency": gettext_lazy("How often"),
}


def _money_headers() -> list[str]:
    return [_("Gifts"), _("Received"), _("Refunded"), _("Net")]


def _summary_tables(frame: pd.DataFrame, key: str, *, charts: bool = False) -> list[Table]:
    """One table per currency: a row per value of `key`, and the currency's total; with
    `charts` (months), each currency's chart of the same figures."""
    tables = []
    ascending = key != "month"  # the latest month first
    for currency in sorted(frame["currency"].unique()):
        part = frame[frame["currency"] == currency].sort_values(key, ascending=ascending)
        rows = [
            [
                _key_label(key, row[key]),
                format_count(int(row["gifts"])),
                money.format_money(int(row["amount_minor"]), currency),
                money.format_money(int(row["refunded_minor"]), currency),
                money.format_money(int(row["net_minor"]), currency),
            ]
            for _index, row in part.iterrows()
        ]
        footer = [
            _("Total"),
            format_count(int(part["gifts"].sum())),
            *(
                money.format_money(int(part[column].sum()), currency)
                for column in ("amount_minor", "refunded_minor", "net_minor")
            ),
        ]
        tables.append(
            Table(
                caption=money.currency_name(currency),
                headers=[str(KEY_HEADINGS[key]), *_money_headers()],
                rows=rows,
                footer=footer if len(rows) > 1 else None,
                # The SVG is built with format_html: every text in it is escaped.
                chart=SafeString(monthly_chart_svg(currency=currency, by_month=frame))  # nosec B703
                if charts
                else None,
            )
        )
    return tables


def _currency_table(frame: pd.DataFrame) -> Table:
    return Table(
        caption=_("Each currency on its own, before any exchange rate."),
        headers=[_("Currency"), *_money_headers()],
        rows=[
            [
                money.currency_name(row["currency"]),
                format_count(int(row["gifts"])),
                money.format_money(int(row["amount_minor"]), row["currency"]),
                money.format_money(int(row["refunded_minor"]), row["currency"]),
                money.format_money(int(row["net_minor"]), row["currency"]),
            ]
            for _index, row in frame.sort_values("currency").iterrows()
        ],
    )


def _recurring_table(frame: pd.DataFrame) -> Table:
    return Table(
        caption=_("Active monthly gifts, each currency on its own."),
        headers=[_("Currency"), _("Monthly gifts"), _("Per month")],
        rows=[
            [
                money.currency_name(row["currency"]),
                format_count(int(row["donors"])),
                money.format_money(int(row["monthly_total_minor"]), row["currency"]),
            ]
            for _index, row in frame.sort_values("currency").iterrows()
        ],
    )


def report_sections(tables: dict[str, pd.DataFrame]) -> list[Section]:
    """The reports as the page shows them, in the active language."""
    sections = []
    for name in REPORT_NAMES:
        frame = tables[name]
        shown: list[Table] = []
        if name in ("by_month", "by_campaign", "by_method", "by_frequency"):
            shown = _summary_tables(frame, name.removeprefix("by_"), charts=name == "by_month")
        elif name == "by_currency":
            shown = [_currency_table(frame)] if len(frame) else []
        elif name == "monthly_recurring":
            shown = [_recurring_table(frame)] if len(frame) else []
        sections.append(
            Section(
                name=name,
                title=str(REPORT_TITLES[name]),
                description=str(REPORT_DESCRIPTIONS.get(name, "")),
                rows=len(frame),
                tables=shown,
            )
        )
    return sections


# The chart: net raised per month, one panel per currency, each on its own scale ----------

CHART_WIDTH = 640
PANEL_HEIGHT = 180
FONT_SIZE = 11
LEFT = 78  # room for the scale's labels ("12,500,000")
RIGHT = 8
TOP = 24  # the currency's code above the plot
BOTTOM = 22  # the months under it
# A generous width for a month label ("2026-11") at FONT_SIZE, and the space between two.
MONTH_LABEL_WIDTH = 7 * FONT_SIZE * 0.6 + 8
MAX_BAR = 40  # a few months are a few bars, not slabs
BAR_COLOUR = "#3b78b8"  # readable on the admin's light and dark backgrounds


def _nice_step(peak: Decimal) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four steps to `peak`."""
    if peak <= 0:
        return Decimal(1)
    rough = float(peak) / 4
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if rough <= factor * power:
            return Decimal(str(factor)) * Decimal(str(power))
    return Decimal(10 * power)  # pragma: no cover - the loop always returns


def _scale_label(value: Decimal) -> str:
    places = max(0, -value.normalize().as_tuple().exponent)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=current_locale())


def _panel(months: list[tuple[str, int]], currency: str, *, top: float) -> list[str]:
    """One currency's bars, its scale on the left (in the currency's major units) and its
    months below, all within CHART_WIDTH × PANEL_HEIGHT from `top`. Every label names its
    direction: the figures and months read left to right in every language, as time runs."""
    plot_top = top + TOP
    plot_bottom = top + PANEL_HEIGHT - BOTTOM
    plot_height = plot_bottom - plot_top
    plot_width = CHART_WIDTH - LEFT - RIGHT
    peak = max((money.from_minor(n, currency) for _m, n in months), default=Decimal(0))
    step = _nice_step(peak)
    steps = max(1, math.ceil(peak / step)) if peak > 0 else 1
    scale_top = step * steps
    text = f'font-size="{FONT_SIZE}" direction="ltr" fill="currentColor"'
    parts = [
        f'<text x="0" y="{top + 14}" {text} text-anchor="start" font-weight="bold">'
        f"{escape(currency)}</text>"
    ]
    for i in range(steps + 1):
        y = plot_bottom - plot_height * i / steps
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{CHART_WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="{0.6 if i == 0 else 0.15}"/>'
            f'<text x="{LEFT - 6}" y="{y + FONT_SIZE * 0.35:.1f}" {text} text-anchor="end">'
            f"{escape(_scale_label(step * i))}</text>"
        )
    if not months:
        return parts
    slot = plot_width / len(months)
    bar = min(MAX_BAR, max(1.0, slot * 0.8))
    every = max(1, math.ceil(MONTH_LABEL_WIDTH / slot))
    half_label = MONTH_LABEL_WIDTH / 2
    last = len(months) - 1
    for i, (month, net_minor) in enumerate(months):
        value = money.from_minor(max(0, net_minor), currency)
        height = float(plot_height * value / scale_top) if scale_top else 0.0
        x = LEFT + i * slot + (slot - bar) / 2
        label = escape(f"{month}: {money.format_money(int(net_minor), currency)}")
        parts.append(
            f'<rect x="{x:.1f}" y="{plot_bottom - height:.1f}" width="{bar:.1f}" '
            f'height="{height:.1f}" fill="{BAR_COLOUR}"><title>{label}</title></rect>'
        )
        # The latest month is always labelled; the others as often as they fit.
        if (last - i) % every == 0:
            centre = min(max(x + bar / 2, half_label), CHART_WIDTH - half_label)
            parts.append(
                f'<text x="{centre:.1f}" y="{top + PANEL_HEIGHT - 6}" {text} '
                f'text-anchor="middle">{escape(month)}</text>'
            )
    return parts


def _month_range(months) -> list[str]:
    """Every month from the first to the last of `months` ("2026-01" … "2026-04"): a month
    without gifts is a month at zero, not a month left out."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = (int(part) for part in first.split("-"))
    out = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        out.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def monthly_chart_svg(
    *, currency: str | None = None, months: int = 36, by_month: pd.DataFrame | None = None
) -> str:
    """Net raised per month over the last `months` months with gifts: one panel per
    currency (or only `currency`), each with its own scale in that currency's units, so a
    euro bar is never drawn beside a dollar bar as if they were equal. `by_month`: the
    "by_month" report when the caller has it already."""
    if by_month is None:
        by_month = _summary(ledger_frame(), ["month"])
    currencies = sorted(by_month["currency"].unique())
    if currency is not None:
        currencies = [c for c in currencies if c == currency]
    title = escape(_("Net raised per month"))
    height = PANEL_HEIGHT * max(1, len(currencies))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'class="chart" role="img" aria-label="{title}'
        f'{escape(": " + ", ".join(currencies)) if currencies else ""}">',
        f"<title>{title}</title>",
    ]
    for index, code in enumerate(currencies):
        rows = by_month[by_month["currency"] == code]
        net = {str(r.month): int(r.net_minor) for r in rows.itertuples(index=False) if r.month}
        series = [(month, net.get(month, 0)) for month in _month_range(net)][-months:]
        parts.extend(_panel(series, code, top=index * PANEL_HEIGHT))
    if not currencies:
        parts.append(
            f'<text x="{CHART_WIDTH / 2}" y="{PANEL_HEIGHT / 2}" text-anchor="middle" '
            f'fill="currentColor">{escape(_("No donations yet"))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

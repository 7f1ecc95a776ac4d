"""Finance reports with pandas: tables, CSV/XLSX downloads and a server-rendered SVG chart.

These contain donor data: only views that check the Finance permission may call them.
"""

import io
from xml.sax.saxutils import escape  # escapes text for SVG output; nothing is parsed # nosec B406

import pandas as pd
from django.utils.translation import gettext as _

from donations import money
from donations.models import Donation
from lib.encryption import mask_email
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
GENERAL_FUND = "General fund"
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
                "reference": d.offline_reference or d.stripe_payment_intent_id,
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


def monthly_chart_svg(*, width: int = 640, height: int = 280) -> str:
    """Net raised per month, one bar per month and currency, drawn on the server."""
    by_month = _summary(ledger_frame(), ["month"]).sort_values(["month", "currency"])
    by_month = by_month.tail(36)
    title = escape(_("Net raised per month"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
        f'<line x1="40" y1="{height - 40}" x2="{width - 10}" y2="{height - 40}" stroke="#55565c"/>',
    ]
    if len(by_month):
        palette = ["#0b5d3b", "#2f6fb0", "#b0602f", "#7a3fa0", "#8a8a2a"]
        currencies = sorted(by_month["currency"].unique())
        colour = {c: palette[i % len(palette)] for i, c in enumerate(currencies)}
        # Each currency is scaled on its own: bars compare months, not currencies.
        peak = by_month.groupby("currency")["net_minor"].max().to_dict()
        slot = (width - 50) / len(by_month)
        bar = max(2.0, slot * 0.8)
        plot = height - 70
        for i, row in enumerate(by_month.itertuples(index=False)):
            top = peak[row.currency] or 1
            h = plot * max(0, int(row.net_minor)) / top
            x = 45 + i * slot
            y = height - 40 - h
            label = escape(f"{row.month}: {money.format_money(int(row.net_minor), row.currency)}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour[row.currency]}"><title>{label}</title></rect>'
            )
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 25}" font-size="9" '
                f'text-anchor="middle">{escape(str(row.month))}</text>'
            )
        for j, code in enumerate(currencies):
            parts.append(
                f'<rect x="{45 + j * 70}" y="8" width="10" height="10" fill="{colour[code]}"/>'
                f'<text x="{60 + j * 70}" y="17" font-size="11">{escape(code)}</text>'
            )
    else:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">'
            f"{escape(_('No donations yet'))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

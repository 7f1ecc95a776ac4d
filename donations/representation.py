"""Public shapes of money: a campaign's fundraising figures and the open books.

Amounts are decimal strings in their currency (`money.decimal_string`); never a donor's
name or email address. The API's serializers are generated from these declarations
(see campaigns/representation.py). `raised_text` is the same figures written for people
(`money.format_money`), for the embeds that show them in a language.
"""

from typing import TypedDict

from campaigns.models import Campaign
from campaigns.progress import Progress
from donations import money


class Amount(TypedDict):
    currency: str
    total_amount: str


class Fundraising(TypedDict):
    currency: str | None
    total_amount: str | None
    goal_amount: str | None
    percent: int | None
    gifts: int
    unconverted: list[str]
    by_currency: list[Amount]


def fundraising_payload(campaign: Campaign, progress: Progress) -> Fundraising | None:
    """Money raised, from donations.progress.raised_for_campaign's figures; None when the
    campaign collects no donations."""
    if not campaign.collects_donations:
        return None
    raised = progress.raised or {}
    by_currency = raised.get("by_currency") or {}
    currency = raised.get("currency") or campaign.fundraising_currency or None
    goal = raised.get("goal_minor")
    total = raised.get("total_minor", 0)
    return {
        "currency": currency,
        "total_amount": money.decimal_string(total, currency) if currency else None,
        "goal_amount": money.decimal_string(goal, currency) if currency and goal else None,
        "percent": raised.get("percent", 0) if goal else None,
        "gifts": raised.get("gifts", 0),
        "unconverted": list(raised.get("unconverted") or []),
        "by_currency": [
            {"currency": code, "total_amount": money.decimal_string(amount, code)}
            for code, amount in sorted(by_currency.items())
        ],
    }


class MonthTotal(TypedDict):
    month: str | None
    currency: str
    total_amount: str
    gifts: int


class CampaignTotal(TypedDict):
    campaign: str | None
    title: str | None
    currency: str
    total_amount: str
    gifts: int


class RefundTotal(TypedDict):
    currency: str
    total_amount: str
    gifts: int


class OpenBooks(TypedDict):
    donors: int
    gifts: int
    by_month: list[MonthTotal]
    by_campaign: list[CampaignTotal]
    refunds: list[RefundTotal]


def open_books_payload(books) -> OpenBooks:
    """The public ledger's figures (donations.queries.open_books); never a donor's name."""
    return {
        "donors": books.donors,
        "gifts": books.gifts,
        "by_month": [
            {
                "month": row["month"].strftime("%Y-%m") if row["month"] else None,
                "currency": row["currency"],
                "total_amount": money.decimal_string(row["net"] or 0, row["currency"]),
                "gifts": row["gifts"],
            }
            for row in books.by_month
        ],
        "by_campaign": [
            {
                "campaign": row["campaign__slug"],
                "title": row["campaign__title"],
                "currency": row["currency"],
                "total_amount": money.decimal_string(row["net"] or 0, row["currency"]),
                "gifts": row["gifts"],
            }
            for row in books.by_campaign
        ],
        "refunds": [
            {
                "currency": row["currency"],
                "total_amount": money.decimal_string(row["refunded"] or 0, row["currency"]),
                "gifts": row["count"],
            }
            for row in books.refunds
        ],
    }

"""Reads for the public pages: the open books (aggregates only, never a donor who did not opt
in) and the offline ways to give on the donate pages."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from donations import money
from donations.models import GivingMethod
from donations.progress import counted
from partners.models import Partner


@dataclass(frozen=True)
class OpenBooks:
    by_month: list[dict]
    by_campaign: list[dict]
    by_currency: list[dict]
    refunds: list[dict]
    donors: int
    gifts: int
    listed_donors: list[str]


NET = Sum(F("amount_minor") - F("refunded_minor"))


def donor_count() -> int:
    """People who gave: one per mailbox (its keyed hash, kept after the address is forgotten),
    plus each gift given without an email."""
    received = counted().filter(parent=None)
    with_email = received.exclude(email_hash="").values("email_hash").distinct().count()
    return with_email + received.filter(email_hash="").count()


def open_books() -> OpenBooks:
    received = counted()
    by_month = list(
        received.annotate(month=TruncMonth("succeeded_at"))
        .values("month", "currency")
        .annotate(net=NET, gifts=Count("pk"))
        .order_by("-month", "currency")
    )
    by_campaign = list(
        received.values("campaign__slug", "campaign__title", "currency")
        .annotate(net=NET, gifts=Count("pk"))
        .order_by("campaign__title", "currency")
    )
    # Each currency on its own: an exchange rate is Finance's estimate, these are the books.
    by_currency = list(
        received.values("currency")
        .annotate(net=NET, gifts=Count("pk"), refunded=Sum("refunded_minor"))
        .order_by("currency")
    )
    refunds = list(
        received.filter(refunded_minor__gt=0)
        .values("currency")
        .annotate(refunded=Sum("refunded_minor"), count=Count("pk"))
        .order_by("currency")
    )
    # Names are encrypted, so they are sorted here, after decryption, not by the database.
    listed = sorted(
        set(
            received.filter(public_listing=True, parent=None)
            .exclude(donor_name="")
            .exclude(Q(refunded_minor__gte=F("amount_minor")))
            .values_list("donor_name", flat=True)
        )
        - {""},
        key=str.casefold,
    )
    return OpenBooks(
        by_month=by_month,
        by_campaign=by_campaign,
        by_currency=by_currency,
        refunds=refunds,
        donors=donor_count(),
        gifts=received.count(),
        listed_donors=list(listed),
    )


def partner_gift_counts(partner: Partner) -> dict[int | None, int]:
    """Per campaign id (None: the general fund): received gifts `partner` brought.

    A count only: never an amount, a name or an address of a donor.
    """
    rows = (
        counted()
        .filter(partner=partner, parent=None)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["campaign_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class WayToGive:
    """A giving method as a donor reads it: texts in the page's language."""

    method: GivingMethod
    label: str
    instructions: str


def ways_to_give(language: str | None) -> list[WayToGive]:
    """The active offline ways to give, in Finance's order (two queries)."""
    methods = GivingMethod.objects.filter(active=True).prefetch_related("translations")
    return [WayToGive(m, *m.text(language)) for m in methods]


def offline_gift_currencies() -> list[str]:
    """Currencies Finance may record an offline gift in: those offered for card gifts and
    those of every way to give it ever published (a KES paybill brings shillings, and a
    transfer can still arrive after the method is hidden)."""
    published = (
        GivingMethod.objects.exclude(currency="")
        .values_list("currency", flat=True)
        .distinct()
        .order_by("currency")
    )
    out = money.supported_currencies()
    return out + [code for code in published if code not in out]

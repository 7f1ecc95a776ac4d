"""Reads: the names listed from paper sheets, for the public list and the staff pages."""

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from campaigns.models import Campaign
from paper.models import PaperSigner
from pledges.queries import PAGE_SIZE, Page, keyset_page

# The signatory page shows this many names from paper; the paper list has the rest.
SECTION_SIZE = 20


def listed_signers(campaign: Campaign, *, name: str = "", country: str = "") -> QuerySet:
    """Names from counted batches, as the public list shows them (name and country only)."""
    signers = PaperSigner.objects.filter(campaign=campaign, listed=True).only(
        "pk", "name", "country"
    )
    if name:
        signers = signers.filter(name__icontains=name)
    if country:
        signers = signers.filter(country=country)
    return signers


def listed_page(
    campaign: Campaign,
    *,
    name: str = "",
    country: str = "",
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    signers = listed_signers(campaign, name=name, country=country)
    return keyset_page(signers, before=before, size=size)


def signatory_section(campaign: Campaign, *, name: str, country: str, kind: str) -> dict | None:
    """The "Signed on paper" section of the public signatory list (`pledges.queries`): the
    newest names, a link to the rest. Nothing when individuals are filtered out or no name
    from paper matches."""
    if kind and kind != "individual":
        return None
    page = listed_page(campaign, name=name, country=country, size=SECTION_SIZE)
    filters = {k: v for k, v in (("q", name), ("country", country)) if v}
    if not page.items:
        return None
    return {
        "template": "paper/signatories_section.html",
        "campaign": campaign,
        "page": page,
        "more_url": reverse("paper:signatories", kwargs={"slug": campaign.slug})
        + (("?" + urlencode(filters)) if filters else ""),
    }

"""Organisations: one record per website domain, reused by every campaign it signs.

An organisation is created only when a contact confirms a pledge for it (`materialise`);
until then a new organisation's details wait on the pledge (`propose`). Known organisations
are found by domain and keep their moderated public details.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from pledges.models import ContactConfirmedPledge, Organisation

NAME_NOISE = {"the", "a", "an", "of", "and", "ltd", "inc", "gmbh", "ev", "e", "v", "asbl", "sa"}


def organisation_name_key(name: str) -> str:
    """A loose key for spotting duplicates: case-folded words without punctuation or noise."""
    words = re.findall(r"\w+", name.casefold())
    return " ".join(w for w in words if w not in NAME_NOISE)[:160]


def website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").casefold().rstrip(".")
    return host.removeprefix("www.")


@dataclass(frozen=True)
class OrgSignOnData:
    name: str
    kind: str
    country: str
    website: str
    contact_name: str
    contact_email: str
    contact_language: str
    logo_png: bytes | None = None


def known_organisation(website: str) -> Organisation | None:
    """The organisation already known by this website's domain, if any."""
    domain = website_domain(website)
    return Organisation.objects.filter(domain=domain).first() if domain else None


def propose(pledge: ContactConfirmedPledge, data: OrgSignOnData) -> None:
    """Keep a new organisation's details on the (unsaved) pledge until its contact confirms.

    Checked now, so a proposal that could not become an organisation is a form error today,
    not a failure at confirmation."""
    proposed = Organisation(
        name=data.name.strip(),
        name_key=organisation_name_key(data.name),
        kind=data.kind,
        country=data.country,
        website=data.website,
        domain=website_domain(data.website),
    )
    proposed.full_clean(exclude=["logo"], validate_constraints=False)
    pledge.proposed_organisation = {
        "name": proposed.name,
        "kind": proposed.kind,
        "country": str(proposed.country),
        "website": proposed.website,
        "domain": proposed.domain,
    }
    if data.logo_png:
        pledge.proposed_logo.save(
            f"{proposed.domain or 'logo'}.png", ContentFile(data.logo_png), save=False
        )


def materialise(pledge: ContactConfirmedPledge) -> Organisation:
    """The contact confirmed: the proposed organisation becomes a record (or, if another
    contact's confirmation created it meanwhile, the pledge joins that one). Call inside the
    caller's transaction, the pledge locked."""
    proposed = pledge.proposed_organisation
    logo = pledge.proposed_logo.read() if pledge.proposed_logo else None
    organisation = find_or_create_organisation(
        OrgSignOnData(
            name=proposed["name"],
            kind=proposed["kind"],
            country=proposed["country"],
            website=proposed["website"],
            contact_name="",
            contact_email="",
            contact_language="",
            logo_png=logo,
        )
    )
    if pledge.proposed_logo:
        pledge.proposed_logo.delete(save=False)
    pledge.organisation = organisation
    pledge.proposed_organisation = {}
    return organisation


def find_or_create_organisation(data: OrgSignOnData) -> Organisation:
    """The organisation known by the website's domain, or a new one from `data`.

    Public details of a known organisation are only changed by moderators. Call inside
    the caller's transaction."""
    organisation = known_organisation(data.website)
    if organisation is not None:
        return organisation
    domain = website_domain(data.website)
    organisation = Organisation(
        name=data.name.strip(),
        name_key=organisation_name_key(data.name),
        kind=data.kind,
        country=data.country,
        website=data.website,
        domain=domain,
    )
    organisation.full_clean(exclude=["logo"], validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        return Organisation.objects.get(domain=domain)
    if data.logo_png:
        organisation.logo.save(
            f"{domain or organisation.pk}.png", ContentFile(data.logo_png), save=True
        )
    return organisation

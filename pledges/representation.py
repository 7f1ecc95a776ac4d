"""Public shapes of signers and organisations, for the API, open data and partner events.

Only public fields: never a contact person, and a signer's email only in `Signer`, for
the partner the signer agreed to share it with. The API's serializers are generated from
these declarations (see campaigns/representation.py).
"""

from typing import NotRequired, TypedDict

from django.conf import settings

from campaigns.representation import DateTime, Email, Url, iso


class PublicOrganisation(TypedDict):
    name: str
    kind: str
    country: str
    website: Url
    logo_url: Url | None


def organisation_payload(organisation) -> PublicOrganisation:
    """An organisation's public details: never its contact person."""
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country.code or "",
        "website": organisation.website,
        "logo_url": settings.SITE_URL + organisation.logo.url if organisation.logo else None,
    }


class PublicIndividual(TypedDict):
    name: str
    country: str
    affiliation: str


def individual_payload(signature) -> PublicIndividual:
    """A listed signer: name, country and affiliation, nothing else."""
    return {
        "name": signature.listed_name,
        "country": signature.country.code or "",
        "affiliation": signature.affiliation,
    }


class OrganisationPage(TypedDict):
    results: list[PublicOrganisation]
    next: Url | None


class IndividualPage(TypedDict):
    results: list[PublicIndividual]
    next: Url | None


class Signatories(TypedDict):
    """A campaign's public lists; a list is None when the filters leave it out."""

    campaign: str
    organisations: OrganisationPage | None
    individuals: IndividualPage | None


class Signer(TypedDict):
    id: int
    campaign: str
    name: str
    email: Email
    country: str
    affiliation: str
    language: str
    confirmed_at: DateTime | None


def signer_payload(signature) -> Signer:
    """A signer who agreed to share their details with the partner who brought them."""
    return {
        "id": signature.pk,
        "campaign": signature.campaign.slug,
        "name": signature.name,
        "email": signature.email,
        "country": signature.country.code or "",
        "affiliation": signature.affiliation,
        "language": signature.language,
        "confirmed_at": iso(signature.confirmed_at),
    }


class SignerPage(TypedDict):
    results: list[Signer]
    next: Url | None


class SignatureConfirmed(TypedDict):
    """The data of a `signature.confirmed` event."""

    shared_with_partner: bool
    confirmed_at: DateTime | None
    signer: NotRequired[Signer]


def confirmed_signature_payload(signature) -> SignatureConfirmed:
    """`signature.confirmed` data: who the signer is only if they agreed to share it."""
    data: SignatureConfirmed = {
        "shared_with_partner": signature.shared_with_partner,
        "confirmed_at": iso(signature.confirmed_at),
    }
    if signature.shared_with_partner:
        data["signer"] = signer_payload(signature)
    return data

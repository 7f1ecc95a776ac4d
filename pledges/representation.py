"""Public shapes of signers and organisations, for the API, open data and partner events.

Only public fields: never a contact person, and a signer's email only in `signer_payload`,
for the partner the signer agreed to share it with.
"""

from django.conf import settings


def iso(value) -> str | None:
    return value.isoformat() if value else None


def organisation_payload(organisation) -> dict:
    """An organisation's public details: never its contact person."""
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country.code or "",
        "website": organisation.website,
        "logo_url": settings.SITE_URL + organisation.logo.url if organisation.logo else None,
    }


def individual_payload(signature) -> dict:
    """A listed signer: name, country and affiliation, nothing else."""
    return {
        "name": signature.name,
        "country": signature.country.code or "",
        "affiliation": signature.affiliation,
    }


def confirmed_signature_payload(signature) -> dict:
    """`signature.confirmed` data: who the signer is only if they agreed to share it."""
    data = {
        "shared_with_partner": signature.shared_with_partner,
        "confirmed_at": iso(signature.confirmed_at),
    }
    if signature.shared_with_partner:
        data["signer"] = signer_payload(signature)
    return data


def signer_payload(signature) -> dict:
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

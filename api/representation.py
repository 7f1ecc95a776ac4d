"""Public shapes of campaigns and progress, shared by the API, the embeds and open data.

Field names follow the Open Supporter Data Interface where a concept exists there
(`title`, `browser_url`, `total_signatures`, `total_amount`, `currency`); see docs/api.md.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import translation

from campaigns.models import Campaign
from campaigns.progress import Figure, Progress

# ISO 4217 exponents that are not 2. To be replaced by donations' money helper when it lands.
_ZERO_DECIMAL = "BIF CLP DJF GNF ISK JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMAL = "BHD IQD JOD KWD LYD OMR TND"
_EXPONENTS = dict.fromkeys(_ZERO_DECIMAL.split(), 0) | dict.fromkeys(_THREE_DECIMAL.split(), 3)


def format_minor(amount_minor: int, currency: str) -> str:
    """Minor units to a decimal string: 1234 EUR → "12.34", 1234 JPY → "1234"."""
    exponent = _EXPONENTS.get(currency.upper(), 2)
    return str(Decimal(amount_minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)))


def public_status(campaign: Campaign) -> str:
    return "closed" if campaign.is_closed() else "live"


def browser_url(campaign: Campaign, language: str | None = None) -> str:
    language = language or campaign.default_language
    with translation.override(language):
        return settings.SITE_URL + campaign.get_absolute_url()


def _raised_by_currency(raised: dict) -> dict[str, int]:
    return {
        str(code).upper(): int(value)
        for code, value in (raised or {}).items()
        if isinstance(value, int) and len(str(code)) == 3
    }


def fundraising_payload(campaign: Campaign, progress: Progress) -> dict | None:
    if not campaign.collects_donations:
        return None
    by_currency = _raised_by_currency(progress.raised)
    currency = (campaign.fundraising_currency or "").upper() or None
    in_goal = progress.raised.get("in_goal_currency") if progress.raised else None
    if not isinstance(in_goal, int) and currency:
        in_goal = by_currency.get(currency, 0)
    goal = campaign.fundraising_goal_minor
    return {
        "currency": currency,
        "total_amount": format_minor(in_goal, currency) if currency else None,
        "goal_amount": format_minor(goal, currency) if currency and goal else None,
        "percent": min(100, in_goal * 100 // goal) if goal and in_goal is not None else None,
        "by_currency": [
            {"currency": code, "total_amount": format_minor(amount, code)}
            for code, amount in sorted(by_currency.items())
        ],
    }


def figure_payload(figure: Figure) -> dict:
    return {
        "key": figure.key,
        "label": figure.label,
        "count": figure.count,
        "goal": figure.goal,
        "percent": figure.percent if figure.goal else None,
    }


def progress_payload(campaign: Campaign, progress: Progress, *, language: str | None) -> dict:
    """`language` picks the texts (falling back to the default) and the labels."""
    content = campaign.content(language)
    ui_language = language or content.language
    with translation.override(ui_language):
        figures = [figure_payload(f) for f in progress.figures]
    return {
        "campaign": campaign.slug,
        "title": content.title,
        "language": ui_language,
        "browser_url": browser_url(campaign, ui_language),
        "status": public_status(campaign),
        "total_signatures": progress.signatures,
        "pending_signatures": progress.pending_signatures,
        "total_organisations": progress.organisations,
        "commitments": dict(progress.commitments),
        "fundraising": fundraising_payload(campaign, progress),
        "figures": figures,
        "updated_at": progress.updated_at.isoformat() if progress.updated_at else None,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def campaign_payload(
    campaign: Campaign, *, language: str | None, detail: bool = False, progress=None
) -> dict:
    """A public campaign. Reads prefetched translations and targets only."""
    from django.urls import reverse

    content = campaign.content(language)
    payload = {
        "identifiers": [f"coalition:{campaign.slug}"],
        "slug": campaign.slug,
        "kind": campaign.kind,
        "status": public_status(campaign),
        "language": content.language,
        "default_language": campaign.default_language,
        "available_languages": campaign.available_languages(),
        "title": content.title,
        "summary": content.summary,
        "description": content.statement,
        "call_to_action": content.call_to_action,
        "browser_url": browser_url(campaign, language or content.language),
        "progress_url": settings.SITE_URL
        + reverse("api:campaign-progress", kwargs={"slug": campaign.slug}),
        "embed_url": settings.SITE_URL + reverse("api:embed", kwargs={"slug": campaign.slug}),
        "created_date": _iso(campaign.launched_at or campaign.launch_at),
        "modified_date": _iso(campaign.updated_at),
        "end_date": _iso(campaign.closed_at or campaign.close_at),
        "signature_goal": campaign.signature_goal,
        "organisation_goal": campaign.organisation_goal,
        "targets": [{"slug": t.slug, "name": t.name} for t in campaign.targets.all()],
    }
    if detail:
        payload["total_signatures"] = progress.signatures if progress else 0
        payload["total_organisations"] = progress.organisations if progress else 0
        payload["translations"] = [
            {
                "language": t.language,
                "title": t.title,
                "summary": t.summary,
                "description": t.statement,
                "call_to_action": t.call_to_action,
            }
            for t in campaign.translations.all()
        ]
    return payload


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
        "confirmed_at": _iso(signature.confirmed_at),
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
        "confirmed_at": _iso(signature.confirmed_at),
    }

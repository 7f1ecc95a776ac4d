"""Public shapes of campaigns and progress, shared by the API, the embeds and open data.

Field names follow the Open Supporter Data Interface where a concept exists there
(`title`, `browser_url`, `total_signatures`, `total_amount`, `currency`); see docs/api.md.
"""

from django.conf import settings
from django.utils import translation

from campaigns.models import Campaign
from campaigns.progress import Figure, Progress
from donations import money


def public_status(campaign: Campaign) -> str:
    return "closed" if campaign.is_closed() else "live"


def browser_url(campaign: Campaign, language: str | None = None) -> str:
    language = language or campaign.default_language
    with translation.override(language):
        return settings.SITE_URL + campaign.get_absolute_url()


def fundraising_payload(campaign: Campaign, progress: Progress) -> dict | None:
    """Money raised, from donations.progress.raised_for_campaign's figures."""
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


def open_books_payload(books) -> dict:
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

"""Public shapes of campaigns and progress, shared by the API, the embeds and open data.

Field names follow the Open Supporter Data Interface where a concept exists there
(`title`, `browser_url`, `total_signatures`, `total_amount`, `currency`); see docs/api.md.
"""

from django.conf import settings
from django.utils import translation

from campaigns.models import Campaign
from campaigns.progress import Figure, Progress
from donations import money


def format_minor(amount_minor: int, currency: str) -> str:
    """Minor units to a decimal string: 1234 EUR → "12.34", 1234 JPY → "1234"."""
    return str(money.from_minor(amount_minor, currency))


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
        "total_amount": format_minor(total, currency) if currency else None,
        "goal_amount": format_minor(goal, currency) if currency and goal else None,
        "percent": raised.get("percent", 0) if goal else None,
        "gifts": raised.get("gifts", 0),
        "unconverted": list(raised.get("unconverted") or []),
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


def open_books_payload(books) -> dict:
    """The public ledger's figures (donations.queries.open_books); never a donor's name."""
    return {
        "donors": books.donors,
        "gifts": books.gifts,
        "by_month": [
            {
                "month": row["month"].strftime("%Y-%m") if row["month"] else None,
                "currency": row["currency"],
                "total_amount": format_minor(row["net"] or 0, row["currency"]),
                "gifts": row["gifts"],
            }
            for row in books.by_month
        ],
        "by_campaign": [
            {
                "campaign": row["campaign__slug"],
                "title": row["campaign__title"],
                "currency": row["currency"],
                "total_amount": format_minor(row["net"] or 0, row["currency"]),
                "gifts": row["gifts"],
            }
            for row in books.by_campaign
        ],
        "refunds": [
            {
                "currency": row["currency"],
                "total_amount": format_minor(row["refunded"] or 0, row["currency"]),
                "gifts": row["count"],
            }
            for row in books.refunds
        ],
    }


# BDS tracker ---------------------------------------------------------------------------
# Commitments of approved pledges only (pledges.tracker); never a contact person, an email
# address, or an update the moderators have not accepted.


def target_payload(target) -> dict:
    """A BDS target (with `public_campaigns` prefetched) and its public commitments by status."""
    from pledges import tracker

    return {
        "slug": target.slug,
        "name": target.name,
        "headquarters_country": target.headquarters_country.code or "",
        "description": target.description,
        "products": target.product_list(),
        "campaigns": [c.slug for c in target.public_campaigns],
        "commitments": tracker.target_status_counts(target),
    }


def commitment_organisation_payload(organisation) -> dict:
    """The organisation behind a commitment: its id (as on /organisations/<id>/) and
    public details."""
    return {"id": organisation.pk, **organisation_payload(organisation)}


def commitment_target_payload(commitment) -> dict | None:
    """The named target, or None when the commitment names every target of the drive."""
    target = commitment.target
    return {"slug": target.slug, "name": target.name} if target is not None else None


def history_payload(entry) -> dict:
    """One dated entry of a commitment's public history (a tracker.HistoryEntry)."""
    return {
        "date": _iso(entry.at),
        "status": entry.status,
        "note": entry.note,
        "evidence_url": entry.evidence_url or None,
        # "" is the pledge itself; then the source of an accepted update.
        "source": entry.source or "pledge",
    }


def commitment_payload(commitment, history: list) -> dict:
    """A public commitment with its public history (oldest first)."""
    has_amount = commitment.amount_minor is not None
    return {
        "id": commitment.pk,
        "campaign": commitment.pledge.campaign.slug,
        "organisation": commitment_organisation_payload(commitment.pledge.organisation),
        "target": commitment_target_payload(commitment),
        "all_targets": commitment.target_id is None,
        "type": commitment.kind,
        "other_type": commitment.other_kind,
        "action": commitment.action,
        "amount": format_minor(commitment.amount_minor, commitment.currency)
        if has_amount
        else None,
        "currency": commitment.currency if has_amount else None,
        "deadline": _iso(commitment.deadline),
        "status": commitment.status,
        "pledged_at": _iso(commitment.created_at),
        "status_changed_at": _iso(commitment.status_changed_at),
        "fulfilled_at": _iso(commitment.fulfilled_at),
        "history": [history_payload(entry) for entry in history],
    }


def commitment_totals_payload(campaign: Campaign, totals) -> dict:
    """tracker.commitment_totals as JSON: keys and counts, no translated labels."""
    return {
        "campaign": campaign.slug,
        "total": totals.total,
        "organisations": totals.organisations,
        "by_status": {t.key: t.count for t in totals.by_status},
        "by_type": {t.key: t.count for t in totals.by_kind},
        "by_target": [
            {
                "target": t.key or None,
                "name": t.label or None,
                "all_targets": not t.key,
                "count": t.count,
            }
            for t in totals.by_target
        ],
        "by_country": [{"country": t.key, "count": t.count} for t in totals.by_country],
    }


def commitment_event_payload(
    commitment, *, from_status: str | None, changed_at, note: str = "", evidence_url: str = ""
) -> dict:
    """`commitment.status_changed` data: public fields and the public update only."""
    return {
        "commitment": {
            "id": commitment.pk,
            "campaign": commitment.pledge.campaign.slug,
            "target": commitment_target_payload(commitment),
            "all_targets": commitment.target_id is None,
            "type": commitment.kind,
            "action": commitment.action,
        },
        "organisation": commitment_organisation_payload(commitment.pledge.organisation),
        "from_status": from_status,
        "status": commitment.status,
        "changed_at": _iso(changed_at),
        "note": note,
        "evidence_url": evidence_url or None,
    }

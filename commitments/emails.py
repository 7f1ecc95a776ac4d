"""Emails of the BDS drive: the contact flow's emails with the commitments and the contact's
update link, and the deadline reminders, follow-ups and lapse notices. Registered with
`pledges.emails` when the app is ready."""

from datetime import timedelta

from django.utils import timezone

from commitments.models import CommitmentPledge, CommitmentUpdate
from commitments.services import lapse_grace_days
from pledges import emails, tokens
from pledges.emails import Outgoing, absolute_url, pledge_context
from pledges.models import ContactConfirmedPledge, PledgeEmail


def commitment_update_url(pledge: ContactConfirmedPledge) -> str:
    """The contact's private link to report progress on this pledge's commitments."""
    return absolute_url(
        "commitments:update",
        language=pledge.contact_language,
        token=tokens.make_token("commitment-update", pledge.pk),
    )


def _commitment_pledge_context(pledge) -> dict:
    return {
        "commitments": list(pledge.commitments.select_related("target").order_by("pk")),
        "update_url": commitment_update_url(pledge)
        if pledge.status == ContactConfirmedPledge.Status.APPROVED
        else "",
        "tracker_url": absolute_url(
            "commitments:tracker", language=pledge.contact_language, slug=pledge.campaign.slug
        ),
    }


def _commitment_email(template: str):
    def builder(email: PledgeEmail, commitment) -> Outgoing | None:
        pledge = commitment.pledge
        if not pledge.contact_email:  # erased on request
            return None
        lapses_on = None
        if commitment.deadline:
            lapses_on = commitment.deadline + timedelta(days=lapse_grace_days() + 1)
        days_left = None
        if commitment.deadline:
            days_left = (commitment.deadline - timezone.localdate()).days
        return Outgoing(
            template=template,
            to=pledge.contact_email,
            language=pledge.contact_language,
            context={
                **pledge_context(pledge),
                "commitment": commitment,
                "lapses_on": lapses_on,
                "days_left": days_left,
            },
        )

    return builder


def _review_email(template: str):
    """The contact's update was accepted (now public) or rejected (with the reason)."""

    def builder(email: PledgeEmail, update: CommitmentUpdate) -> Outgoing | None:
        pledge = update.commitment.pledge
        if not (email.address or pledge.contact_email):  # erased on request
            return None
        return Outgoing(
            template=template,
            to=pledge.contact_email,
            language=pledge.contact_language,
            context={
                **pledge_context(pledge),
                "commitment": update.commitment,
                "update": update,
                "reason": email.context.get("reason", ""),
            },
        )

    return builder


def report_link_email(email: PledgeEmail, pledge: CommitmentPledge) -> Outgoing | None:
    """A fresh private report link, asked for on the public form: to the address typed."""
    if pledge.status != ContactConfirmedPledge.Status.APPROVED:
        return None
    return Outgoing(
        template="commitment-report-link",
        to=email.address or pledge.contact_email,
        language=pledge.contact_language,
        context=pledge_context(pledge),
    )


def register() -> None:
    """Word the contact flow's emails for commitment pledges; add the deadline emails."""
    label = CommitmentPledge._meta.label_lower
    emails.EXTRA_CONTEXT[label] = _commitment_pledge_context
    for template in ("pledge-contact-confirm", "pledge-approved", "pledge-rejected"):
        emails.TEMPLATES[(template, label)] = template.replace("pledge-", "commitments-", 1)
    for kind in ("commitment-reminder", "commitment-followup", "commitment-lapsed"):
        emails.builds(kind)(_commitment_email(kind))
    for kind in ("commitment-update-accepted", "commitment-update-rejected"):
        emails.builds(kind)(_review_email(kind))
    emails.builds("commitment-report-link")(report_link_email)

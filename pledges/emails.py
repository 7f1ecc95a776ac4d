"""What each queued `PledgeEmail` says and to whom: one builder per kind.

Builders run in the task worker, never in a request. Other apps register more kinds
with `@builds("kind")` (for example BDS commitments reusing the contact flow).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from pledges import tokens
from pledges.models import ContactConfirmedPledge, PledgeEmail, Signature


@dataclass(frozen=True)
class Outgoing:
    template: str
    to: str
    language: str
    context: dict
    headers: dict[str, str] = field(default_factory=dict)


BUILDERS: dict[str, Callable[[PledgeEmail, object], Outgoing | None]] = {}


def builds(kind: str):
    def register(func):
        BUILDERS[kind] = func
        return func

    return register


def build(email: PledgeEmail) -> Outgoing | None:
    subject = email.subject
    if subject is None:  # erased since it was queued
        return None
    return BUILDERS[email.kind](email, subject)


def absolute_url(name: str, *, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def signature_links(signature: Signature) -> dict[str, str]:
    language = signature.language
    slug = signature.campaign.slug
    return {
        "confirm_url": absolute_url(
            "pledges:confirm",
            language=language,
            slug=slug,
            token=tokens.make_token("confirm", signature.pk),
        ),
        "withdraw_url": absolute_url(
            "pledges:withdraw",
            language=language,
            slug=slug,
            token=tokens.make_token("withdraw", signature.pk),
        ),
        "campaign_url": absolute_url("campaigns:detail", language=language, slug=slug),
        "my_data_url": absolute_url("pledges:my_data", language=language),
    }


def _signature_email(template: str):
    def builder(email: PledgeEmail, signature: Signature) -> Outgoing | None:
        return Outgoing(
            template=template,
            to=signature.email,
            language=signature.language,
            context={
                "signature": signature,
                "campaign": signature.campaign,
                "title": signature.campaign.content(signature.language).title,
                "reminder": email.context.get("reminder"),
                **signature_links(signature),
            },
        )

    return builder


builds("signature-confirm")(_signature_email("signature-confirm"))
builds("signature-reminder")(_signature_email("signature-confirm"))
builds("signature-already-signed")(_signature_email("signature-already-signed"))


MAILBOX_TOKEN_LABEL = "mailbox"  # noqa: S105  # nosec B105 - a label in signed links, not a secret


@builds("my-data")
def my_data_email(email: PledgeEmail, subject) -> Outgoing:
    address = subject.email if isinstance(subject, Signature) else subject.contact_email
    language = email.context.get("language") or settings.LANGUAGE_CODE
    # The token names the mailbox by its keyed hash, never the address: URLs end up in
    # access logs, and the address itself may no longer be stored. It names this email's
    # language too, so the pages it opens speak it even when the link loses its /es/.
    hashed = subject.email_hash if isinstance(subject, Signature) else subject.contact_email_hash
    token = tokens.make_token("my-data", f"{MAILBOX_TOKEN_LABEL}:{hashed}:{language}")
    return Outgoing(
        template="my-data",
        to=address,
        language=language,
        context={
            "data_url": absolute_url("pledges:my_data_show", language=language, token=token),
            "erase_url": absolute_url("pledges:my_data_erase", language=language, token=token),
        },
    )


# Other pledge kinds word their emails differently: (template, model label) → their template,
# and model label → a function adding to the context (the commitments' update link, say).
TEMPLATES: dict[tuple[str, str], str] = {}
EXTRA_CONTEXT: dict[str, Callable[[ContactConfirmedPledge], dict]] = {}


def _pledge_template(template: str, pledge: ContactConfirmedPledge) -> str:
    return TEMPLATES.get((template, pledge._meta.label_lower), template)


def pledge_context(pledge: ContactConfirmedPledge) -> dict:
    language = pledge.contact_language
    add_context = EXTRA_CONTEXT.get(pledge._meta.label_lower)
    return {
        **(add_context(pledge) if add_context else {}),
        "pledge": pledge,
        "organisation": pledge.named_organisation,
        "campaign": pledge.campaign,
        "title": pledge.campaign.content(language).title,
        "campaign_url": absolute_url(
            "campaigns:detail", language=language, slug=pledge.campaign.slug
        ),
    }


@builds("contact-confirm")
def contact_confirm_email(email: PledgeEmail, pledge: ContactConfirmedPledge) -> Outgoing:
    label = pledge._meta.label_lower
    token = tokens.make_token("contact", f"{label}:{pledge.pk}")
    return Outgoing(
        template=_pledge_template("pledge-contact-confirm", pledge),
        to=pledge.contact_email,
        language=pledge.contact_language,
        context={
            **pledge_context(pledge),
            "confirm_url": absolute_url(
                "pledges:contact_confirm", language=pledge.contact_language, token=token
            ),
        },
    )


def _to_contact(
    email: PledgeEmail, pledge: ContactConfirmedPledge, template: str, **context
) -> Outgoing | None:
    """An email to the pledge's contact, in their language; none once they were erased
    (unless it goes to an address they just typed: `PledgeEmail.address`)."""
    if not (email.address or pledge.contact_email):
        return None
    return Outgoing(
        template=_pledge_template(template, pledge),
        to=pledge.contact_email,
        language=pledge.contact_language,
        context={**pledge_context(pledge), **context},
    )


@builds("contact-already")
def contact_already_email(email: PledgeEmail, pledge: ContactConfirmedPledge) -> Outgoing | None:
    """The contact signed on again: theirs is already recorded."""
    return _to_contact(email, pledge, "pledge-contact-already")


@builds("contact-repeated")
def contact_repeated_email(email: PledgeEmail, pledge: ContactConfirmedPledge) -> Outgoing | None:
    """Someone else asked to sign the contact's organisation on again: only the contact,
    never the submitter, learns that a sign-on exists."""
    return _to_contact(email, pledge, "pledge-contact-repeated")


@builds("moderation-approved")
def approved_email(email: PledgeEmail, pledge: ContactConfirmedPledge) -> Outgoing | None:
    return _to_contact(email, pledge, "pledge-approved")


@builds("moderation-rejected")
def rejected_email(email: PledgeEmail, pledge: ContactConfirmedPledge) -> Outgoing | None:
    return _to_contact(email, pledge, "pledge-rejected", reason=email.context.get("reason", ""))

"""The only code that changes signatures, organisations and their pledges.

One function per use case, each atomic; emails are queued as `PledgeEmail` rows and
their task enqueued inside the same transaction; counters are invalidated on commit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, router, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from campaigns import counters, progress
from campaigns.models import Campaign
from lib import personal_data as personal_data_registry
from lib.mailboxes import email_hash, normalise_email
from lib.text import single_line
from lib.transitions import InvalidTransition
from partners import events
from partners.models import EventType, Partner
from pledges import contact, representation
from pledges.abuse import Client, old_windows, record_attempt, record_phone_attempt
from pledges.models import (
    ContactConfirmedPledge,
    Organisation,
    OrgPledge,
    RateCount,
    Signature,
    SmsReply,
    StatementVersion,
    UpdateDelivery,
    UpdateMailing,
)
from pledges.organisations import (
    OrgSignOnData,
    known_organisation,
    propose,
    website_domain,
)
from pledges.outbox import queue_email
from pledges.phone import normalise_phone, phone_hash
from pledges.tasks import send_sms_reply
from pledges.widgets import country_codes
from staff import audit, waiting

SignatureStatus = Signature.Status
CONFIRMED = SignatureStatus.CONFIRMED
PledgeStatus = ContactConfirmedPledge.Status

REMINDER_LIMIT = 2
REMINDER_INTERVAL = timedelta(days=2)
DEFAULT_PURGE_DAYS = 30


class CampaignNotOpen(Exception):
    """The campaign does not take signatures or sign-ons now."""


# Statement versions ------------------------------------------------------------------------


def record_statement_version(campaign: Campaign) -> StatementVersion:
    """The current version of the statement, snapshotting the text first if it changed."""
    latest = StatementVersion.objects.filter(campaign=campaign).order_by("-number").first()
    if latest is not None and latest.text == campaign.statement:
        return latest
    with transaction.atomic():
        # Lock the campaign row: two first signatures race to create version 1 here.
        # Only taken when the text changed, so signers do not queue on it.
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        latest = StatementVersion.objects.filter(campaign=locked).order_by("-number").first()
        if latest is not None and latest.text == locked.statement:
            return latest
        version = StatementVersion(
            campaign=locked,
            number=(latest.number + 1) if latest else 1,
            text=locked.statement,
        )
        version.full_clean()
        version.save()
        return version


def record_statement_edit(campaign: Campaign) -> StatementVersion | None:
    """After a staff edit: a new version, once the statement has versions (it was signed)."""
    if not StatementVersion.objects.filter(campaign=campaign).exists():
        return None
    return record_statement_version(campaign)


# Individual signatures ---------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureData:
    name: str
    email: str
    country: str
    language: str
    affiliation: str = ""
    show_publicly: bool = False
    updates_consent: bool = False
    # Only kept when the signature came through a partner (`sign(..., partner=)`).
    shared_with_partner: bool = False


@dataclass(frozen=True)
class SignResult:
    signature: Signature
    outcome: str  # "new", "resent", "already-signed", "suspect", "held"


def require_open(campaign: Campaign, now: datetime, *, organisations: bool = False) -> None:
    collects = campaign.collects_organisations if organisations else campaign.collects_signatures
    if not collects or not campaign.is_open(now):
        raise CampaignNotOpen(campaign.slug)


def sign(
    campaign: Campaign,
    data: SignatureData,
    *,
    client: Client | None = None,
    now: datetime | None = None,
    partner: Partner | None = None,
    statement_version_id: int | None = None,
    submitted_open: bool = False,
    channel: str = Signature.Channel.WEB,
) -> SignResult:
    """Sign `campaign`'s statement, or answer a repeat signing without saying so to the page.

    New signatures wait for email confirmation; over a rate limit they are stored as
    suspect (uncounted, no email, held for moderators). `partner` is whoever brought the
    signer (a `?ref=` link or an API token); a repeat signing keeps the first attribution.
    `statement_version_id`: the campaign's current statement version, when the caller knows
    it (`pledges.snapshots`); otherwise it is looked up (and snapshotted if the text changed).
    `submitted_open`: the campaign was open when the person submitted (`pledges.intake`
    checked it then and told them to check their email), whatever it is now. `channel`: the
    web form (through the intake job) or the partner API; phones sign with `sign_by_phone`.

    A new signature with a known `statement_version_id` costs four statements: the rate-limit
    upsert (in autocommit), then in one transaction the signature's INSERT and its email's two
    (the outbox row and its task).
    """
    now = now or timezone.now()
    client = client or Client()
    if not submitted_open:
        require_open(campaign, now)
    email = normalise_email(data.email)
    hashed = email_hash(email)
    # Before the transaction, in autocommit: a signature that fails was still an attempt,
    # and the counters' row locks are not held while the signature is written.
    over_limit = record_attempt(client, email, now=now)
    if statement_version_id is None:
        statement_version_id = record_statement_version(campaign).pk
    signature = Signature(
        campaign=campaign,
        statement_version_id=statement_version_id,
        status=SignatureStatus.SUSPECT if over_limit else SignatureStatus.PENDING,
        name=data.name.strip(),
        email=email,
        email_hash=hashed,
        country=data.country,
        affiliation=data.affiliation.strip(),
        language=data.language,
        show_publicly=data.show_publicly,
        updates_consent=data.updates_consent,
        ip_hash=client.ip_hash,
        last_emailed_at=None if over_limit else now,
        partner=partner,
        shared_with_partner=bool(partner and data.shared_with_partner),
        channel=channel,
    )
    # Both relations are known to exist: re-checking them cost two queries a sign. The
    # country is checked against the set of codes: the model field would walk its 250
    # lazily named choices on every sign.
    signature.full_clean(
        exclude=["campaign", "statement_version", "country"], validate_constraints=False
    )
    if signature.country not in country_codes():
        raise ValidationError({"country": [f"{signature.country!r} is not a country code."]})
    with transaction.atomic():
        if _insert_unless_signed(signature):
            if over_limit:
                waiting.item_waiting(signature)  # held for moderators to review
                return SignResult(signature, "suspect")
            queue_email(signature, "signature-confirm")
            progress.moved(campaign.pk, "pending_signatures")
            return SignResult(signature, "new")
        # The mailbox signed this campaign already (maybe a moment ago, in a racing request:
        # the INSERT waited for it to commit). Lock that row and answer as a repeat signing.
        existing = Signature.objects.select_for_update().get(
            campaign=campaign, email_hash=hashed, alias_duplicate=False
        )
        existing.campaign = campaign  # the same row: saves reading it again
        return _sign_again(
            existing,
            data,
            email=email,
            over_limit=over_limit,
            now=now,
            partner=partner,
            statement_version_id=statement_version_id,
        )


def _insert_unless_signed(signature: Signature) -> bool:
    """INSERT the new signature unless its mailbox already signed the campaign: `ON CONFLICT
    DO NOTHING RETURNING id` through Django's insert machinery (the encrypted fields encrypt
    as in `save()`), so neither a read first nor a savepoint is needed. False when the unique
    index (`signature_mailbox_unique`) turned it away; nothing is written then."""
    meta = Signature._meta
    using = router.db_for_write(Signature, instance=signature)
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
    rows = Signature.objects._insert(
        [signature],
        fields=fields,
        returning_fields=[meta.pk],
        using=using,
        on_conflict=OnConflict.IGNORE,
    )
    if not rows:
        return False
    (signature.pk,) = rows[0]
    signature._state.adding, signature._state.db = False, using
    return True


def _sign_again(
    signature: Signature,
    data: SignatureData,
    *,
    email: str,
    over_limit: bool,
    now: datetime,
    partner: Partner | None = None,
    statement_version_id: int | None = None,
) -> SignResult:
    """A repeat signing of `signature` (locked by the caller, `select_for_update`)."""
    if over_limit or signature.status == SignatureStatus.SUSPECT:
        return SignResult(signature, "held")
    if signature.status == SignatureStatus.CONFIRMED:
        # To the address just typed: the stored one may be gone (pledges/retention.py).
        queue_email(signature, "signature-already-signed", address=email)
        return SignResult(signature, "already-signed")
    if signature.status == SignatureStatus.WITHDRAWN:
        # Signing again after withdrawing starts over, with the new choices.
        signature.status = SignatureStatus.PENDING
        signature.name = data.name.strip()
        signature.listed_name = ""  # listed again once confirmed again
        signature.email = email
        signature.country = data.country
        signature.affiliation = data.affiliation.strip()
        signature.language = data.language
        signature.show_publicly = data.show_publicly
        signature.updates_consent = data.updates_consent
        signature.statement_version_id = (
            statement_version_id or record_statement_version(signature.campaign).pk
        )
        signature.withdrawn_at = None
        signature.created_at = now
        signature.reminders_sent = 0
        signature.partner = partner
        signature.shared_with_partner = bool(partner and data.shared_with_partner)
        progress.moved(signature.campaign_id, "pending_signatures")
    signature.last_emailed_at = now
    signature.email = signature.email or email
    signature.full_clean(validate_constraints=False)
    signature.save()
    queue_email(signature, "signature-confirm")
    return SignResult(signature, "resent")


def confirm_signature(signature_id: int, *, now: datetime | None = None) -> tuple[Signature, str]:
    """Confirm through the emailed link. Returns the signature and "confirmed",
    "already-confirmed" or "withdrawn"; raises Signature.DoesNotExist once erased."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the row: a double click and a second device race here.
        signature = Signature.objects.select_for_update().get(pk=signature_id)
        if signature.status == SignatureStatus.CONFIRMED:
            return signature, "already-confirmed"
        if signature.status == SignatureStatus.WITHDRAWN:
            return signature, "withdrawn"
        if signature.status == SignatureStatus.SUSPECT:
            # Suspect rows never got a link; a forged-but-valid one still cannot count them.
            return signature, "held"
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = now
        signature.full_clean(validate_constraints=False)
        # Listed from now on, if they chose to be: a pending name is nobody's to read.
        signature.listed_name = signature.name if signature.show_publicly else ""
        signature.save(update_fields=["status", "confirmed_at", "listed_name"])
        counters.add(signature.campaign_id, "signatures", +1, country=signature.country)
        progress.moved(signature.campaign_id, "signatures", "pending_signatures")
        _signature_confirmed_event(signature)
    return signature, "confirmed"


def withdraw_signature(signature_id: int, *, now: datetime | None = None) -> Signature:
    """Withdraw a signature (from the link in every email); it is no longer counted or listed."""
    now = now or timezone.now()
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature_id)
        if signature.status != SignatureStatus.WITHDRAWN:
            if signature.status == SignatureStatus.CONFIRMED:
                counters.add(signature.campaign_id, "signatures", -1, country=signature.country)
            signature.status = SignatureStatus.WITHDRAWN
            signature.withdrawn_at = now
            signature.listed_name = ""  # no longer listed: the public copy of the name goes
            signature.save(update_fields=["status", "withdrawn_at", "listed_name"])
            progress.moved(signature.campaign_id)
    return signature


def unsubscribe(signature_id: int, *, now: datetime | None = None) -> Signature:
    """Stop update emails for this signature. Safe to repeat."""
    now = now or timezone.now()
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature_id)
        if signature.updates_consent or signature.unsubscribed_at is None:
            signature.updates_consent = False
            signature.unsubscribed_at = signature.unsubscribed_at or now
            signature.save(update_fields=["updates_consent", "unsubscribed_at"])
    return signature


def release_suspect(signature: Signature, *, by: AbstractBaseUser | None) -> Signature:
    """A moderator judged a suspect signature genuine: it now waits for email confirmation,
    or, signed by phone (where the network vouched for the number), it counts at once."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.status != SignatureStatus.SUSPECT:
            raise InvalidTransition(signature, SignatureStatus.PENDING)
        if signature.channel in Signature.PHONE_CHANNELS:
            _confirm_by_phone(signature, now=timezone.now())
            signature.save(update_fields=["status", "confirmed_at", "listed_name"])
            audit.record("signature.release", actor=by, target=signature)
            _count_phone_signature(signature)
            return signature
        signature.status = SignatureStatus.PENDING
        signature.last_emailed_at = timezone.now()
        signature.save(update_fields=["status", "last_emailed_at"])
        audit.record("signature.release", actor=by, target=signature)
        queue_email(signature, "signature-confirm")
        progress.moved(signature.campaign_id)
    return signature


def discard_suspect(signature: Signature, *, by: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        deleted, _ = Signature.objects.filter(
            pk=signature.pk, status=SignatureStatus.SUSPECT
        ).delete()
        if not deleted:
            raise InvalidTransition(signature, "discarded")
        audit.record("signature.discard", actor=by, target=signature)


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind pending signers: at most two reminders, two days apart. Safe to run twice."""
    now = now or timezone.now()
    due = Signature.objects.filter(
        status=SignatureStatus.PENDING,
        reminders_sent__lt=REMINDER_LIMIT,
        last_emailed_at__lte=now - REMINDER_INTERVAL,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in due.iterator(chunk_size=1000):
        with transaction.atomic():
            # Re-check under the lock: a second run, or a confirmation, may have got here first.
            signature = (
                Signature.objects.select_for_update()
                .filter(
                    pk=pk,
                    status=SignatureStatus.PENDING,
                    reminders_sent__lt=REMINDER_LIMIT,
                    last_emailed_at__lte=now - REMINDER_INTERVAL,
                )
                .first()
            )
            if signature is None:
                continue
            signature.reminders_sent += 1
            signature.last_emailed_at = now
            signature.save(update_fields=["reminders_sent", "last_emailed_at"])
            queue_email(
                signature, "signature-reminder", context={"reminder": signature.reminders_sent}
            )
            sent += 1
    return sent


def purge_unconfirmed(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete signatures and sign-ons never confirmed within `days`, and old rate counters."""
    now = now or timezone.now()
    days = days if days is not None else purge_days()
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        stale = Signature.objects.filter(
            status__in=[SignatureStatus.PENDING, SignatureStatus.SUSPECT], created_at__lt=cutoff
        )
        campaign_ids = set(stale.values_list("campaign_id", flat=True).distinct())
        _, per_model = stale.delete()
        deleted = per_model.get(Signature._meta.label, 0)
        for kind in contact.kinds():
            stale_pledges = kind.model.objects.filter(
                status=PledgeStatus.UNCONFIRMED, created_at__lt=cutoff
            )
            campaign_ids |= set(stale_pledges.values_list("campaign_id", flat=True).distinct())
            for pledge in stale_pledges.exclude(proposed_logo=""):
                pledge.proposed_logo.delete(save=False)
            stale_pledges.delete()
        # Rate-limit windows last an hour (or their own window, if longer); a day is plenty.
        RateCount.objects.filter(old_windows(now)).delete()
        # SMS replies are sent within seconds (their numbers blanked then); a day is plenty.
        SmsReply.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
        for campaign_id in campaign_ids:
            progress.moved(campaign_id)
    return deleted


def purge_days() -> int:
    return getattr(settings, "PLEDGE_PURGE_UNCONFIRMED_DAYS", DEFAULT_PURGE_DAYS)


# Signing by phone ---------------------------------------------------------------------------

PHONE_NAME_MAX = 60  # what a USSD screen can show back, with its question, in 182 characters


def sign_by_phone(
    campaign: Campaign,
    *,
    phone: str,
    name: str,
    country: str,
    language: str,
    channel: str,
    show_publicly: bool = False,
    now: datetime | None = None,
) -> SignResult:
    """Sign from a phone (a USSD session or an SMS keyword): counted at once, with no email
    confirmation, since the mobile network vouches for the number.

    Dedupe is one signature per number and campaign, whichever phone channel (`phone_hash`;
    the number itself is not stored); a web signature with an email is someone else. Over the
    rate limit of the number (`pledges.abuse`, scope "phone") the signature is stored as
    suspect (uncounted, held for moderators) and, by SMS, no reply is sent. By SMS the reply
    is queued in the transaction that stores the signature (`SmsReply`).

    Outcomes: "new" (counted now; a withdrawn signature signed again too), "already-signed",
    "suspect" (new, held) and "held" (a repeat while held or over the limit). Raises
    `CampaignNotOpen`, `pledges.phone.InvalidPhone` and `ValidationError` (the name).
    """
    if channel not in Signature.PHONE_CHANNELS:
        raise ValueError(f"not a phone channel: {channel!r}")
    now = now or timezone.now()
    require_open(campaign, now)
    hashed = phone_hash(phone)
    name = single_line(name)
    if not name or len(name) > PHONE_NAME_MAX:
        raise ValidationError({"name": [f"A name of 1 to {PHONE_NAME_MAX} characters."]})
    if country not in country_codes():
        raise ValidationError({"country": [f"{country!r} is not a country code."]})
    # In autocommit, as `sign`: an attempt counts even if what follows fails.
    over_limit = record_phone_attempt(hashed, now=now)
    signature = Signature(
        campaign=campaign,
        statement_version_id=record_statement_version(campaign).pk,
        status=SignatureStatus.SUSPECT,
        name=name,
        email="",
        email_hash="",
        phone_hash=hashed,
        channel=channel,
        country=country,
        language=language,
        show_publicly=show_publicly,
    )
    if not over_limit:
        _confirm_by_phone(signature, now=now)
    signature.full_clean(
        exclude=["campaign", "statement_version", "country"], validate_constraints=False
    )
    with transaction.atomic():
        if _insert_unless_signed(signature):
            if over_limit:
                waiting.item_waiting(signature)  # held for moderators to review
                return SignResult(signature, "suspect")
            _count_phone_signature(signature)
            result = SignResult(signature, "new")
        else:
            # The number signed this campaign already (by USSD or SMS, maybe in a racing
            # request: the INSERT waited for it to commit). Lock that row and answer.
            existing = Signature.objects.select_for_update().get(
                campaign=campaign, phone_hash=hashed
            )
            existing.campaign = campaign
            result = _sign_by_phone_again(existing, signature, over_limit=over_limit, now=now)
        if channel == Signature.Channel.SMS and result.outcome in ("new", "already-signed"):
            kind = SmsReply.Kind.SIGNED if result.outcome == "new" else SmsReply.Kind.ALREADY_SIGNED
            _queue_sms_reply(phone, kind, campaign=campaign, language=language)
    return result


def _confirm_by_phone(signature: Signature, *, now: datetime) -> None:
    """Confirmed (listed, if they chose to be): the network vouched for the number."""
    signature.status = SignatureStatus.CONFIRMED
    signature.confirmed_at = now
    signature.listed_name = signature.name if signature.show_publicly else ""


def _count_phone_signature(signature: Signature) -> None:
    """The counters move as `confirm_signature` moves them, in the caller's transaction."""
    counters.add(signature.campaign_id, "signatures", +1, country=signature.country)
    progress.moved(signature.campaign_id, "signatures")
    _signature_confirmed_event(signature)


def _sign_by_phone_again(
    existing: Signature, fresh: Signature, *, over_limit: bool, now: datetime
) -> SignResult:
    """A number that signed already signs again (`existing` locked by the caller)."""
    if over_limit or existing.status == SignatureStatus.SUSPECT:
        return SignResult(existing, "held")
    if existing.status == SignatureStatus.CONFIRMED:
        return SignResult(existing, "already-signed")
    # Withdrawn (or, from before, pending): signing again starts over, with the new choices.
    was_pending = existing.status == SignatureStatus.PENDING
    for field in ("name", "country", "language", "show_publicly", "channel"):
        setattr(existing, field, getattr(fresh, field))
    existing.statement_version_id = fresh.statement_version_id
    existing.withdrawn_at = None
    existing.created_at = now
    _confirm_by_phone(existing, now=now)
    existing.full_clean(validate_constraints=False)
    existing.save()
    _count_phone_signature(existing)
    if was_pending:
        progress.moved(existing.campaign_id, "pending_signatures")
    return SignResult(existing, "new")


def reply_by_sms(
    phone: str, kind: str, *, campaign: Campaign | None, language: str, now: datetime | None = None
) -> SmsReply | None:
    """Text `phone` a reply that signs nothing (help with the keyword, a closed campaign).

    Counted against the number's rate limit like a signing: over it, nothing is sent (a
    texting loop or a flood costs no messages). Raises `pledges.phone.InvalidPhone`."""
    now = now or timezone.now()
    if record_phone_attempt(phone_hash(phone), now=now):
        return None
    with transaction.atomic():
        return _queue_sms_reply(phone, kind, campaign=campaign, language=language)


def _queue_sms_reply(
    phone: str, kind: str, *, campaign: Campaign | None, language: str
) -> SmsReply:
    """The outbox row and its task, in the caller's transaction."""
    reply = SmsReply(campaign=campaign, kind=kind, language=language, phone=normalise_phone(phone))
    reply.full_clean(exclude=["campaign"])
    reply.save()
    send_sms_reply.enqueue(reply.pk)
    return reply


# Personal data requests ----------------------------------------------------------------------


def request_my_data(
    email: str, *, language: str, client: Client | None = None, now: datetime | None = None
) -> bool:
    """Email a link to see or erase everything held for `email`, if anything is held.

    The page says "check your email" either way; returns whether an email was queued.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    if record_attempt(client or Client(), email, now=now):  # in autocommit: pledges.abuse
        return False
    with transaction.atomic():
        hashed = email_hash(email)
        subject = Signature.objects.filter(email_hash=hashed).first() or next(
            (
                pledge
                for kind in contact.kinds()
                if (pledge := _contact_of(kind.model, hashed).first())
            ),
            None,
        )
        if subject is None:
            return False
        # To the address typed, which may no longer be stored (pledges/retention.py); the
        # link in it names the mailbox by its keyed hash.
        queue_email(subject, "my-data", context={"language": language}, address=email)
    return True


def _contact_of(model: type[ContactConfirmedPledge], hashed: str) -> models.QuerySet:
    """Pledges whose contact is this mailbox (its keyed hash), whichever alias they gave."""
    return model.objects.filter(contact_email_hash=hashed)


def erase_personal_data(email: str) -> int:
    """Erase everything held for `email` on all campaigns, in every app (`lib.personal_data`):
    signatures, pledge contacts, rate-limit counters, partner webhook payloads, donor details.
    Returns how many rows were erased."""
    return erase_mailbox(email_hash(normalise_email(email)))


def erase_mailbox(hashed: str) -> int:
    """`erase_personal_data` for the mailbox with this keyed hash (`lib.mailboxes`)."""
    return sum(personal_data_registry.erase_everywhere(hashed).values())


def erase_pledge_data(hashed: str) -> int:
    """This app's part of an erasure: every signature made with the mailbox (aliases too),
    removed as a contact from every pledge, and the rate-limit counters of the address.

    Erased signatures are deleted, so no count includes them any more. Organisational
    sign-ons stay (they are the organisation's), without their contact person.
    """
    with transaction.atomic():
        signatures = Signature.objects.filter(email_hash=hashed)
        held = list(signatures.values_list("campaign_id", "country", "status"))
        campaign_ids = {campaign_id for campaign_id, _country, _status in held}
        _, per_model = signatures.delete()
        counters.add_many(
            "signatures",
            ((cid, country, -1) for cid, country, status in held if status == CONFIRMED),
        )
        erased = per_model.get(Signature._meta.label, 0)
        for kind in contact.kinds():
            pledges = _contact_of(kind.model, hashed)
            campaign_ids |= set(pledges.values_list("campaign_id", flat=True))
            erased += pledges.update(contact_name="", contact_email="", contact_email_hash="")
        # The mailbox's rate counters (keyed by the same hash): a tally, not a record.
        RateCount.objects.filter(scope=RateCount.Scope.EMAIL, key=hashed).delete()
        for campaign_id in campaign_ids:
            progress.moved(campaign_id)
    return erased


def personal_data(email: str) -> dict:
    """Everything held for `email`, for the person it belongs to: its signatures, then the
    pledges of every registered kind it is the contact of (`org_pledges`, …)."""
    return mailbox_data(email_hash(normalise_email(email)))


def holds_mailbox(hashed: str) -> bool:
    """Whether anything is held for the mailbox with this keyed hash (a signature or a
    pledge contact): what `mailbox_data` would list, asked with `EXISTS`."""
    return Signature.objects.filter(email_hash=hashed).exists() or any(
        _contact_of(kind.model, hashed).exists() for kind in contact.kinds()
    )


def mailbox_data(hashed: str) -> dict:
    """`personal_data` for the mailbox with this keyed hash."""
    data = {
        "signatures": list(
            Signature.objects.filter(email_hash=hashed).select_related("campaign").order_by("id")
        )
    }
    for kind in contact.kinds():
        data[kind.personal_data_key] = list(
            _contact_of(kind.model, hashed)
            .select_related("campaign", "organisation")
            .order_by("id")
        )
    return data


# Organisations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSignOnResult:
    pledge: OrgPledge
    outcome: str  # "new", "resent", "already-signed", "held"


def sign_on(
    campaign: Campaign,
    data: OrgSignOnData,
    *,
    client: Client | None = None,
    now: datetime | None = None,
    partner: Partner | None = None,
) -> OrgSignOnResult:
    """An organisation signs on. The organisation record is found by website domain and
    reused; its public details are only changed by moderators. The contact confirms by
    email, then the sign-on waits for moderation."""
    now = now or timezone.now()
    client = client or Client()
    require_open(campaign, now, organisations=True)
    contact_email = normalise_email(data.contact_email)
    over_limit = record_attempt(client, contact_email, now=now)  # in autocommit: pledges.abuse
    with transaction.atomic():
        _serialise_mailbox(email_hash(contact_email))
        organisation = known_organisation(data.website)
        if organisation is not None:
            pledge = OrgPledge.objects.filter(organisation=organisation, campaign=campaign).first()
        else:
            # Not known yet: the same mailbox's earlier submission for the same new
            # organisation is sent its link again; anyone else's waits apart, unconfirmed.
            pledge = OrgPledge.objects.filter(
                campaign=campaign,
                organisation__isnull=True,
                status=PledgeStatus.UNCONFIRMED,
                proposed_organisation__domain=website_domain(data.website),
                contact_email_hash=email_hash(contact_email),
            ).first()
        if pledge is not None and pledge.contact_email_hash == email_hash(contact_email):
            return _sign_on_again(pledge, address=contact_email, over_limit=over_limit)
        if pledge is not None:
            # Someone else for an organisation already signed on: they get the same link
            # and pages as anyone (confirming it changes nothing but tells the contact), so
            # whether a sign-on exists, published or not, is never theirs to learn.
            organisation = None
        pledge = OrgPledge(
            organisation=organisation,
            campaign=campaign,
            statement_version=record_statement_version(campaign),
            contact_name=data.contact_name.strip(),
            contact_email=contact_email,
            contact_email_hash=email_hash(contact_email),
            contact_language=data.contact_language,
            ip_hash=client.ip_hash,
            partner=partner,
        )
        if organisation is None:
            propose(pledge, data)
        pledge.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                pledge.save()
        except IntegrityError:
            pledge = OrgPledge.objects.get(organisation=organisation, campaign=campaign)
            return OrgSignOnResult(pledge, "already-signed")
        if over_limit:
            # Held: no email; moderators see it unconfirmed in the queue.
            return OrgSignOnResult(pledge, "held")
        queue_email(pledge, "contact-confirm")
    return OrgSignOnResult(pledge, "new")


def _serialise_mailbox(hashed: str) -> None:
    """Take a transaction-long lock on this mailbox. A new organisation has no row to collide
    on until its contact confirms, so the same contact's racing sign-ons of it run one after
    another: the later ones find the first and send its link again. Other mailboxes are not
    held up; SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [hashed])


def _sign_on_again(pledge: OrgPledge, *, address: str, over_limit: bool) -> OrgSignOnResult:
    """The contact of an existing sign-on submitted it again (from `address`, their mailbox)."""
    if over_limit:
        return OrgSignOnResult(pledge, "held")
    if pledge.status == PledgeStatus.UNCONFIRMED:
        queue_email(pledge, "contact-confirm")
        return OrgSignOnResult(pledge, "resent")
    # To the address just typed: the stored one may be gone (pledges/retention.py).
    queue_email(pledge, "contact-already", address=address)
    return OrgSignOnResult(pledge, "already-signed")


def merge_organisations(
    keep: Organisation, duplicates: list[Organisation], *, by: AbstractBaseUser | None
) -> Organisation:
    """Fold duplicate organisation records into `keep`, moving their sign-ons.

    Where both signed the same campaign, the sign-on further along (approved first) stays.
    """
    rank = {
        PledgeStatus.APPROVED: 0,
        PledgeStatus.AWAITING_MODERATION: 1,
        PledgeStatus.UNCONFIRMED: 2,
        PledgeStatus.WITHDRAWN: 3,
        PledgeStatus.REJECTED: 4,
    }
    campaign_ids: set[int] = set()
    with transaction.atomic():
        for duplicate in duplicates:
            if duplicate.pk == keep.pk:
                continue
            for pledge in OrgPledge.objects.select_for_update().filter(organisation=duplicate):
                campaign_ids.add(pledge.campaign_id)
                kept = OrgPledge.objects.filter(organisation=keep, campaign=pledge.campaign).first()
                if kept is None:
                    pledge.organisation = keep
                    pledge.save(update_fields=["organisation"])
                elif rank[pledge.status] < rank[kept.status]:
                    kept.delete()
                    pledge.organisation = keep
                    pledge.save(update_fields=["organisation"])
                else:
                    pledge.delete()
            for kind in contact.kinds():
                if kind.model is OrgPledge:
                    continue  # one sign-on per campaign: merged above
                moved = kind.model.objects.filter(organisation=duplicate)
                campaign_ids |= set(moved.values_list("campaign_id", flat=True))
                moved.update(organisation=keep)
            if not keep.logo and duplicate.logo:
                keep.logo = duplicate.logo
                keep.save(update_fields=["logo"])
            duplicate.delete()
        for campaign_id in campaign_ids:
            progress.moved(campaign_id)
    return keep


# Update emails -------------------------------------------------------------------------------


def update_recipients(campaign: Campaign) -> models.QuerySet[Signature]:
    return Signature.objects.filter(
        campaign=campaign,
        status=SignatureStatus.CONFIRMED,
        updates_consent=True,
        unsubscribed_at__isnull=True,
    )


def start_mailing(mailing: UpdateMailing, *, by: AbstractBaseUser | None) -> UpdateMailing:
    """Send an update email to every consenting confirmed signer, in batches by the worker."""
    from pledges.tasks import send_mailing_batch

    with transaction.atomic():
        locked = UpdateMailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status != UpdateMailing.Status.DRAFT:
            raise InvalidTransition(locked, UpdateMailing.Status.SENDING)
        locked.status = UpdateMailing.Status.SENDING
        locked.started_at = timezone.now()
        locked.save(update_fields=["status", "started_at"])
        send_mailing_batch.enqueue(locked.pk)
    return locked


def prepare_mailing(mailing: UpdateMailing) -> UpdateMailing:
    """Fix the recipient list of a mailing being sent, once (called by its first batch)."""
    with transaction.atomic():
        locked = UpdateMailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.prepared_at is not None:
            return locked
        ids = update_recipients(locked.campaign).values_list("pk", flat=True)
        batch: list[UpdateDelivery] = []
        total = 0
        for signature_id in ids.iterator(chunk_size=5000):
            batch.append(UpdateDelivery(mailing=locked, signature_id=signature_id))
            if len(batch) >= 5000:
                UpdateDelivery.objects.bulk_create(batch, ignore_conflicts=True)
                total += len(batch)
                batch = []
        UpdateDelivery.objects.bulk_create(batch, ignore_conflicts=True)
        locked.total = total + len(batch)
        locked.prepared_at = timezone.now()
        locked.save(update_fields=["total", "prepared_at"])
    return locked


def mailing_sent_count(mailing: UpdateMailing) -> int:
    return mailing.deliveries.filter(sent_at__isnull=False).count()


# Events for partners -------------------------------------------------------------------------


def _signature_confirmed_event(signature: Signature) -> None:
    """`signature.confirmed`, to the partner who brought the signature and no one else.

    The signer's name and email are in it only if they agreed to share them with that partner.
    """
    if signature.partner_id is None:
        return
    events.emit(
        EventType.SIGNATURE_CONFIRMED,
        representation.confirmed_signature_payload(signature),
        partner=signature.partner,
        campaign=signature.campaign,
        person_hash=signature.email_hash if signature.shared_with_partner else "",
    )


def organisation_approved(pledge: OrgPledge) -> None:
    """`organisation.approved`, with the organisation's public details only."""
    events.emit(
        EventType.ORGANISATION_APPROVED,
        {"organisation": representation.organisation_payload(pledge.organisation)},
        campaign=pledge.campaign,
    )

"""Background email and SMS replies for pledges. Every task is idempotent: it sends only what
is unsent."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lib import sms
from lib.mail import send_templated_email
from lib.retry import retry_later

logger = logging.getLogger(__name__)

MAILING_BATCH_SIZE = 200
# A reply to a text is worth sending within the quarter hour, not the next day: five tries
# (1 + 2 + 4 + 8 minutes of backoff), then the number is forgotten.
SMS_REPLY_ATTEMPTS = 5


@task()
def send_pledge_email(email_id: int, attempt: int = 1) -> bool:
    """Send one queued PledgeEmail once, in its recipient's language."""
    from pledges.emails import build
    from pledges.models import PledgeEmail

    with transaction.atomic():
        email = PledgeEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        outgoing = build(email)
        to = email.address or (outgoing.to if outgoing else "")
        if outgoing is not None and not to:
            outgoing = None  # the address was erased: nothing to send it to
        if outgoing is not None:
            try:
                send_templated_email(
                    outgoing.template,
                    [to],
                    outgoing.context,
                    language=outgoing.language,
                    headers=outgoing.headers,
                )
            except Exception:
                # No address in the log: the email id is enough to find it.
                logger.exception("pledge email %s failed", email_id)
                transaction.on_commit(lambda: retry_later(send_pledge_email, attempt, email_id))
                return False
        email.sent_at = timezone.now()
        email.context = {}  # what was only needed to write the email goes now
        email.address = ""
        email.save(update_fields=["sent_at", "context", "address"])
    return outgoing is not None


@task()
def send_mailing_batch(mailing_id: int, attempt: int = 1) -> int:
    """Send the next batch of an update email, then enqueue the following batch."""
    from pledges.emails import absolute_url
    from pledges.models import Signature, UpdateDelivery, UpdateMailing
    from pledges.services import prepare_mailing
    from pledges.tokens import make_token

    sent = 0
    with transaction.atomic():
        mailing = UpdateMailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status != UpdateMailing.Status.SENDING:
            return 0
        if mailing.prepared_at is None:
            mailing = prepare_mailing(mailing)
        batch = list(
            UpdateDelivery.objects.select_related("signature")
            .filter(mailing=mailing, sent_at__isnull=True)
            .order_by("pk")[:MAILING_BATCH_SIZE]
        )
        campaign = mailing.campaign
        titles: dict[str, str] = {}  # the campaign's title in each signer's language
        for delivery in batch:
            signature = delivery.signature
            still_wanted = (
                signature.status == Signature.Status.CONFIRMED
                and signature.updates_consent
                and signature.unsubscribed_at is None
            )
            if still_wanted:
                if signature.language not in titles:
                    titles[signature.language] = campaign.content(signature.language).title
                token = make_token("unsubscribe", signature.pk)
                unsubscribe_url = absolute_url(
                    "pledges:unsubscribe", language=signature.language, token=token
                )
                try:
                    send_templated_email(
                        "update-email",
                        [signature.email],
                        {
                            "mailing": mailing,
                            "campaign": campaign,
                            "unsubscribe_url": unsubscribe_url,
                            # The campaign in the signer's language, as the rest of the email.
                            "title": titles[signature.language],
                            "campaign_url": absolute_url(
                                "campaigns:detail", language=signature.language, slug=campaign.slug
                            ),
                        },
                        language=signature.language,
                        headers={
                            "List-Unsubscribe": f"<{unsubscribe_url}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                        },
                    )
                except Exception:
                    logger.exception("update email %s, delivery %s failed", mailing_id, delivery.pk)
                    break
                sent += 1
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
        remaining = UpdateDelivery.objects.filter(mailing=mailing, sent_at__isnull=True).exists()
        if not remaining:
            mailing.status = UpdateMailing.Status.SENT
            mailing.finished_at = timezone.now()
            mailing.save(update_fields=["status", "finished_at"])
        elif sent or not batch:
            send_mailing_batch.enqueue(mailing_id)
        else:
            transaction.on_commit(lambda: retry_later(send_mailing_batch, attempt, mailing_id))
    return sent


@task()
def send_sms_reply(reply_id: int, attempt: int = 1) -> bool:
    """Text one queued `SmsReply` once, in its language, then forget the number.

    Without AFRICASTALKING_API_KEY nothing can be sent: the number is forgotten at once. A
    refused number is not retried; an outage is, with backoff, until the attempts run out.
    Only the reply's id is ever logged."""
    from pledges.models import SmsReply
    from pledges.sms_keyword import reply_text

    with transaction.atomic():
        reply = (
            SmsReply.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .filter(pk=reply_id)
            .first()
        )
        if reply is None or reply.outcome or not reply.phone:
            return False
        if not sms.is_configured():
            outcome = "not-configured"
        else:
            try:
                sms.send_sms(reply.phone, reply_text(reply))
            except sms.SmsRefused:
                logger.warning("SMS reply %s refused; the number is forgotten", reply_id)
                outcome = "refused"
            except sms.SmsError:
                logger.exception("SMS reply %s failed", reply_id)
                if attempt < SMS_REPLY_ATTEMPTS:
                    transaction.on_commit(lambda: retry_later(send_sms_reply, attempt, reply_id))
                    return False
                outcome = "failed"
            else:
                outcome = "sent"
                reply.sent_at = timezone.now()
        reply.outcome = outcome
        reply.phone = ""  # nothing more is owed to the number
        reply.save(update_fields=["sent_at", "outcome", "phone"])
    return outcome == "sent"


# Batches one run of `anonymise_campaign` takes before it enqueues itself again: each batch
# is its own transaction, so a killed worker loses at most the batch it was in.
ANONYMISE_BATCHES_PER_RUN = 25


@task()
def anonymise_campaign(campaign_id: int, batches: int = ANONYMISE_BATCHES_PER_RUN) -> int:
    """Anonymise the next batches of a closed campaign's signers (pledges/anonymisation.py),
    then enqueue itself again until the campaign is done. Idempotent: the campaign's
    watermark says where to go on, and finished work is left alone."""
    from campaigns.models import Campaign
    from pledges import anonymisation

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    rewritten = done = 0
    for _ in range(batches):
        step = anonymisation.anonymise_batch(campaign_id)
        rewritten += step.rows
        if step.done or step.rows == 0:
            done = 1
            break
    if not done:
        with transaction.atomic():
            anonymise_campaign.enqueue(campaign_id, batches)
    logger.info("campaign %s: %d signature(s) anonymised", campaign_id, rewritten)
    return rewritten

"""Background email for pledges. Every task is idempotent: it sends only what is unsent."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lib.mail import send_templated_email
from lib.retry import retry_later

logger = logging.getLogger(__name__)

MAILING_BATCH_SIZE = 200


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

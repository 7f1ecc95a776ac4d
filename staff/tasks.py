"""Staff emails, sent by the task worker."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lib.mail import send_templated_email
from lib.retry import retry_later

logger = logging.getLogger(__name__)


@task()
def send_enrolment_link(link_id: int, attempt: int = 1) -> bool:
    """Email an enrolment link, minting its token here so that only its hash is ever stored
    (the task row holds the link's id alone). Sends once; never a link that stopped working."""
    from staff import enrolment
    from staff.models import EnrolmentLink

    with transaction.atomic():
        link = (
            EnrolmentLink.objects.select_for_update()
            .select_related("user")
            .filter(pk=link_id, via=EnrolmentLink.Via.EMAIL)
            .first()
        )
        if link is None or link.sent_at is not None or not link.is_open():
            return False
        if not link.user.email or enrolment.has_enrolled(link.user):
            return False
        token = enrolment.mint_token(link)
        try:
            send_templated_email(
                "staff-enrolment-link",
                [link.user.email],
                {
                    "username": link.user.get_username(),
                    "link": enrolment.link_url(token),
                    "expires_at": link.expires_at,
                },
            )
        except Exception:
            logger.exception("enrolment link %s could not be sent", link_id)
            transaction.on_commit(lambda: retry_later(send_enrolment_link, attempt, link_id))
            return False
        link.sent_at = timezone.now()
        link.save(update_fields=["token_hash", "sent_at"])
    return True

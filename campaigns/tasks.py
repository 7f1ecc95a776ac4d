import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lib.mail import send_templated_email
from lib.retry import retry_later
from staff.roles import COMMUNICATIONS

logger = logging.getLogger(__name__)


@task()
def notify_campaign_launched(campaign_id: int, attempt: int = 1) -> bool:
    """Tell the Communications group a campaign went live. Sends once per launch."""
    from campaigns.models import Campaign

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.launch_notified_at is not None:
            return False
        recipients = sorted(
            get_user_model()
            .objects.filter(groups__name=COMMUNICATIONS, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if recipients:
            try:
                send_templated_email(
                    "campaign-launched",
                    recipients,
                    {"campaign": campaign},
                    language=campaign.default_language,
                )
            except Exception:
                logger.exception("launch notification for campaign %s failed", campaign_id)
                transaction.on_commit(
                    lambda: retry_later(notify_campaign_launched, attempt, campaign_id)
                )
                return False
        campaign.launch_notified_at = timezone.now()
        campaign.save(update_fields=["launch_notified_at"])
    return True


@task()
def send_reply_reminder(request_id: int, kind: str, attempt: int = 1) -> bool:
    """Tell Communications a target's reply is due soon or overdue; once per state
    (`campaigns.replies.send_reminder`)."""
    from campaigns import replies

    return replies.send_reminder(request_id, kind, attempt=attempt)

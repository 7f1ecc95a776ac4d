"""Moderators' emails, sent by the task worker: the daily digest of what waits and the alert
when an empty queue gets its first item. Each is sent once per person and occasion (a
`StaffNotice` row, locked while it is sent), however often its task runs."""

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from lib.mail import send_templated_email
from lib.retry import retry_later

logger = logging.getLogger(__name__)


def _url(name: str, **kwargs) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _send_once(user, *, kind: str, key: str, template: str, context: dict) -> bool:
    """Send `template` to `user` unless this notice went already; raises if sending fails
    (the notice then stays unsent, for the retry)."""
    from staff.models import StaffNotice

    with transaction.atomic():
        notice, _created = StaffNotice.objects.get_or_create(user=user, kind=kind, key=key)
        # Lock it: a second run of the task waits here, then finds it sent.
        notice = StaffNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            return False
        send_templated_email(template, [user.email], {"username": user.get_username(), **context})
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True


def _common_context() -> dict:
    return {
        "home_url": _url("workspace:home"),
        "notifications_url": _url("workspace:notifications"),
        "overdue_days": settings.MODERATION_OVERDUE_DAYS,
    }


def _figures(counts) -> list[str]:
    """ "2 waiting", "1 overdue", "1 nearly overdue" (those above zero after the first)."""
    figures = [ngettext("%(counter)s waiting", "%(counter)s waiting", counts.waiting)]
    numbers = [counts.waiting]
    if counts.overdue:
        figures.append(ngettext("%(counter)s overdue", "%(counter)s overdue", counts.overdue))
        numbers.append(counts.overdue)
    if counts.nearly_overdue:
        figures.append(
            ngettext(
                "%(counter)s nearly overdue", "%(counter)s nearly overdue", counts.nearly_overdue
            )
        )
        numbers.append(counts.nearly_overdue)
    return [text % {"counter": n} for text, n in zip(figures, numbers, strict=True)]


def _headline(total) -> str:
    """The digest's subject: "Moderation: 3 items wait (1 overdue)"."""
    headline = ngettext(
        "Moderation: %(counter)s item waits", "Moderation: %(counter)s items wait", total.waiting
    ) % {"counter": total.waiting}
    if total.overdue:
        overdue = ngettext("%(counter)s overdue", "%(counter)s overdue", total.overdue)
        headline += f" ({overdue % {'counter': total.overdue}})"
    return headline


@task()
def send_moderation_digest(day: str, attempt: int = 1) -> int:
    """The digest of `day` (ISO date) to every moderator who wants it, if anything waits in
    a queue they decide. Returns how many were sent by this run."""
    from staff.models import StaffNotice
    from workspace import moderation, notices

    date.fromisoformat(day)  # refuse anything but a date as the key
    if not any(c.waiting for c in moderation.counts(fresh=True).values()):
        return 0
    sent, failed = 0, False
    for user in notices.digest_recipients():
        summaries = [s for s in moderation.summary_for(user) if s.counts.waiting]
        if not summaries:
            continue
        total = moderation.totals(summaries)
        # Counts are worded here (a template's plural needs a number, the email tests feed
        # any value), in the language the email is written in.
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                **_common_context(),
                "day": date_format(date.fromisoformat(day), "DATE_FORMAT"),
                "headline": _headline(total),
                "summaries": [
                    {
                        "label": s.queue.label,
                        "figures": " · ".join(_figures(s.counts)),
                        "url": _url("workspace:queue", queue=s.queue.slug),
                    }
                    for s in summaries
                ],
            }
        try:
            sent += _send_once(
                user,
                kind=StaffNotice.Kind.MODERATION_DIGEST,
                key=day,
                template="moderation-digest",
                context=context,
            )
        except Exception:
            logger.exception("moderation digest %s for user %s failed", day, user.pk)
            failed = True
    if failed:
        retry_later(send_moderation_digest, attempt, day)
    return sent


@task()
def send_first_item_alert(queue_slug: str, item_pk: int, attempt: int = 1) -> int:
    """Tell the moderators who want it that an empty queue got its first item, unless it
    was decided meanwhile. Returns how many were sent by this run."""
    from staff.models import StaffNotice
    from workspace import moderation, notices

    queue = moderation.get(queue_slug)
    if queue is None or not queue.waiting().filter(pk=item_pk).exists():
        return 0
    context = {
        **_common_context(),
        "label": queue.label,
        "item_url": _url("workspace:item", queue=queue.slug, pk=item_pk),
        "queue_url": _url("workspace:queue", queue=queue.slug),
    }
    sent, failed = 0, False
    for user in notices.alert_recipients():
        if not queue.may_decide(user):
            continue
        try:
            sent += _send_once(
                user,
                kind=StaffNotice.Kind.MODERATION_ALERT,
                key=f"{queue_slug}:{item_pk}",
                template="moderation-alert",
                context=context,
            )
        except Exception:
            logger.exception(
                "moderation alert %s:%s for user %s failed", queue_slug, item_pk, user.pk
            )
            failed = True
    if failed:
        retry_later(send_first_item_alert, attempt, queue_slug, item_pk)
    return sent

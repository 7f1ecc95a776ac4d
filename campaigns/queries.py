"""Reads shared by the HTML pages, the API and the embeds."""

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign

Status = Campaign.Status


def public_q(now=None, *, prefix: str = "") -> Q:
    """Campaigns the public may see; `prefix` reaches them through a relation."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": [Status.LIVE, Status.CLOSED]}) | Q(
        **{f"{prefix}status": Status.SCHEDULED, f"{prefix}launch_at__lte": now}
    )


def public_campaigns(now=None) -> QuerySet[Campaign]:
    return Campaign.objects.filter(public_q(now)).prefetch_related("translations")


def open_campaigns(now=None) -> QuerySet[Campaign]:
    now = now or timezone.now()
    return (
        public_campaigns(now)
        .exclude(status=Status.CLOSED)
        .exclude(close_at__lte=now)
        .order_by("-launched_at", "-launch_at", "-created_at")
    )


NAVIGATION_SECONDS = 60


def navigation() -> dict:
    """What the site's menu links to beyond fixed pages: the live BDS drive's tracker (the
    newest, if any). Cached briefly: it is read by every page."""
    key = "campaigns:navigation:v1"
    found = cache.get(key)
    if found is None:
        drive = open_campaigns().filter(kind=Campaign.Kind.BDS).values_list("slug", flat=True)
        try:
            found = {"tracker_slug": drive.first() or ""}
        except DatabaseError:  # the outage page renders the menu too
            return {"tracker_slug": ""}
        cache.set(key, found, NAVIGATION_SECONDS)
    return found

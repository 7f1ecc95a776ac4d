"""The moderation queues: a registry of the kinds of item that wait for a moderator.

Each kind is a `Queue` registered with `register` (the built-in ones from `workspace.queues`,
called in `WorkspaceConfig.ready`): a label, who decides, the queryset of waiting items and
the field saying since when each waits, the decided items, and how its page shows an item
and which decisions it offers. A new kind (target replies awaiting publication, say) is one
more `register(Queue(...))`; the lists, counts, menu, digest and alerts pick it up.

Reads only: every decision runs through the owning app's service (`Decision.run`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, Min, Q, Value
from django.utils import timezone
from django.utils.functional import Promise

# The counts in the menu, on the staff home and in the digest: one query for every queue,
# kept this many seconds (and dropped after a decision or an arrival).
COUNTS_CACHE_KEY = "workspace:moderation-counts:v1"
COUNTS_CACHE_SECONDS = 30

OVERDUE = "overdue"
NEARLY_OVERDUE = "nearly-overdue"


@dataclass(frozen=True)
class Decided:
    """How a decided item was decided, for its page and the decided list."""

    label: str | Promise
    by: str  # a staff username, or "" for the system
    at: datetime | None
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    """One button on an item's page (and its "… and next" twin).

    `run(obj, by=user, reason=…, data=request.POST)` calls the owning service and returns
    the message to show; it raises `ValidationError` or `InvalidTransition` to refuse.
    """

    slug: str
    label: str | Promise
    label_next: str | Promise
    run: Callable[..., str]
    needs_reason: bool = False
    reason_label: str | Promise = ""
    reason_help: str | Promise = ""
    danger: bool = False
    # The "… and next" button's access key (a reason field takes the decision's key instead).
    accesskey: str = ""
    # More fields inside this decision's form (the trusted updates of a commitment pledge).
    fields_template: str = ""
    # The item is gone afterwards (a discarded signature): nothing to link back to.
    removes: bool = False


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str | Promise  # the queue's heading: "Organisational sign-ons"
    model: type[models.Model]
    permission: str  # who may open the queue and decide its items
    since_field: str  # when an item started waiting
    waiting: Callable[[], models.QuerySet]  # the waiting items (any order)
    decided: Callable[[], models.QuerySet]  # the decided ones, newest decision first
    item: Callable[[int], models.Model | None]  # an item of this queue, waiting or decided
    title: Callable[[models.Model], str]  # the item's heading
    decision_of: Callable[[models.Model], Decided | None]  # None while it waits
    decisions: Callable[[models.Model], list[Decision]]  # the buttons it offers now
    # What the list needs beyond the waiting queryset (related rows, annotations).
    for_list: Callable[[models.QuerySet], models.QuerySet] = field(default=lambda qs: qs)
    details: Callable[..., dict[str, Any]] = field(default=lambda obj, *, request: {})
    row_template: str = ""  # default: workspace/queues/<slug>_row.html
    decided_row_template: str = ""  # default: workspace/queues/<slug>_decided_row.html
    item_template: str = ""  # default: workspace/queues/<slug>_item.html

    def template(self, part: str) -> str:
        own = {
            "row": self.row_template,
            "decided_row": self.decided_row_template,
            "item": self.item_template,
        }[part]
        return own or f"workspace/queues/{self.slug}_{part}.html"

    def may_decide(self, user) -> bool:
        return user.is_active and user.is_staff and user.has_perm(self.permission)

    def waiting_in_order(self) -> models.QuerySet:
        return self.waiting().order_by(self.since_field, "pk")

    def next_waiting(self, after: models.Model | None = None) -> models.Model | None:
        """The waiting item after `after` in queue order (oldest first), else the oldest."""
        line = self.waiting_in_order()
        if after is None:
            return line.first()
        line = line.exclude(pk=after.pk)
        since = getattr(after, self.since_field, None)
        if since is not None:
            later = Q(**{f"{self.since_field}__gt": since}) | Q(
                **{self.since_field: since, "pk__gt": after.pk}
            )
            following = line.filter(later).first()
            if following is not None:
                return following
        return line.first()


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    """Add a kind of waiting item (or replace the one with the same slug)."""
    _queues[queue.slug] = queue


def queues() -> list[Queue]:
    return list(_queues.values())


def get(slug: str) -> Queue | None:
    return _queues.get(slug)


def queue_for(obj: models.Model) -> Queue | None:
    """The queue that items like `obj` wait in, if any."""
    return next((q for q in _queues.values() if isinstance(obj, q.model)), None)


def decidable_by(user) -> list[Queue]:
    return [queue for queue in _queues.values() if queue.may_decide(user)]


# Service level -------------------------------------------------------------------------------


def overdue_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.MODERATION_OVERDUE_DAYS)


def nearly_overdue_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.MODERATION_NEARLY_OVERDUE_DAYS)


def service_level(since: datetime | None, now: datetime) -> str:
    """OVERDUE, NEARLY_OVERDUE or "" for an item waiting since `since`."""
    if since is None:
        return ""
    if since <= overdue_cutoff(now):
        return OVERDUE
    if since <= nearly_overdue_cutoff(now):
        return NEARLY_OVERDUE
    return ""


# Counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    waiting: int = 0
    overdue: int = 0
    nearly_overdue: int = 0
    oldest: datetime | None = None


@dataclass(frozen=True)
class Summary:
    queue: Queue
    counts: Counts


def _count_all(now: datetime) -> dict[str, Counts]:
    """Every queue's counts in one query: one aggregate row per queue, UNION ALL."""
    registered = queues()
    if not registered:
        return {}
    overdue, nearly = overdue_cutoff(now), nearly_overdue_cutoff(now)
    parts = []
    for slot, queue in enumerate(registered):
        since = queue.since_field
        parts.append(
            queue.waiting()
            .order_by()
            .annotate(slot=Value(slot))
            .values("slot")
            .annotate(
                n_waiting=Count("pk"),
                n_overdue=Count("pk", filter=Q(**{f"{since}__lte": overdue})),
                n_nearly=Count(
                    "pk", filter=Q(**{f"{since}__lte": nearly, f"{since}__gt": overdue})
                ),
                oldest=Min(since),
            )
        )
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    query = query.order_by()  # not the first model's default ordering: no such column here
    found = {
        row["slot"]: Counts(row["n_waiting"], row["n_overdue"], row["n_nearly"], row["oldest"])
        for row in query
    }
    return {queue.slug: found.get(slot, Counts()) for slot, queue in enumerate(registered)}


def counts(*, fresh: bool = False) -> dict[str, Counts]:
    """Each queue's counts by slug, cached for COUNTS_CACHE_SECONDS unless `fresh`."""
    if not fresh:
        cached = cache.get(COUNTS_CACHE_KEY)
        if cached is not None and set(cached) == set(_queues):
            return cached
    computed = _count_all(timezone.now())
    cache.set(COUNTS_CACHE_KEY, computed, COUNTS_CACHE_SECONDS)
    return computed


def forget_counts() -> None:
    """Drop the cached counts once the transaction that moved an item commits."""
    transaction.on_commit(lambda: cache.delete(COUNTS_CACHE_KEY))


def summary_for(user, *, fresh: bool = False) -> list[Summary]:
    """The counts of the queues `user` decides, in registration order ([] for other staff)."""
    mine = decidable_by(user)
    if not mine:
        return []
    known = counts(fresh=fresh)
    return [Summary(queue, known.get(queue.slug, Counts())) for queue in mine]


def totals(summaries: list[Summary]) -> Counts:
    return Counts(
        waiting=sum(s.counts.waiting for s in summaries),
        overdue=sum(s.counts.overdue for s in summaries),
        nearly_overdue=sum(s.counts.nearly_overdue for s in summaries),
    )

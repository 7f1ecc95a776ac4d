"""Progress figures for every page, the API and the embeds: one aggregate per figure.

Figures are derived from the rows by the providers registered in `campaigns.figures` and
cached for COUNTER_CACHE_SECONDS at most. Writers call `moved(campaign_id, *keys)` inside their
transaction: it marks the cached figures stale once the transaction commits, tells the
`on_moved` listeners (the page cache), and leaves word for the counting job that figures with
a goal moved (`campaigns.counters`; the job runs the goal checks). Nothing is counted there.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext

from campaigns import counters
from campaigns import figures as registry
from campaigns.models import Campaign


@dataclass(frozen=True)
class Figure:
    key: str
    count: int
    goal: int | None

    @property
    def percent(self) -> int:
        if not self.goal:
            return 0
        return min(100, (self.count * 100) // self.goal)

    @property
    def label(self) -> str:
        """What the count counts, agreeing with it: "1 signature", "2 signatures" (and every
        plural form of the language: Arabic has six). Shown after the count."""
        return FIGURE_COUNT_LABELS[self.key](self.count)

    @property
    def name(self) -> str:
        """The figure's name where no count is shown (a progress bar's label): "signatures"."""
        return str(FIGURE_LABELS[self.key])

    @property
    def milestone(self) -> int:
        """What the bar aims at: the next step of `MILESTONES` above the count, or the goal
        once it is the nearer. A bar towards a far goal starts empty and reads as failure."""
        return next_milestone(self.count, self.goal)

    @property
    def milestone_percent(self) -> int:
        return min(100, (self.count * 100) // self.milestone)

    @property
    def milestone_is_goal(self) -> bool:
        return bool(self.goal) and self.milestone == self.goal


def _milestones():
    yield from (100, 250, 500)
    step = 1000
    while True:
        yield from (step, step * 5 // 2, step * 5)
        step *= 10


def next_milestone(count: int, goal: int | None = None) -> int:
    """The smallest of 100, 250, 500, 1,000, 2,500, 5,000, 10,000 … above `count`, or the
    goal when it is above the count and nearer; once the goal is met, the next step."""
    step = next(m for m in _milestones() if m > count)
    if goal and count < goal <= step:
        return goal
    return step


FIGURE_LABELS = {
    "signatures": _("signatures"),
    "organisations": _("organisations"),
    "commitments_fulfilled": _("commitments fulfilled"),
    "raised": _("raised"),
}
# The same after a count, in the form the count asks for.
FIGURE_COUNT_LABELS = {
    "signatures": lambda n: npgettext(
        "progress figure, after its count", "signature", "signatures", n
    ),
    "organisations": lambda n: npgettext(
        "progress figure, after its count", "organisation", "organisations", n
    ),
    "commitments_fulfilled": lambda n: npgettext(
        "progress figure, after its count", "commitment fulfilled", "commitments fulfilled", n
    ),
    "raised": lambda n: str(FIGURE_LABELS["raised"]),  # after an amount, not a count
}


@dataclass(frozen=True)
class Progress:
    campaign_id: int
    signatures: int = 0
    pending_signatures: int = 0
    paper_signatures: int = 0  # of `signatures`, counted from paper sheets (paper/)
    organisations: int = 0
    commitments: dict[str, int] = field(default_factory=dict)
    raised: dict = field(default_factory=dict)
    goals: dict[str, int | None] = field(default_factory=dict)
    updated_at: datetime | None = None

    @property
    def figures(self) -> list[Figure]:
        """The figures the campaign has a goal for, or collects, in display order."""
        out = []
        for key in ("signatures", "organisations", "commitments_fulfilled"):
            if key in self.goals:
                out.append(Figure(key, self.count(key), self.goals[key]))
        return out

    def count(self, key: str) -> int:
        if key == "commitments_fulfilled":
            return self.commitments.get("fulfilled", 0)
        return getattr(self, key)

    def as_dict(self) -> dict:
        return asdict(self)


def _cache_key(campaign_id: int) -> str:
    return f"progress:v1:{campaign_id}"


def compute_progress(campaign: Campaign) -> Progress:
    goals: dict[str, int | None] = {}
    if campaign.collects_signatures or campaign.signature_goal:
        goals["signatures"] = campaign.signature_goal
    if campaign.collects_organisations or campaign.organisation_goal:
        goals["organisations"] = campaign.organisation_goal
    if campaign.collects_commitments:
        goals["commitments_fulfilled"] = None
    return Progress(
        campaign_id=campaign.pk,
        goals=goals,
        updated_at=timezone.now(),
        **registry.collect(campaign),
    )


# Under a signing spike every commit invalidates the figures. Deleting them made every read a
# recount (40 ms on a 200,000-signature campaign) and readers queued behind signers (bench/).
# So an invalidation marks the figures stale instead: one process recounts while the others
# serve the last figures, which are older than COUNTER_CACHE_SECONDS only while that recount runs.
KEEP_SECONDS = 300  # how long the last figures may stand in for a recount in progress
RECOUNT_LOCK_SECONDS = 30  # a crashed recounter frees the lock by then


def campaign_progress(campaign: Campaign) -> Progress:
    key, stale_key = _cache_key(campaign.pk), _stale_key(campaign.pk)
    cached = cache.get_many([key, stale_key])
    progress = cached.get(key)
    if progress is not None and stale_key not in cached and _fresh(progress):
        return progress
    lock = _lock_key(campaign.pk)
    locked = cache.add(lock, 1, RECOUNT_LOCK_SECONDS)
    if progress is not None and not locked:
        return progress  # another process is recounting
    try:
        cache.delete(stale_key)  # before counting: a commit during the count marks it again
        progress = compute_progress(campaign)
        cache.set(key, progress, KEEP_SECONDS)
    finally:
        if locked:
            cache.delete(lock)
    return progress


def _fresh(progress: Progress) -> bool:
    age = timezone.now() - progress.updated_at
    return age.total_seconds() < settings.COUNTER_CACHE_SECONDS


def _stale_key(campaign_id: int) -> str:
    return f"progress:v1:{campaign_id}:stale"


def _lock_key(campaign_id: int) -> str:
    return f"progress:v1:{campaign_id}:recount"


def invalidate(campaign_id: int) -> None:
    cache.set(_stale_key(campaign_id), 1, KEEP_SECONDS)


def moved(campaign_id: int | None, *keys: str) -> None:
    """Figures `keys` of the campaign moved in the current transaction.

    The cached figures are marked stale when the transaction commits (a rolled-back write
    moves nothing); listeners run now, inside the transaction, so the work they queue commits
    or vanishes with it.
    """
    if not campaign_id:
        return
    transaction.on_commit(lambda: invalidate(campaign_id))
    registry.notify(campaign_id, keys)
    # Tallied figures leave their own change rows (counters.add); the others leave word.
    goals = (set(keys) & registry.goal_keys()) - counters.tallied()
    if goals:
        counters.mark(campaign_id, goals)

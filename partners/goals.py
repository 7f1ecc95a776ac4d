"""`goal.reached`: announced once per goal, checked in the worker after the counting job saw a
figure move (`campaigns.counters`)."""

from django.db import IntegrityError, transaction
from django.tasks import task

from campaigns import figures
from campaigns.models import Campaign
from campaigns.progress import Progress, compute_progress
from partners.events import emit
from partners.models import EventType, ReachedGoal


def _reached(progress: Progress) -> list[tuple[str, int, int, dict]]:
    """(figure, goal, count, extra) for every goal met: counts, and money in the goal currency."""
    reached = [
        (figure.key, figure.goal, figure.count, {})
        for figure in progress.figures
        if figure.goal and figure.count >= figure.goal
    ]
    raised = progress.raised or {}
    goal_minor = raised.get("goal_minor")
    if goal_minor and raised.get("total_minor", 0) >= goal_minor:
        reached.append(
            ("raised", goal_minor, raised["total_minor"], {"currency": raised["currency"]})
        )
    return reached


def announce_reached_goals(campaign: Campaign) -> list[str]:
    """Emit `goal.reached` once for each goal the campaign's figures now meet.

    Reads fresh figures, not the cached ones: this runs right after the write that moved
    them, possibly before the cache was invalidated.
    """
    announced = []
    for key, goal, count, extra in _reached(compute_progress(campaign)):
        try:
            with transaction.atomic():
                ReachedGoal.objects.create(campaign=campaign, figure=key, goal=goal)
                emit(
                    EventType.GOAL_REACHED,
                    {"figure": key, "goal": goal, "count": count, **extra},
                    campaign=campaign,
                )
        except IntegrityError:
            continue  # announced already
        announced.append(key)
    return announced


@task()
def check_goals(campaign_id: int) -> list[str]:
    """Announce goals reached; other apps enqueue this after a figure moves."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return []
    return announce_reached_goals(campaign)


def figures_counted(campaign_id: int, keys: frozenset[str]) -> None:
    """Listener of `campaigns.figures.on_counted`: the counting job saw a figure that can
    carry a goal move, so check the campaign's goals in the worker, once per run."""
    if keys & figures.goal_keys():
        check_goals.enqueue(campaign_id)

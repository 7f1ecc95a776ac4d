"""The registry of public figures: each app registers the figures it owns, here, below it.

`campaigns` counts nothing itself. `pledges` registers signatures and organisations,
`commitments` the commitment counts (and organisations for BDS drives), `donations` the money
raised; `campaigns.progress` asks every registered provider and caches the result. Apps that
want to hear when figures move register a listener: `on_moved` runs inside every writer's
transaction (the page cache), `on_counted` inside the counting job's (`campaigns.counters`:
goal announcements ride on it, once a run, not once a confirmation or a gift).

Registration happens in each app's `AppConfig.ready`, so the registry is complete before the
first request and the dependency still points down: `campaigns` imports no app above it.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from campaigns.models import Campaign


@dataclass(frozen=True)
class Provider:
    keys: tuple[str, ...]
    count: Callable[[Campaign], dict]
    applies: Callable[[Campaign], bool]
    goals: tuple[str, ...]


_providers: list[Provider] = []
_listeners: list[Callable[[int, frozenset[str]], None]] = []
_counted_listeners: list[Callable[[int, frozenset[str]], None]] = []


def register(
    keys: Iterable[str],
    count: Callable[[Campaign], dict],
    *,
    applies: Callable[[Campaign], bool] = lambda campaign: True,
    goals: Iterable[str] = (),
) -> None:
    """`count(campaign)` returns a dict with exactly `keys`, for the campaigns `applies` to.

    Two providers may own the same key for different campaigns (organisations are counted
    one way for statements and another for BDS drives), never for the same campaign.
    `goals`: the keys that can carry a campaign goal, so moving them may reach it.
    """
    keys, goals = tuple(keys), tuple(goals)
    if not set(goals) <= set(keys):
        raise ValueError(f"goals {goals} are not among {keys}")
    provider = Provider(keys, count, applies, goals)
    if provider not in _providers:
        _providers.append(provider)


def collect(campaign: Campaign) -> dict:
    """Every figure registered for `campaign`, one aggregate per provider."""
    values: dict = {}
    for provider in _providers:
        if not provider.applies(campaign):
            continue
        counted = provider.count(campaign)
        if set(counted) != set(provider.keys):
            raise ValueError(f"{provider.count.__qualname__} returned {sorted(counted)}")
        clash = set(counted) & set(values)
        if clash:
            raise ValueError(f"two providers count {sorted(clash)} for {campaign.slug}")
        values.update(counted)
    return values


def goal_keys() -> frozenset[str]:
    """The figure keys whose movement may reach a goal."""
    return frozenset(key for provider in _providers for key in provider.goals)


def on_moved(listener: Callable[[int, frozenset[str]], None]) -> None:
    """`listener(campaign_id, keys)` runs inside the writer's transaction when figures move."""
    if listener not in _listeners:
        _listeners.append(listener)


def notify(campaign_id: int, keys: Collection[str]) -> None:
    for listener in _listeners:
        listener(campaign_id, frozenset(keys))


def on_counted(listener: Callable[[int, frozenset[str]], None]) -> None:
    """`listener(campaign_id, keys)` runs in the counting job's transaction for every
    campaign whose figures `keys` moved since the job's last run."""
    if listener not in _counted_listeners:
        _counted_listeners.append(listener)


def counted(campaign_id: int, keys: Collection[str]) -> None:
    for listener in _counted_listeners:
        listener(campaign_id, frozenset(keys))


@dataclass(frozen=True)
class MoneyFormat:
    """How the app that owns money writes it, for the rooms below it (the share cards)."""

    to_major: Callable[[int, str], Decimal]  # (minor units, currency) -> major units
    whole: Callable[[int, str, str], str]  # (whole major units, currency, language) -> text


_money_format: list[MoneyFormat] = []


def register_money_format(money_format: MoneyFormat) -> None:
    _money_format[:] = [money_format]


def money_format() -> MoneyFormat | None:
    return _money_format[0] if _money_format else None

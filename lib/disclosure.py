"""Small counts kept out of public breakdowns (statistical disclosure control).

A breakdown (signatures by country, commitments by country …) shows a group's count only
when it is at least `minimum` (the `PUBLIC_MIN_COUNT` setting). The groups under it are
marked "fewer than N" and counted together in one "other" figure, so the total stays exact.
That figure must not give a small count away by subtraction, so `protect` folds further
groups into it (the smallest shown first) until, from the shown counts and the total, none
of the small counts can be pinned to one value:

- the "other" figure (its groups, not counting rows without a group) is at least `minimum`;
- no small group can be solved for: with the others at their bounds (a small group counts
  1 … minimum - 1, a group folded in for safety at least `minimum` and at most the smallest
  shown count) its range is wider than one value. One group alone, or two of 4 out of 8
  with a minimum of 5, would be solvable; `derivable` says which.

Whoever reads the published numbers is assumed to know the rule, which groups are marked
"fewer than N", and even how many rows have no group (the unattributed part of the total):
the safety holds with all of that known.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Breakdown:
    """What may be published of a breakdown.

    `shown`: (key, count), largest first (ties by key), every count at least `minimum`.
    `fewer`: keys of the groups under `minimum`, sorted by key (never by count: an order
    would tell their counts apart). `other`: `total` minus the shown counts, covering the
    `fewer` groups, the groups folded in for safety (not named) and any rows without a key.
    """

    shown: tuple[tuple[str, int], ...]
    fewer: tuple[str, ...]
    other: int
    total: int
    minimum: int

    def count(self, key: str) -> int | None:
        """The published count of `key` (None: not published)."""
        return dict(self.shown).get(key)


def protect(counts: Mapping[str, int], total: int, *, minimum: int) -> Breakdown:
    """The publishable form of `counts` (group -> count) out of `total` (which may include
    rows in no group, so it is at least the sum of the counts).

    Pure: the same input gives the same output. `minimum` <= 1 publishes every count."""
    groups = {key: n for key, n in counts.items() if n > 0}
    if sum(groups.values()) > total:
        raise ValueError("the total is smaller than the sum of its groups")
    if minimum <= 1:
        shown = tuple(sorted(groups.items(), key=lambda item: (-item[1], item[0])))
        return Breakdown(shown, (), total - sum(groups.values()), total, minimum)
    small = {key for key, n in groups.items() if n < minimum}
    # Largest first: the smallest shown is the last, and the next to fold in.
    shown_list = sorted(
        ((key, n) for key, n in groups.items() if key not in small),
        key=lambda item: (-item[1], item[0]),
    )
    folded: list[int] = []  # counts of the groups folded in for safety

    def safe() -> bool:
        smallest_shown = shown_list[-1][1] if shown_list else None
        return _safe([groups[key] for key in small], folded, smallest_shown, minimum=minimum)

    while small and not safe() and shown_list:
        folded.append(shown_list.pop()[1])
    # Still unsafe with every group folded in: name none of them, publish the total alone.
    fewer = tuple(sorted(small)) if not small or safe() else ()
    other = total - sum(n for _key, n in shown_list)
    return Breakdown(tuple(shown_list), fewer, other, total, minimum)


def derivable(
    small: Iterable[int], folded: Iterable[int], smallest_shown: int | None, *, minimum: int
) -> list[int]:
    """The indexes of the `small` counts someone could solve for exactly, knowing the sum of
    `small` and `folded`, how many there are of each, and their bounds: a small count is in
    1 … minimum - 1, a folded one in minimum … smallest_shown (or the sum, nothing shown)."""
    small, folded = list(small), list(folded)
    hidden = sum(small) + sum(folded)
    folded_high = smallest_shown if smallest_shown is not None else hidden
    low_all = len(small) * 1 + len(folded) * minimum
    high_all = len(small) * (minimum - 1) + len(folded) * folded_high
    found = []
    for index, _n in enumerate(small):
        low = max(1, hidden - (high_all - (minimum - 1)))
        high = min(minimum - 1, hidden - (low_all - 1))
        if low >= high:
            found.append(index)
    return found


def _safe(small: list[int], folded: list[int], smallest_shown: int | None, *, minimum: int) -> bool:
    if sum(small) + sum(folded) < minimum:
        return False
    return not derivable(small, folded, smallest_shown, minimum=minimum)


OTHER = "other"  # the key of the row that counts the groups not counted apart


def published_rows(breakdown: Breakdown) -> list[tuple[str, int | None]]:
    """(key, count) as a list shows them: the shown counts largest first, the groups under
    the minimum by key with None for their count, then (OTHER, count) when it is not 0."""
    rows: list[tuple[str, int | None]] = list(breakdown.shown)
    rows += [(key, None) for key in breakdown.fewer]
    if breakdown.other:
        rows.append((OTHER, breakdown.other))
    return rows

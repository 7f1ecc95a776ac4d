"""lib/disclosure.py: no small count can be recovered from a published breakdown."""

import random

import pytest

from lib.disclosure import Breakdown, derivable, protect


def _feasible_values(bounds: list[range], hidden: int) -> list[set[int]]:
    """For each hidden group, every value it can take with the others inside their bounds
    and all of them summing to `hidden` (subset sums, not the module's interval logic)."""
    values = []
    for index, own in enumerate(bounds):
        reachable = {0}
        for other, others in enumerate(bounds):
            if other != index:
                reachable = {s + v for s in reachable for v in others if s + v <= hidden}
        values.append({v for v in own if hidden - v in reachable})
    return values


def _attacker(breakdown: Breakdown, counts: dict[str, int], unattributed: int) -> dict[str, set]:
    """What someone who knows the rule, which groups are marked "fewer than", how many
    groups were folded in and how many rows have no group can say of each small group."""
    minimum = breakdown.minimum
    hidden = breakdown.other - unattributed
    shown_keys = {key for key, _n in breakdown.shown}
    folded = [k for k, n in counts.items() if n > 0 and k not in shown_keys]
    folded = [k for k in folded if k not in breakdown.fewer]
    smallest_shown = breakdown.shown[-1][1] if breakdown.shown else hidden
    bounds = [range(1, minimum) for _key in breakdown.fewer]
    bounds += [range(minimum, smallest_shown + 1) for _key in folded]
    values = _feasible_values(bounds, hidden)
    return dict(zip(breakdown.fewer, values, strict=False))


def test_two_signers_from_one_country_are_not_shown_or_derivable():
    counts = {"GB": 40, "FR": 30, "DE": 12, "ES": 9, "KE": 2}
    breakdown = protect(counts, 93, minimum=5)
    assert breakdown.count("KE") is None
    assert breakdown.fewer == ("KE",)
    # KE alone in "other" would be 2: the smallest shown (ES, 9) goes with it.
    assert breakdown.shown == (("GB", 40), ("FR", 30), ("DE", 12))
    assert breakdown.other == 11
    assert breakdown.total == 93


def test_nothing_small_publishes_everything():
    breakdown = protect({"GB": 6, "FR": 5}, 11, minimum=5)
    assert breakdown.shown == (("GB", 6), ("FR", 5))
    assert breakdown.fewer == ()
    assert breakdown.other == 0


def test_two_small_groups_summing_over_the_minimum_stay_together():
    breakdown = protect({"GB": 50, "KE": 3, "UG": 4}, 57, minimum=5)
    assert breakdown.shown == (("GB", 50),)
    assert breakdown.fewer == ("KE", "UG")
    assert breakdown.other == 7


def test_two_groups_at_the_largest_small_count_are_solvable_so_more_is_folded():
    # 8 from two groups under 5: both must be 4.
    breakdown = protect({"GB": 50, "DE": 6, "KE": 4, "UG": 4}, 64, minimum=5)
    assert breakdown.shown == (("GB", 50),)
    assert breakdown.other == 14


def test_many_groups_of_one_are_solvable_so_more_is_folded():
    counts = {"GB": 50, "DE": 7, **{code: 1 for code in ("KE", "UG", "TZ", "RW", "BI")}}
    breakdown = protect(counts, 62, minimum=5)
    assert breakdown.count("DE") is None
    assert breakdown.other == 12


def test_when_nothing_can_be_safe_only_the_total_is_published():
    breakdown = protect({"KE": 2, "UG": 1}, 3, minimum=5)
    assert breakdown.shown == ()
    assert breakdown.fewer == ()
    assert breakdown.other == 3


def test_rows_without_a_group_are_in_other_and_the_total_stays_exact():
    breakdown = protect({"GB": 20, "FR": 9, "KE": 2}, 35, minimum=5)
    assert breakdown.total == 35
    assert sum(n for _k, n in breakdown.shown) + breakdown.other == 35


def test_a_minimum_of_one_publishes_every_count():
    assert protect({"KE": 1, "GB": 3}, 4, minimum=1).shown == (("GB", 3), ("KE", 1))


def test_zero_groups_are_not_groups():
    assert protect({"GB": 7, "KE": 0}, 7, minimum=5).fewer == ()


def test_a_total_under_its_groups_is_refused():
    with pytest.raises(ValueError):
        protect({"GB": 7}, 6, minimum=5)


def test_derivable_finds_one_group_alone():
    assert derivable([3], [], 10, minimum=5) == [0]
    assert derivable([3, 2], [], 10, minimum=5) == []


@pytest.mark.parametrize("seed", range(40))
def test_no_small_count_can_be_derived_from_random_breakdowns(seed):
    rng = random.Random(seed)
    for _ in range(100):
        minimum = rng.choice([2, 3, 5, 5, 5, 10])
        groups = rng.randint(0, 9)
        counts = {
            f"C{i}": rng.choice([rng.randint(1, minimum + 3), rng.randint(1, 4 * minimum)])
            for i in range(groups)
        }
        unattributed = rng.choice([0, 0, rng.randint(0, 3)])
        total = sum(counts.values()) + unattributed
        breakdown = protect(counts, total, minimum=minimum)

        assert breakdown.total == total
        assert sum(n for _k, n in breakdown.shown) + breakdown.other == total
        assert all(n >= minimum for _k, n in breakdown.shown)
        assert all(counts[key] == n for key, n in breakdown.shown)
        small = {key for key, n in counts.items() if 0 < n < minimum}
        assert not small & {key for key, _n in breakdown.shown}
        assert set(breakdown.fewer) <= small
        if breakdown.fewer:
            assert breakdown.other - unattributed >= minimum
            for key, values in _attacker(breakdown, counts, unattributed).items():
                assert counts[key] in values
                assert len(values) > 1, (counts, breakdown, key)
        elif small:  # nothing could be made safe: nothing but the total
            assert breakdown.shown == ()
        assert protect(counts, total, minimum=minimum) == breakdown  # pure

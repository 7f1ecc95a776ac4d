"""The benchmark's targets, each written once, as data.

A `Target` names a figure computed from a run's results, the goal, and how the two are
compared. `judge` applies every target to the results and returns one row per target; the
report (bench/report.py) prints those rows, so the pass/fail check and the report read the same
definitions. Most figures are ratios to the baseline views of the same run (README "Benchmark").
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Results = dict[str, Any]

# Rows compared this way are shown and never fail: a figure for reference, or the baseline floor.
UNJUDGED = ("reported", "floor")
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "equal": lambda values, _goal: len(set(values)) == 1,
    "reported": lambda _value, _goal: True,
    "floor": lambda _value, _goal: True,
}


def no_note(results: Results) -> str:
    return ""


@dataclass(frozen=True)
class Target:
    key: str
    # Filled in with str.format(**results): "{drain[workers]}" reads results["drain"]["workers"].
    label: str
    measure: Callable[[Results], Any]
    goal: float | None = None
    compare: str = "reported"
    # Rounding of the figure in the report (0: a whole number); the check uses the exact figure.
    digits: int | None = None
    note: Callable[[Results], str] = no_note
    # A scenario's own verdict that must hold too (e.g. the drain's "ok": every email sent once).
    verdict: Callable[[Results], bool] | None = None
    # The section of the results the target reads; a run without it does not report the target.
    needs: str = "scenarios"

    def applies(self, results: Results) -> bool:
        return bool(results.get(self.needs))

    def met(self, results: Results) -> bool:
        value = self.measure(results)
        if value is None:  # not measured (e.g. the confirmed signature never showed)
            return self.compare in UNJUDGED
        if not COMPARE[self.compare](value, self.goal):
            return False
        return self.verdict is None or self.verdict(results)

    def shown(self, results: Results) -> Any:
        value = self.measure(results)
        if value is None or self.digits is None:
            return value
        return round(value) if self.digits == 0 else round(value, self.digits)

    @property
    def goal_text(self) -> str:
        if self.compare in UNJUDGED:
            return f"({self.compare})"
        if self.compare == "==":
            return str(self.goal)
        if self.compare == "equal":
            return "equal"
        return f"{self.compare} {self.goal}"


# Figures read from the results -----------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def rps_ratio(name: str, base: str) -> Callable[[Results], float]:
    def measure(results: Results) -> float:
        s = results["scenarios"]
        return ratio(s[name]["rps"], s[base]["rps"])

    return measure


def rps_note(name: str, base: str) -> Callable[[Results], str]:
    def note(results: Results) -> str:
        s = results["scenarios"]
        return f"{s[name]['rps']:.0f} vs {s[base]['rps']:.0f} req/s"

    return note


def p99(name: str) -> Callable[[Results], float]:
    return lambda results: results["scenarios"][name]["p99_ms"]


def signers(results: Results) -> list[dict]:
    """Every sign intake run: the one alone and those beside each read path."""
    s = results["scenarios"]
    return [s["sign"]] + [s[k]["signers"] for k in s if k.endswith("_under_load")]


def sign_errors(results: Results) -> int:
    return sum(run["errors"] for run in signers(results))


def lost_or_doubled(results: Results) -> int:
    return sum(
        run["integrity"]["lost"] + run["integrity"]["doubled"]
        + run["integrity"]["unexplained_extra"]
        for run in signers(results)
    )  # fmt: skip


def missing_tasks(results: Results) -> int:
    return sum(run["integrity"]["missing_tasks"] for run in signers(results))


def crypto_rates_note(results: Results) -> str:
    c = results["sign_crypto"]
    return (
        f"{c['real_per_s']:.0f} vs {c['stand_in_per_s']:.0f} signs/s, {c['signs']} each, "
        f"taking turns every {c['turn']} signs"
    )


def crypto_share_note(results: Results) -> str:
    c = results["sign_crypto"]
    quarters = " / ".join(f"{share:.1f}" for share in c["quarter_share_pct"])
    return (
        f"by quarter {quarters} %; median sign {c['real_ms_median']:.2f} vs "
        f"{c['stand_in_ms_median']:.2f} ms ({c['median_share_pct']:.1f} %); direct: "
        f"{c['encrypts_per_sign']:g} encryptions + {c['hashes_per_sign']:g} hashes ≈ "
        f"{c['direct_us_per_sign']:.0f} µs a sign ({c['direct_share_pct']:.1f} %)"
    )


def read_errors(results: Results) -> int:
    s = results["scenarios"]
    return sum(s[k]["errors"] for k in s if k not in ("sign", "freshness") and "errors" in s[k])


def under_load(key: str, label: str, *, judged: bool) -> list[Target]:
    """Throughput against the constant JSON, and p99, of one read path beside sign intake."""
    name = f"{key}_under_load"
    return [
        Target(
            f"{key}_under_load_rps",
            f"{label} / constant JSON, both under sign load (rps)",
            rps_ratio(name, "constant_under_load"),
            goal=0.6 if judged else None,
            compare=">=" if judged else "reported",
            digits=3,
            note=rps_note(name, "constant_under_load"),
        ),
        Target(
            f"{key}_under_load_p99",
            f"{label} p99 under sign load (ms)",
            p99(name),
            goal=25 if judged else None,
            compare="<" if judged else "reported",
            digits=1,
        ),
    ]


def flat_ratio(name: str) -> Callable[[Results], float]:
    def measure(results: Results) -> float:
        f = results["flat"][name]
        return ratio(f["loaded"]["rps"], f["empty"]["rps"])

    return measure


def flat_note(name: str) -> Callable[[Results], str]:
    def note(results: Results) -> str:
        f = results["flat"][name]
        return (
            f"{f['loaded']['rps']:.0f} vs {f['empty']['rps']:.0f} req/s; p99 "
            f"{f['loaded']['p99_ms']:.1f} vs {f['empty']['p99_ms']:.1f} ms"
        )

    return note


def flat_targets() -> list[Target]:
    """Each public read with the data set loaded / with an empty one: flat from 0 to 1M."""
    labels = {
        "campaign_page": "campaign page",
        "progress": "progress JSON",
        "badge": "badge.svg",
        "signatories_page1": "signatory list, page 1",
    }
    return [
        Target(
            f"flat_{name}",
            f"{label}, {{config[signatures]}} signatures / none (rps)",
            flat_ratio(name),
            goal=0.8,
            compare=">=",
            digits=3,
            note=flat_note(name),
            needs="flat",
        )
        for name, label in labels.items()
    ]


# The targets, in the order the report lists them -----------------------------------------------

TARGETS: list[Target] = [
    Target(
        "sign_rps",
        "sign intake / ORM-insert baseline (rps)",
        rps_ratio("sign", "baseline_insert"),
        goal=0.5,
        compare=">=",
        digits=3,
        note=rps_note("sign", "baseline_insert"),
    ),
    Target("sign_p99", "sign intake p99 (ms, 32 conns)", p99("sign"), 100, "<", digits=1),
    Target("sign_errors", "sign intake errors (non-2xx/3xx + socket)", sign_errors, 0, "=="),
    Target(
        "signatures_lost",
        "signatures lost or doubled",
        lost_or_doubled,
        goal=0,
        compare="==",
        note=lambda r: f"{sum(run['integrity']['rows'] for run in signers(r))} rows checked",
    ),
    Target(
        "signatures_without_task", "signatures without their email task", missing_tasks, 0, "=="
    ),
    Target(
        "sign_crypto_rps",
        "sign service in process, with / without hashing and encryption (signs/s)",
        lambda r: r["sign_crypto"]["ratio"],
        digits=3,
        note=crypto_rates_note,
        needs="sign_crypto",
    ),
    Target(
        "sign_crypto_share",
        "hashing and encryption share of the sign path (%)",
        lambda r: r["sign_crypto"]["share_pct"],
        goal=10,
        compare="<=",
        digits=1,
        note=crypto_share_note,
        # Every sign was a new signature and the stand-ins ran: the patches reached the path.
        verdict=lambda r: r["sign_crypto"]["ok"],
        needs="sign_crypto",
    ),
    *under_load("progress", "progress JSON", judged=True),
    *under_load("badge", "badge.svg", judged=True),
    *under_load("embed", "embed", judged=False),
    Target(
        "constant_under_load_p99",
        "constant JSON p99 under sign load (ms)",
        p99("constant_under_load"),
        compare="floor",
        digits=1,
    ),
    Target(
        "freshness",
        "freshness: confirmed signature in counter (s)",
        lambda r: r["scenarios"].get("freshness", {}).get("seconds"),
        goal=5,
        compare="<",
        digits=3,
    ),
    Target(
        "campaign_page_rps",
        "campaign page / constant JSON (rps)",
        rps_ratio("campaign_page", "baseline_constant"),
        goal=0.3,
        compare=">=",
        digits=3,
        note=rps_note("campaign_page", "baseline_constant"),
    ),
    Target(
        "signatories_deep_p50",
        "signatories deep page / page 1, both rendered (p50 latency)",
        lambda r: ratio(
            r["scenarios"]["signatories_deep"]["p50_ms"],
            r["scenarios"]["signatories_page1_rendered"]["p50_ms"],
        ),
        goal=2,
        compare="<=",
        digits=3,
        note=lambda r: (
            f"page 1 {r['scenarios']['signatories_page1_rendered']['rps']:.0f} req/s rendered, "
            f"{r['scenarios']['signatories_page1']['rps']:.0f} req/s stored; "
            f"deep {r['scenarios']['signatories_deep']['rps']:.0f} req/s"
        ),
    ),
    Target(
        "signatories_page1_rps",
        "signatories page 1 / constant JSON (rps)",
        rps_ratio("signatories_page1", "baseline_constant"),
        digits=3,
    ),
    Target("read_errors", "read scenario errors", read_errors, 0, "=="),
    Target(
        "export_vs_copy",
        "export 1M CSV / psql \\copy (s)",
        lambda r: ratio(r["export"]["seconds"], r["export"]["psql_copy_seconds"]),
        goal=3,
        compare="<=",
        digits=3,
        note=lambda r: (
            f"{r['export']['seconds']:.1f} s vs {r['export']['psql_copy_seconds']:.1f} s, "
            f"{r['export']['rows']} rows"
        ),
        needs="export",
    ),
    Target(
        "export_rss",
        "export peak RSS (MB)",
        lambda r: r["export"]["peak_rss_mb"],
        goal=300,
        compare="<",
        digits=0,
        needs="export",
    ),
    *flat_targets(),
    Target(
        "drain",
        "{drain[workers]} db_workers drain {drain[queued]} email tasks, none twice",
        lambda r: r["drain"]["tasks_claimed_twice"],
        goal=0,
        compare="==",
        note=lambda r: (
            f"{r['drain']['drain_seconds']:.1f} s, {r['drain']['tasks_per_second']:.0f} tasks/s, "
            f"{r['drain']['emails_sent']} emails sent"
        ),
        verdict=lambda r: r["drain"]["ok"],
        needs="drain",
    ),
    Target(
        "two_nodes",
        "two gunicorn nodes, same counter via Redis",
        lambda r: r["two_nodes"]["after"],
        compare="equal",
        note=lambda r: f"fresh on both after {r['two_nodes']['seconds_until_both_fresh']:.2f} s",
        verdict=lambda r: r["two_nodes"]["ok"],
        needs="two_nodes",
    ),
]


def judge(results: Results, targets: list[Target] = TARGETS) -> list[dict]:
    """One row per target the results cover: what, the figure, the goal, whether it was met."""
    return [
        {
            "key": target.key,
            "what": target.label.format(**results),
            "measured": target.shown(results),
            "target": target.goal_text,
            "met": target.met(results),
            "note": target.note(results),
        }
        for target in targets
        if target.applies(results)
    ]

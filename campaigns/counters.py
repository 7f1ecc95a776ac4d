"""Public counts kept the UK e-petitions way: signing and confirming never recount.

A writer adds a `TallyChange` row in its own transaction (`add`: +1 when a signature is
confirmed, -1 when it is withdrawn or erased; `mark`: a figure with a goal moved). The
counting job (`count`, run every `COUNTER_INTERVAL_SECONDS` by `manage.py count_figures`)
takes the committed changes under an advisory lock, adds them to the per-campaign,
per-country `Tally` rows in one upsert (`value = value + n`) and deletes them in the same
transaction. The change rows are the watermark: a transaction that commits late leaves its
row for the next run, so no confirmation is missed or counted twice, however long it took.
Goal checks ride on the job (`figures.on_counted`), not on every confirmation or gift.

Readers add the changes not yet counted to the tally (`by_country`, `total`), so a figure is
exact as soon as the writer commits; the job only keeps that sum short. `reconcile`, run
nightly, compares every tally with a true `COUNT` of the rows and fixes drift, logging it.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns import figures
from campaigns.models import Tally, TallyChange

logger = logging.getLogger(__name__)

# One number for the counting job's advisory lock (PostgreSQL); reconcile takes it too.
LOCK_ID = 7_401_920_001
BATCH = 5000

# figure -> recount(): (campaign id, country, true count) for every campaign with rows
Recount = Callable[[], Iterable[tuple[int, str, int]]]
_recounts: dict[str, Recount] = {}


def register(figure: str, recount: Recount) -> None:
    """`figure` is kept as a tally; `recount()` gives its true counts for `reconcile`."""
    _recounts[figure] = recount


def tallied() -> frozenset[str]:
    return frozenset(_recounts)


# Writers -----------------------------------------------------------------------------------


def add(campaign_id: int, figure: str, delta: int = 1, *, country: str = "") -> None:
    """Owe `delta` to the tally, in the caller's transaction."""
    TallyChange.objects.create(
        campaign_id=campaign_id, figure=figure, country=country or "", delta=delta
    )


def add_many(figure: str, changes: Iterable[tuple[int, str, int]]) -> None:
    """`add` for many (campaign id, country, delta) at once, in one insert."""
    rows = [
        TallyChange(campaign_id=campaign_id, figure=figure, country=country or "", delta=delta)
        for campaign_id, country, delta in changes
        if delta
    ]
    TallyChange.objects.bulk_create(rows)


def mark(campaign_id: int, keys: Iterable[str]) -> None:
    """Figures `keys` (kept elsewhere) moved: the next counting run checks their goals."""
    TallyChange.objects.bulk_create(
        TallyChange(campaign_id=campaign_id, figure=key, delta=0) for key in sorted(set(keys))
    )


# Readers -----------------------------------------------------------------------------------


def by_country(campaign_id: int, figure: str) -> dict[str, int]:
    """The figure per country ("" where the rows have none): the tally plus the changes
    committed since the last counting run. Countries at zero are left out."""
    counts: dict[str, int] = defaultdict(int)
    for country, value in Tally.objects.filter(campaign_id=campaign_id, figure=figure).values_list(
        "country", "value"
    ):
        counts[country] += value
    owed = (
        TallyChange.objects.filter(campaign_id=campaign_id, figure=figure)
        .values_list("country")
        .annotate(n=Sum("delta"))
        .values_list("country", "n")
    )
    for country, delta in owed:
        counts[country] += delta or 0
    return {country: n for country, n in counts.items() if n}


def total(campaign_id: int, figure: str) -> int:
    return sum(by_country(campaign_id, figure).values())


# The counting job --------------------------------------------------------------------------


@dataclass
class Counted:
    changes: int = 0
    moved: dict[int, set[str]] = field(default_factory=dict)
    skipped: bool = False  # another process holds the lock


def count(*, batch: int = BATCH, now: datetime | None = None) -> Counted:
    """Add every committed change to its tally; one transaction per batch of changes."""
    result = Counted()
    while True:
        with transaction.atomic():
            if not _try_lock():
                result.skipped = True
                return result
            rows = list(
                TallyChange.objects.order_by("pk").values_list(
                    "pk", "campaign_id", "figure", "country", "delta"
                )[:batch]
            )
            if not rows:
                return result
            deleted, _ = TallyChange.objects.filter(pk__in=[row[0] for row in rows]).delete()
            if deleted != len(rows):  # only reconcile deletes too, and it takes the lock
                raise RuntimeError(f"{len(rows)} changes read, {deleted} deleted")
            sums: dict[tuple[int, str, str], int] = defaultdict(int)
            moved: dict[int, set[str]] = defaultdict(set)
            for _pk, campaign_id, figure, country, delta in rows:
                moved[campaign_id].add(figure)
                if figure in _recounts:
                    sums[(campaign_id, figure, country)] += delta
            _upsert(sums, now or timezone.now())
            # Goal checks are queued in this transaction: they commit with the counts.
            for campaign_id, keys in moved.items():
                figures.counted(campaign_id, keys)
                result.moved.setdefault(campaign_id, set()).update(keys)
            result.changes += len(rows)
            if len(rows) < batch:
                return result


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite runs one writing transaction at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_ID])
        return cursor.fetchone()[0]


def _upsert(sums: dict[tuple[int, str, str], int], now: datetime) -> None:
    """value = value + n for each (campaign, figure, country), in one statement."""
    rows = [(key, n) for key, n in sums.items() if n]
    if not rows:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list = []
    for (campaign_id, figure, country), n in rows:
        params += [campaign_id, figure, country, n, now]
    # The table name is the model's; every value is a bound parameter.
    columns = "(campaign_id, figure, country, value, updated_at)"
    conflict = "ON CONFLICT (campaign_id, figure, country) DO UPDATE SET"
    add = f"value = {table}.value + excluded.value, updated_at = excluded.updated_at"
    sql = f"INSERT INTO {table} {columns} VALUES {values} {conflict} {add}"  # noqa: S608 # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Reconcile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    campaign_id: int
    figure: str
    country: str
    held: int
    true: int


def reconcile(*, now: datetime | None = None) -> list[Drift]:
    """Compare every tally (plus the changes not yet counted) with a true count of the rows
    and correct the tally where they differ. Safe to run while people sign: on PostgreSQL it
    reads one snapshot (REPEATABLE READ) while holding the counting job's lock, so a change
    that commits meanwhile is neither in the count nor in the changes it sees."""
    now = now or timezone.now()
    drifts: list[Drift] = []
    with _exclusive():
        for figure, recount in sorted(_recounts.items()):
            true = {(cid, country or ""): n for cid, country, n in recount()}
            held = _held(figure)
            corrections: dict[tuple[int, str, str], int] = {}
            for campaign_id, country in sorted(set(true) | set(held)):
                want = true.get((campaign_id, country), 0)
                have = held.get((campaign_id, country), 0)
                if want != have:
                    drifts.append(Drift(campaign_id, figure, country, have, want))
                    corrections[(campaign_id, figure, country)] = want - have
            _upsert(corrections, now)
    for drift in drifts:
        logger.warning(
            "counter drift fixed: campaign %s %s %s held %s, counted %s",
            drift.campaign_id,
            drift.figure,
            drift.country or "-",
            drift.held,
            drift.true,
        )
    logger.info("counters reconciled: %d drift(s)", len(drifts))
    return drifts


def _held(figure: str) -> dict[tuple[int, str], int]:
    held: dict[tuple[int, str], int] = defaultdict(int)
    for campaign_id, country, value in Tally.objects.filter(figure=figure).values_list(
        "campaign_id", "country", "value"
    ):
        held[(campaign_id, country)] += value
    owed = (
        TallyChange.objects.filter(figure=figure)
        .values_list("campaign_id", "country")
        .annotate(n=Sum("delta"))
        .values_list("campaign_id", "country", "n")
    )
    for campaign_id, country, delta in owed:
        held[(campaign_id, country)] += delta or 0
    return held


@contextmanager
def _exclusive():
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
    try:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:  # the isolation level can only be set before the first query
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])


def oldest_change_seconds(now: datetime | None = None) -> int:
    """How long the oldest change has waited for the counting job (0: none waits)."""
    first = TallyChange.objects.order_by("pk").values_list("created_at", flat=True).first()
    if first is None:
        return 0
    return max(0, int(((now or timezone.now()) - first).total_seconds()))


def health() -> dict:
    """For `/healthz`: a counting job that stopped shows as changes waiting ever longer."""
    age = oldest_change_seconds()
    limit = max(60, 10 * settings.COUNTER_INTERVAL_SECONDS)
    return {"ok": age <= limit, "oldest_change_seconds": age}

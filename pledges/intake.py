"""Sign intake: the request stores the submission, the intake job signs it.

Under a viral share thousands of people a minute submit the same sign form. The request does
the least it can: the form is validated, the campaign is known open (`pledges.snapshots`), and
the submission is stored in one INSERT (what the signer typed, encrypted as one document);
the answer is "check your email" at once. The intake job (`manage.py take_signatures`, every
`INTAKE_INTERVAL_MS`) takes the waiting submissions in batches and signs each through
`pledges.services.sign`, with the same rules as ever: dedupe by mailbox, rate limits counted
at the time it arrived (over a limit: held as suspect, no email), the confirmation email
queued in the transaction that stores the signature.

Nothing lost, nothing doubled: each submission is deleted in the transaction that stores its
signature. One job signs at a time (a PostgreSQL advisory lock; a second process finds it taken
and tries again on its next run): two batches signing at once would take the same rate-counter
and mailbox locks in different orders and deadlock. A submission that fails unexpectedly
stays, counts the attempt and is tried again on a later run (it is logged by id, never by what
it holds); `/healthz` says "intake" is not ok when the oldest submission has waited over a
minute.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign
from lib import health
from partners.models import Partner
from pledges import services
from pledges.abuse import Client
from pledges.models import Submission
from pledges.services import SignatureData

logger = logging.getLogger(__name__)

BATCH = 200
LOCK_ID = 7_401_920_002  # the intake job's advisory lock (the counting job's is ...001)
# A submission that failed this many runs is left for someone to look at (it is kept: /healthz
# reports it waiting, and each run logs it).
MAX_ATTEMPTS = 5
HEALTH_MAX_WAIT = timedelta(minutes=1)


def submit(
    campaign: Campaign,
    data: SignatureData,
    *,
    client: Client | None = None,
    partner: Partner | None = None,
    statement_version_id: int | None = None,
    now: datetime | None = None,
) -> Submission:
    """Store a sign form for the intake job: one INSERT, in autocommit.

    Raises `services.CampaignNotOpen` when the campaign takes no signatures now; the form was
    validated by the caller (the job checks again, and logs a submission it cannot sign)."""
    now = now or timezone.now()
    services.require_open(campaign, now)
    return Submission.objects.create(
        campaign=campaign,
        statement_version_id=statement_version_id,
        partner=partner,
        data=asdict(data),
        ip_hash=(client or Client()).ip_hash,
        received_at=now,
    )


@dataclass(frozen=True)
class Taken:
    signed: int = 0  # submissions turned into (or matched to) signatures
    dropped: int = 0  # invalid on arrival at the job (logged)
    failed: int = 0  # an unexpected error: kept for a later run
    busy: bool = False  # another job was signing: nothing taken this time


def _take_turn() -> bool:
    """The job's advisory lock for this transaction; False while another job holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite runs one writing transaction at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_ID])
        return cursor.fetchone()[0]


def take(*, limit: int = BATCH) -> Taken:
    """Sign one batch of waiting submissions, oldest first. Run it again until it takes none."""
    with transaction.atomic():
        if not _take_turn():
            return Taken(busy=True)
        batch = list(
            Submission.objects.select_for_update(skip_locked=True)
            .filter(attempts__lt=MAX_ATTEMPTS)
            .order_by("id")[:limit]
        )
        if not batch:
            return Taken()
        campaigns = Campaign.objects.in_bulk({s.campaign_id for s in batch})
        partners = Partner.objects.in_bulk({s.partner_id for s in batch if s.partner_id})
        done, failed, dropped = [], [], 0
        for submission in batch:
            try:
                # A savepoint each: one submission's failure leaves the batch's others signed.
                with transaction.atomic():
                    services.sign(
                        campaigns[submission.campaign_id],
                        SignatureData(**submission.data),
                        client=Client(ip_hash=submission.ip_hash),
                        partner=partners.get(submission.partner_id),
                        statement_version_id=submission.statement_version_id,
                        # Rate limits as of when the person signed; the campaign was open
                        # then, and they were told to check their email.
                        now=submission.received_at,
                        submitted_open=True,
                    )
            except (ValidationError, TypeError) as exc:
                # Validated when it arrived: only a form changed since then gets here.
                logger.warning("submission %s dropped: %s", submission.pk, type(exc).__name__)
                dropped += 1
            except Exception:  # noqa: BLE001 - any failure keeps the submission for a later run
                logger.exception("submission %s failed; it stays for a later run", submission.pk)
                failed.append(submission.pk)
                continue
            done.append(submission.pk)
        Submission.objects.filter(pk__in=done).delete()
        if failed:
            Submission.objects.filter(pk__in=failed).update(attempts=F("attempts") + 1)
    return Taken(signed=len(done) - dropped, dropped=dropped, failed=len(failed))


def take_all(*, limit: int = BATCH) -> Taken:
    """Batches until none is waiting (or only failing ones are): the job's one run."""
    runs: list[Taken] = []
    while True:
        runs.append(taken := take(limit=limit))
        if taken.busy or taken.signed + taken.dropped < limit:
            return Taken(
                signed=sum(t.signed for t in runs),
                dropped=sum(t.dropped for t in runs),
                failed=sum(t.failed for t in runs),
            )


def intake_health() -> dict:
    """How many submissions wait, and for how long the oldest has."""
    oldest = Submission.objects.order_by("id").values_list("received_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    waiting = Submission.objects.values("pk")[: health.READY_COUNT_CAP].count()
    return {
        "ok": age <= HEALTH_MAX_WAIT.total_seconds(),
        "waiting": waiting,
        "oldest_seconds": int(max(age, 0)),
    }

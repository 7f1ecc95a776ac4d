"""Anonymising a campaign's signers some time after it closes (`ANONYMISE_AFTER_CLOSE_DAYS`,
183 by default: UK e-petitions keeps signers' details six months after a petition closes).

Each signer of the campaign keeps what the counts are made of: status, country, statement
version, channel, dates and partner. What could find the person again goes: the encrypted
name and email, the keyed hashes of the mailbox, the phone number and the IP address, the
affiliation, the consent to updates and to sharing with a partner, the emails queued for
them (their outbox rows) and the copies of their details in partner webhook payloads. The
name on the public list stays only where the campaign's staff chose "keep the public list"
before it closed (`Campaign.keep_public_list`); otherwise the signer is no longer listed.

Rows are rewritten by id ranges, `BATCH` at a time, one transaction each; the campaign's
`anonymised_up_to_id` is the watermark, moved in the same transaction, so the work stops
anywhere and resumes where it stopped, and a rerun over finished work changes nothing.
`anonymised_at` is set when the last batch is done. The tallies are not touched: no row
changes status or country, so `counters.reconcile` finds no drift afterwards. Organisations'
contact people are not in scope (see the README); only individual signers are.

`manage.py anonymise_closed_campaigns` (daily, from cron) enqueues `anonymise_campaign` for
every campaign that is due; the task runs a few batches and enqueues itself again until done.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from campaigns import pages
from campaigns.models import Campaign
from partners import services as partner_services
from partners.models import WebhookDelivery
from pledges.models import PledgeEmail, RateCount, Signature
from staff import audit

BATCH = 2000


def closed_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.ANONYMISE_AFTER_CLOSE_DAYS)


def due_campaigns(now: datetime | None = None) -> QuerySet[Campaign]:
    """Campaigns closed `ANONYMISE_AFTER_CLOSE_DAYS` ago or more, not yet fully anonymised.

    Closed means closed by staff (`closed_at`) or past its closing time (`close_at`)."""
    cutoff = closed_before(now)
    closed_long_ago = Q(status=Campaign.Status.CLOSED, closed_at__lte=cutoff) | Q(
        status__in=[Campaign.Status.LIVE, Campaign.Status.SCHEDULED],
        launched_at__isnull=False,
        close_at__lte=cutoff,
    )
    return Campaign.objects.filter(closed_long_ago, anonymised_at__isnull=True).order_by("pk")


def is_due(campaign: Campaign, now: datetime | None = None) -> bool:
    return due_campaigns(now).filter(pk=campaign.pk).exists()


@dataclass(frozen=True)
class Step:
    rows: int  # signatures rewritten by this batch
    done: bool  # nothing left: `anonymised_at` is set


def anonymise_batch(campaign_id: int, *, batch: int = BATCH, now: datetime | None = None) -> Step:
    """Rewrite the next `batch` signatures of the campaign (by id) in one transaction.

    Does nothing to a campaign that is not due, or already done."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the campaign: two workers running the same campaign take turns, batch by batch.
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.anonymised_at is not None or not is_due(campaign, now):
            return Step(0, done=campaign is not None and campaign.anonymised_at is not None)
        start = campaign.anonymised_up_to_id or 0
        ids = Signature.objects.filter(campaign_id=campaign.pk, pk__gt=start).order_by("pk")
        end = ids[:batch].aggregate(end=Max("pk"))["end"]
        if start == 0 and campaign.anonymised_up_to_id is None:
            audit.record(
                "campaign.anonymise_start",
                actor=None,
                target=campaign,
                details={
                    "slug": campaign.slug,
                    "keep_public_list": campaign.keep_public_list,
                    "signatures": Signature.objects.filter(campaign_id=campaign.pk).count(),
                },
            )
        if end is None:
            campaign.anonymised_at = now
            campaign.save(update_fields=["anonymised_at", "updated_at"])
            audit.record(
                "campaign.anonymise_finish",
                actor=None,
                target=campaign,
                details={
                    "slug": campaign.slug,
                    "up_to_id": start,
                    "signatures": Signature.objects.filter(campaign_id=campaign.pk).count(),
                },
            )
            return Step(0, done=True)
        rows = Signature.objects.filter(campaign_id=campaign.pk, pk__gt=start, pk__lte=end)
        rewritten = _anonymise(rows, keep_listed=campaign.keep_public_list)
        campaign.anonymised_up_to_id = end
        campaign.save(update_fields=["anonymised_up_to_id", "updated_at"])
        if not campaign.keep_public_list:
            # Listed names leave the public list: stored pages are rebuilt.
            transaction.on_commit(pages.changed)
    return Step(rewritten, done=False)


def _anonymise(rows: QuerySet[Signature], *, keep_listed: bool) -> int:
    ids = rows.values("pk")
    hashes = list(rows.exclude(email_hash="").values_list("email_hash", flat=True))
    # Our copies of the signer's details in partner webhook payloads (keyed by the hash).
    for hashed in (
        WebhookDelivery.objects.filter(person_hash__in=hashes)
        .values_list("person_hash", flat=True)
        .distinct()
    ):
        partner_services.erase_from_deliveries(hashed)
    # Rate counters keyed by the same hashes (they live a day; a recent signer may have some).
    keys = hashes + list(rows.exclude(ip_hash="").values_list("ip_hash", flat=True))
    keys += list(rows.exclude(phone_hash="").values_list("phone_hash", flat=True))
    RateCount.objects.filter(key__in=keys).delete()
    PledgeEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Signature), object_id__in=ids
    ).delete()
    changes = {
        "name": "",
        "email": "",
        "email_hash": "",
        "phone_hash": "",  # the phone channels' keyed hash of the number
        "ip_hash": "",
        "affiliation": "",
        "updates_consent": False,
        "shared_with_partner": False,
    }
    changes.update(anonymise_phone_fields())
    if keep_listed:
        # Only listed signers keep a name, and only the one they chose to show.
        rows.filter(show_publicly=False).update(listed_name="")
    else:
        changes.update(listed_name="", show_publicly=False)
    return rows.update(**changes)


def anonymise_phone_fields() -> dict:
    """Hook: further fields the phone channels keep about a signer, and what they become.
    Today the channels keep only `phone_hash` (blanked above); the number is never stored."""
    return {}


def anonymise(
    campaign: Campaign,
    *,
    batch: int = BATCH,
    max_batches: int | None = None,
    now: datetime | None = None,
) -> int:
    """Run batches until the campaign is done (or `max_batches` ran). Returns rows rewritten."""
    rewritten = runs = 0
    while max_batches is None or runs < max_batches:
        step = anonymise_batch(campaign.pk, batch=batch, now=now)
        rewritten += step.rows
        runs += 1
        if step.done or step.rows == 0:
            break
    return rewritten

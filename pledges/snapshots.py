"""The signing snapshot: what a new signature needs of its campaign, kept in the shared cache.

Every anonymous POST to a sign form needs the campaign (does it take signatures, is it open)
and the id of the statement version being signed: two reads that give thousands of signers a
minute the same answer under a viral spike. The first POST stores both in the shared cache;
later POSTs read the snapshot and the campaigns' change stamp (`campaigns.pages.
CAMPAIGN_CHANGED_KEY`) with one `get_many`, and use the snapshot only while the stamp is the
one it was stored under. Every change to a campaign moves the stamp when it commits
(`campaigns.pages.changed`: status transitions, admin saves and deletions, statement edits),
so a campaign closed or unpublished stops taking signatures from the next request on.

The stamp is read before the database and stored with the snapshot: a change that commits
while a snapshot is being built leaves that snapshot stale at once. Snapshots also expire
after SNAPSHOT_SECONDS, the longest a change goes unseen when its stamp could not be written
(the cache was unreachable at that moment) or, with a per-process cache (local memory), in the
processes other than the one that made the change.

When the cache is unreachable every read is a miss (`lib.cache`): the campaign is read from
the database, as it always was. Staff (a request with a session cookie) never use snapshots:
they may preview drafts, which `campaigns.access.access_campaign` decides.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.pages import CAMPAIGN_CHANGED_KEY
from pledges.services import record_statement_version

SNAPSHOT_SECONDS = 60


@dataclass(frozen=True)
class SigningSnapshot:
    campaign: Campaign  # the row alone: no translations or targets
    statement_version_id: int  # the version of the statement signers sign now


def _key(slug: str) -> str:
    return f"signing:v1:{slug}"


def signing_snapshot(slug: str, *, now: datetime | None = None) -> SigningSnapshot | None:
    """The snapshot of campaign `slug`, or None when it takes no signatures now (or does not
    exist): the caller then goes the full way (`access_campaign`: a 404, or the form's
    "not taking signatures" error), which is never the hot path."""
    now = now or timezone.now()
    key = _key(slug)
    found = cache.get_many([key, CAMPAIGN_CHANGED_KEY])
    stamp, entry = found.get(CAMPAIGN_CHANGED_KEY), found.get(key)
    if entry is not None and entry[0] == stamp:
        snapshot = entry[1]
    else:
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None or not (campaign.collects_signatures and campaign.is_open(now)):
            return None
        # Only for a campaign open now: a draft's text is not snapshotted as a version.
        snapshot = SigningSnapshot(campaign, record_statement_version(campaign).pk)
        cache.set(key, (stamp, snapshot), SNAPSHOT_SECONDS)
    # The clock closes campaigns too (`close_at`), stamp or not.
    return snapshot if snapshot.campaign.is_open(now) else None

"""Paper batches built through `paper.services`, as staff record them."""

from datetime import date

from paper import services
from paper.signers import ListedSigner


def record(campaign, *, by=None, count=120, country="KE", signers=(), **overrides):
    values = {
        "campaign": campaign,
        "collector": "Kibera Women's Group",
        "place": "Kibera market",
        "country": country,
        "collected_on": date(2026, 11, 28),
        "count": count,
        "signers": [ListedSigner(*s) if isinstance(s, tuple) else s for s in signers],
        "by": by,
    }
    values.update(overrides)
    return services.record_batch(**values)

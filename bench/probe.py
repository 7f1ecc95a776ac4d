"""Django-side steps of the harness, run in a subprocess with the bench environment.

`python -m bench.probe confirm <slug>` confirms the newest pending signature (the service);
`python -m bench.probe enqueue-emails <n>` queues n real confirmation emails.
"""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import transaction  # noqa: E402

from pledges import services  # noqa: E402
from pledges.models import Signature  # noqa: E402


def confirm(slug: str) -> dict:
    signature = (
        Signature.objects.filter(campaign__slug=slug, status=Signature.Status.PENDING)
        .order_by("-pk")
        .first()
    )
    _, outcome = services.confirm_signature(signature.pk)
    return {"signature": signature.pk, "outcome": outcome, "committed_at": time.time()}


def enqueue_emails(count: int) -> dict:
    """Queue `count` confirmation emails, as `sign` does, to loaded signers who still have an
    address (the others' was dropped: the task would have nowhere to send), newest first: the
    last campaigns' signers, never the viral campaign the scenarios sign."""
    began = time.perf_counter()
    ids = list(
        Signature.objects.filter(status=Signature.Status.CONFIRMED)
        .exclude(email="")
        .exclude(campaign__slug="bench-00")
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )
    with transaction.atomic():
        for signature in Signature.objects.filter(pk__in=ids).select_related("campaign"):
            services.queue_email(signature, "signature-confirm")
    return {"queued": len(ids), "seconds": time.perf_counter() - began}


if __name__ == "__main__":
    command, arg = sys.argv[1], sys.argv[2]
    result = confirm(arg) if command == "confirm" else enqueue_emails(int(arg))
    print(json.dumps(result))

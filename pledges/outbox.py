"""The email outbox: an email owed is a `PledgeEmail` row plus its task, both written in the
caller's transaction, so they commit or vanish with the change that owes the email."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from pledges.models import PledgeEmail
from pledges.tasks import send_pledge_email


def queue_email(
    obj: models.Model, kind: str, *, context: dict | None = None, address: str = ""
) -> PledgeEmail:
    """Store the email owed and enqueue its task, in the caller's transaction.

    `address` sends it there rather than to the address stored on `obj` (kept encrypted in
    the outbox until sent)."""
    email = PledgeEmail.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind,
        context=context or {},
        address=address,
    )
    send_pledge_email.enqueue(email.pk)
    return email

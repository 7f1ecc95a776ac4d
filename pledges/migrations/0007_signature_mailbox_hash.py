"""Signatures are unique per mailbox, not per spelling: a keyed hash of the canonical address.

Existing rows get their hash. Where one campaign already holds two spellings of one mailbox
(`a.b@gmail.com` and `ab+x@googlemail.com`), every row is kept: the one further along
(confirmed first, then the oldest) stays under the uniqueness rule, the others are flagged
`alias_duplicate` for moderators to settle. No row is deleted.
"""

from django.db import migrations, models

from lib.mailboxes import email_hash

BATCH = 2000
# Lower is better: the row that stays under the uniqueness rule.
RANK = {"confirmed": 0, "pending": 1, "suspect": 2, "withdrawn": 3}


def hash_emails(apps, schema_editor):
    Signature = apps.get_model("pledges", "Signature")
    last = 0
    while True:
        rows = list(Signature.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            break
        for row in rows:
            row.email_hash = email_hash(row.email)
        Signature.objects.bulk_update(rows, ["email_hash"])
        last = rows[-1].pk
    groups = (
        Signature.objects.values("campaign_id", "email_hash")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
    )
    for group in groups.iterator():
        rows = Signature.objects.filter(
            campaign_id=group["campaign_id"], email_hash=group["email_hash"]
        )
        keep = min(rows, key=lambda row: (RANK.get(row.status, 9), row.created_at, row.pk))
        rows.exclude(pk=keep.pk).update(alias_duplicate=True)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0006_commitments_moved_out")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="email_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="alias_duplicate",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="same mailbox as another signature"
            ),
        ),
        migrations.RunPython(hash_emails, migrations.RunPython.noop),
    ]

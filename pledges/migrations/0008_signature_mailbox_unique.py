"""The uniqueness rule moves from the spelling of an address to its mailbox (see 0007).

A migration of its own: PostgreSQL will not build an index in the transaction that just
updated every row of the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pledges", "0007_signature_mailbox_hash")]

    operations = [
        migrations.RemoveConstraint(model_name="signature", name="signature_email_unique"),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.UniqueConstraint(
                condition=models.Q(("alias_duplicate", False)),
                fields=("campaign", "email_hash"),
                name="signature_mailbox_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["email_hash"], name="signature_email_hash"),
        ),
    ]

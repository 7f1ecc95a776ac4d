import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Partners now live in `partners` (same rows, renamed table)."""

    dependencies = [
        ("donations", "0003_donation_partner_attribution"),
        ("partners", "0001_partners_moved_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="donation",
                    name="partner",
                    field=models.ForeignKey(
                        blank=True,
                        editable=False,
                        help_text="Whose link brought the gift.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="donations",
                        to="partners.partner",
                        verbose_name="partner",
                    ),
                ),
            ],
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The BDS commitment models now live in `commitments` (same rows, renamed tables), and
    partners in `partners`: this app's state forgets the first and points at the second."""

    dependencies = [
        ("pledges", "0005_signature_partner_attribution"),
        ("partners", "0001_partners_moved_in"),
        ("commitments", "0001_commitments_moved_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="orgpledge",
                    name="partner",
                    field=models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="org_pledges",
                        to="partners.partner",
                        verbose_name="partner",
                    ),
                ),
                migrations.AlterField(
                    model_name="signature",
                    name="partner",
                    field=models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="partners.partner",
                        verbose_name="partner",
                    ),
                ),
                migrations.DeleteModel(name="CommitmentUpdate"),
                migrations.DeleteModel(name="Commitment"),
                migrations.DeleteModel(name="CommitmentPledge"),
            ],
        ),
    ]

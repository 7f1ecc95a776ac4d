from django.db import migrations


class Migration(migrations.Migration):
    """Partners now live in `partners` and the audit log in `staff` (same rows, renamed
    tables): this app's state forgets them."""

    dependencies = [
        ("campaigns", "0004_partners"),
        ("partners", "0001_partners_moved_in"),
        ("staff", "0001_audit_event_moved_in"),
        # Every model pointing at the old Partner state has been repointed first.
        ("api", "0003_webhooks_moved_out"),
        ("pledges", "0006_commitments_moved_out"),
        ("donations", "0004_donation_partner_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PartnerToken"),
                migrations.DeleteModel(name="Partner"),
                migrations.DeleteModel(name="AuditEvent"),
            ],
        ),
    ]

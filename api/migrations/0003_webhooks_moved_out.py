from django.db import migrations


class Migration(migrations.Migration):
    """Webhook subscriptions, deliveries and announced goals now live in `partners` (same
    rows, renamed tables): the API app holds no models."""

    dependencies = [
        ("api", "0002_staff_permissions"),
        ("partners", "0001_partners_moved_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookSubscription"),
                migrations.DeleteModel(name="ReachedGoal"),
            ],
        ),
    ]

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import uuid
from django.db import migrations, models

from lib.moves import content_type_mover, task_path_mover

move_content_types, move_content_types_back = content_type_mover(
    [
        ("campaigns", "partner", "partners"),
        ("campaigns", "partnertoken", "partners"),
        ("api", "webhooksubscription", "partners"),
        ("api", "webhookdelivery", "partners"),
        ("api", "reachedgoal", "partners"),
    ]
)
move_tasks, move_tasks_back = task_path_mover(
    {
        "api.tasks.deliver_webhook": "partners.deliveries.deliver_webhook",
        "api.tasks.check_goals": "partners.goals.check_goals",
    }
)



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0004_partners'),
        ('api', '0002_staff_permissions'),
        # The last migrations that point at the old tables run first.
        ('pledges', '0005_signature_partner_attribution'),
        ('donations', '0003_donation_partner_attribution'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
    ]

    operations = [
        # The models move here from another app: the state learns them with their old
        # tables, the content types (and so every permission and group grant) follow,
        # then the tables are renamed in place. No row is copied or lost.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Partner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('organisation', models.CharField(blank=True, max_length=200, verbose_name='organisation')),
                        ('ref', models.CharField(help_text='Used as ?ref=<code> on campaign links and QR codes: letters, digits, _ and -.', max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_-]{1,40}$')], verbose_name='attribution code')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('campaigns', models.ManyToManyField(blank=True, related_name='partners', to='campaigns.campaign', verbose_name='campaigns')),
                    ],
                    options={
                        'db_table': 'campaigns_partner',
                        'verbose_name': 'partner',
                        'verbose_name_plural': 'partners',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='PartnerToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='What the token is for.', max_length=120, verbose_name='name')),
                        ('scopes', models.JSONField(default=list, verbose_name='scopes')),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('prefix', models.CharField(editable=False, max_length=12, verbose_name='prefix')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='revoked')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='partners.partner', verbose_name='partner')),
                    ],
                    options={
                        'db_table': 'campaigns_partnertoken',
                        'verbose_name': 'partner token',
                        'verbose_name_plural': 'partner tokens',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ReachedGoal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('figure', models.CharField(max_length=40)),
                        ('goal', models.PositiveBigIntegerField()),
                        ('reached_at', models.DateTimeField(auto_now_add=True)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reached_goals', to='campaigns.campaign')),
                    ],
                    options={
                        'db_table': 'api_reachedgoal',
                    },
                ),
                migrations.CreateModel(
                    name='WebhookSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=500, verbose_name='URL')),
                        ('secret', models.CharField(editable=False, max_length=80, verbose_name='signing secret')),
                        ('events', models.JSONField(default=list, verbose_name='events')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('consecutive_failures', models.PositiveIntegerField(default=0, editable=False)),
                        ('disabled_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('campaign', models.ForeignKey(blank=True, help_text='Only events of this campaign; empty for every campaign.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='webhooks', to='campaigns.campaign', verbose_name='campaign')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhooks', to='partners.partner', verbose_name='partner')),
                    ],
                    options={
                        'db_table': 'api_webhooksubscription',
                        'verbose_name': 'webhook subscription',
                        'verbose_name_plural': 'webhook subscriptions',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.UUIDField(default=uuid.uuid4)),
                        ('event_type', models.CharField(choices=[('signature.confirmed', 'Signature confirmed'), ('organisation.approved', 'Organisation approved'), ('commitment.status_changed', 'Commitment status changed'), ('goal.reached', 'Goal reached')], max_length=40)),
                        ('payload', models.JSONField()),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='pending', max_length=20)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('response_status', models.PositiveIntegerField(blank=True, null=True)),
                        ('error', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('subscription', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='partners.webhooksubscription')),
                    ],
                    options={
                        'db_table': 'api_webhookdelivery',
                        'verbose_name': 'webhook delivery',
                        'verbose_name_plural': 'webhook deliveries',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='partner',
                    constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('ref'), name='partner_ref_unique_ci'),
                ),
                migrations.AddConstraint(
                    model_name='partner',
                    constraint=models.CheckConstraint(condition=models.Q(('ref__regex', '^[A-Za-z0-9_-]{1,40}$')), name='partner_ref_format'),
                ),
                migrations.AddConstraint(
                    model_name='reachedgoal',
                    constraint=models.UniqueConstraint(fields=('campaign', 'figure', 'goal'), name='reached_goal_once'),
                ),
                migrations.AddConstraint(
                    model_name='webhookdelivery',
                    constraint=models.UniqueConstraint(fields=('subscription', 'event_id'), name='webhook_delivery_once_per_event'),
                ),
                migrations.AddConstraint(
                    model_name='webhookdelivery',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('delivered_at__isnull', False), ('status', 'succeeded')), models.Q(('status', 'succeeded'), _negated=True), _connector='OR'), name='webhook_delivery_succeeded_has_time'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(move_tasks, move_tasks_back),
        migrations.AlterModelTable(name='partner', table=None),
        migrations.AlterModelTable(name='partnertoken', table=None),
        migrations.AlterModelTable(name='reachedgoal', table=None),
        migrations.AlterModelTable(name='webhooksubscription', table=None),
        migrations.AlterModelTable(name='webhookdelivery', table=None),
    ]

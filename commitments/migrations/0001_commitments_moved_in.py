import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from lib.moves import content_type_mover

move_content_types, move_content_types_back = content_type_mover(
    [
        ("pledges", "commitmentpledge", "commitments"),
        ("pledges", "commitment", "commitments"),
        ("pledges", "commitmentupdate", "commitments"),
    ]
)



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pledges', '0005_signature_partner_attribution'),
        ('campaigns', '0004_partners'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The models move here from another app: the state learns them with their old
        # tables, the content types (and so every permission and group grant) follow,
        # then the tables are renamed in place. No row is copied or lost.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CommitmentPledge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('unconfirmed', 'Waiting for the contact to confirm'), ('awaiting_moderation', 'Waiting for moderation'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], default='unconfirmed', max_length=30, verbose_name='status')),
                        ('contact_name', models.CharField(max_length=120, verbose_name='contact person')),
                        ('contact_email', models.EmailField(max_length=254, verbose_name='contact email')),
                        ('contact_language', models.CharField(choices=[('en', 'English'), ('es', 'Spanish'), ('fr', 'French'), ('pt', 'Portuguese'), ('ar', 'Arabic')], default='en', max_length=10, verbose_name='contact language')),
                        ('ip_hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='submitted at')),
                        ('contact_confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='contact confirmed at')),
                        ('moderated_at', models.DateTimeField(blank=True, null=True, verbose_name='moderated at')),
                        ('rejection_reason', models.TextField(blank=True, max_length=2000, verbose_name='reason for rejection')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitment_pledges', to='campaigns.campaign')),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='moderated by')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitment_pledges', to='pledges.organisation')),
                    ],
                    options={
                        'db_table': 'pledges_commitmentpledge',
                        'verbose_name': 'commitment pledge',
                        'verbose_name_plural': 'commitment pledges',
                        'ordering': ['-id'],
                        'permissions': [('moderate_commitmentpledge', 'Can approve and reject commitment pledges')],
                    },
                ),
                migrations.CreateModel(
                    name='Commitment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('boycott', 'Boycott'), ('divestment', 'Divestment'), ('sanction', 'Sanction'), ('other', 'Other')], max_length=20, verbose_name='type')),
                        ('other_kind', models.CharField(blank=True, max_length=120, verbose_name='type, in your words')),
                        ('action', models.TextField(max_length=1000, verbose_name='action')),
                        ('amount_minor', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='amount (minor units)')),
                        ('currency', models.CharField(blank=True, max_length=3, verbose_name='currency')),
                        ('deadline', models.DateField(blank=True, null=True, verbose_name='deadline')),
                        ('status', models.CharField(choices=[('pledged', 'Pledged'), ('in_progress', 'In progress'), ('fulfilled', 'Fulfilled'), ('lapsed', 'Lapsed'), ('withdrawn', 'Withdrawn')], default='pledged', max_length=20, verbose_name='status')),
                        ('status_changed_at', models.DateTimeField(verbose_name='status changed at')),
                        ('fulfilled_at', models.DateTimeField(blank=True, null=True, verbose_name='fulfilled at')),
                        ('reminder_sent_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('followup_sent_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='pledged at')),
                        ('target', models.ForeignKey(blank=True, help_text="Empty: all the drive's listed targets.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='campaigns.target', verbose_name='target')),
                        ('pledge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitments', to='commitments.commitmentpledge')),
                    ],
                    options={
                        'db_table': 'pledges_commitment',
                        'verbose_name': 'commitment',
                        'verbose_name_plural': 'commitments',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='CommitmentUpdate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('contact', "Organisation's contact"), ('moderator', 'Moderator'), ('system', 'Automatic')], max_length=20, verbose_name='from')),
                        ('review', models.CharField(choices=[('pending', 'Waiting for review'), ('accepted', 'Accepted'), ('rejected', 'Rejected')], default='pending', max_length=20, verbose_name='review')),
                        ('from_status', models.CharField(blank=True, choices=[('pledged', 'Pledged'), ('in_progress', 'In progress'), ('fulfilled', 'Fulfilled'), ('lapsed', 'Lapsed'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='previous status')),
                        ('status', models.CharField(choices=[('pledged', 'Pledged'), ('in_progress', 'In progress'), ('fulfilled', 'Fulfilled'), ('lapsed', 'Lapsed'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='new status')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='note')),
                        ('evidence_url', models.URLField(blank=True, max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='evidence link')),
                        ('created_at', models.DateTimeField(db_index=True, verbose_name='posted at')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('review_reason', models.TextField(blank=True, max_length=2000, verbose_name='reason')),
                        ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='commitments.commitment')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                    ],
                    options={
                        'db_table': 'pledges_commitmentupdate',
                        'verbose_name': 'commitment update',
                        'verbose_name_plural': 'commitment updates',
                        'ordering': ['created_at', 'id'],
                        'permissions': [('review_commitmentupdate', 'Can accept or reject updates from contacts'), ('post_commitmentupdate', 'Can post commitment updates as a moderator')],
                    },
                ),
                migrations.AddIndex(
                    model_name='commitmentpledge',
                    index=models.Index(fields=['campaign', 'status', 'id'], name='commitment_pledge_campaign'),
                ),
                migrations.AddConstraint(
                    model_name='commitmentpledge',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('rejection_reason', ''), _negated=True), _connector='OR'), name='commitment_pledge_rejection_has_reason'),
                ),
                migrations.AddIndex(
                    model_name='commitment',
                    index=models.Index(fields=['status', 'deadline'], name='commitment_status_deadline'),
                ),
                migrations.AddConstraint(
                    model_name='commitment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount_minor__isnull', True), ('kind', 'divestment'), _connector='OR'), name='commitment_amount_only_for_divestment'),
                ),
                migrations.AddConstraint(
                    model_name='commitment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount_minor__isnull', True), models.Q(('amount_minor__gt', 0), models.Q(('currency', ''), _negated=True)), _connector='OR'), name='commitment_amount_has_currency'),
                ),
                migrations.AddConstraint(
                    model_name='commitment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'other'), _negated=True), models.Q(('other_kind', ''), _negated=True), _connector='OR'), name='commitment_other_has_text'),
                ),
                migrations.AddConstraint(
                    model_name='commitment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'fulfilled'), _negated=True), ('fulfilled_at__isnull', False), _connector='OR'), name='commitment_fulfilled_has_time'),
                ),
                migrations.AddIndex(
                    model_name='commitmentupdate',
                    index=models.Index(fields=['commitment', 'review', 'created_at'], name='commitment_history'),
                ),
                migrations.AddIndex(
                    model_name='commitmentupdate',
                    index=models.Index(fields=['review', 'created_at'], name='commitment_update_queue'),
                ),
                migrations.AddConstraint(
                    model_name='commitmentupdate',
                    constraint=models.CheckConstraint(condition=models.Q(('review', 'pending'), ('reviewed_at__isnull', False), _connector='OR'), name='commitment_update_reviewed_has_time'),
                ),
                migrations.AddConstraint(
                    model_name='commitmentupdate',
                    constraint=models.CheckConstraint(condition=models.Q(('evidence_url', ''), ('evidence_url__istartswith', 'http://'), ('evidence_url__istartswith', 'https://'), _connector='OR'), name='commitment_update_evidence_http'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.AlterModelTable(name='commitmentpledge', table=None),
        migrations.AlterModelTable(name='commitment', table=None),
        migrations.AlterModelTable(name='commitmentupdate', table=None),
    ]

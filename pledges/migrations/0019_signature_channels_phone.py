"""Signatures by phone (USSD, SMS): a channel on every signature ("web" for the existing ones),
the keyed hash of a phone signer's number, one signature per number and campaign, no email
needed for them; per-campaign phone settings and the SMS reply outbox.

Backwards, phone signatures have no email to tell them apart under the old one-per-mailbox
rule: each gets a stand-in mailbox hash holding its channel and phone hash (never equal to a
real mailbox's), and comes forward again as the same phone signature.
"""

import base64

import django.core.validators
import django.db.models.deletion
import django_countries.fields
import lib.encryption
from django.db import migrations, models

from staff.roles import COMMUNICATIONS, grant, revoke

PHONE_PERMS = [
    "add_phonechannel", "change_phonechannel", "delete_phonechannel", "view_phonechannel",
    "add_phonesummary", "change_phonesummary", "delete_phonesummary", "view_phonesummary",
]


def grant_permissions(apps, schema_editor):
    grant(apps, COMMUNICATIONS, "pledges", PHONE_PERMS)


def revoke_permissions(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "pledges", PHONE_PERMS)


STAND_IN = "phone:"  # real mailbox hashes are 64 hex digits: never this prefix


def phone_hash_as_mailbox(apps, schema_editor):
    """Backwards: each phone signature keeps its own row under the old one-per-mailbox rule,
    its channel and phone hash written into a stand-in mailbox hash ("phone:ussd:<base64>",
    54 characters) that forwards again reads back."""
    Signature = apps.get_model("pledges", "Signature")
    rows = Signature.objects.exclude(phone_hash="").only("pk", "channel", "phone_hash")
    changed = []
    for row in rows.iterator(chunk_size=2000):
        digest = base64.urlsafe_b64encode(bytes.fromhex(row.phone_hash)).decode().rstrip("=")
        row.email_hash = f"{STAND_IN}{row.channel}:{digest}"
        changed.append(row)
    Signature.objects.bulk_update(changed, ["email_hash"], batch_size=2000)


def mailbox_as_phone_hash(apps, schema_editor):
    """Forwards (after going back): stand-in mailbox hashes become phone signatures again."""
    Signature = apps.get_model("pledges", "Signature")
    rows = Signature.objects.filter(email_hash__startswith=STAND_IN).only("pk", "email_hash")
    changed = []
    for row in rows.iterator(chunk_size=2000):
        _prefix, channel, digest = row.email_hash.split(":", 2)
        row.phone_hash = base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)).hex()
        row.channel, row.email_hash = channel, ""
        changed.append(row)
    Signature.objects.bulk_update(changed, ["email_hash", "phone_hash", "channel"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0010_translators_group'),
        ('pledges', '0018_sign_intake_submissions'),
    ]

    operations = [
        migrations.CreateModel(
            name='PhoneChannel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='What signers type after SIGN in a text message: 2 to 12 letters or digits, such as REFUSE or 18.', max_length=12, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9]{2,12}$', message='2 to 12 letters or digits, without spaces.')], verbose_name='keyword')),
                ('ussd_enabled', models.BooleanField(default=False, verbose_name='take signatures over USSD')),
                ('sms_enabled', models.BooleanField(default=False, verbose_name='take signatures by SMS keyword')),
                ('default_country', django_countries.fields.CountryField(blank=True, help_text="Counted as the signers' country when their number's country is not one the platform knows. Leave empty to refuse such numbers.", max_length=2, verbose_name='country of signers')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'phone signing',
                'verbose_name_plural': 'phone signing',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='PhoneSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('es', 'Spanish'), ('fr', 'French'), ('pt', 'Portuguese'), ('ar', 'Arabic')], max_length=10, verbose_name='language')),
                ('text', models.CharField(help_text='At most 120 characters: a USSD screen holds 182 with its menu.', max_length=120, verbose_name='summary for phones')),
            ],
            options={
                'verbose_name': 'phone summary',
                'verbose_name_plural': 'phone summaries',
                'ordering': ['language'],
            },
        ),
        migrations.CreateModel(
            name='SmsReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('signed', 'signed'), ('already-signed', 'already signed'), ('closed', 'closed'), ('help', 'help')], max_length=20)),
                ('language', models.CharField(choices=[('en', 'English'), ('es', 'Spanish'), ('fr', 'French'), ('pt', 'Portuguese'), ('ar', 'Arabic')], max_length=10)),
                ('phone', lib.encryption.EncryptedCharField(blank=True, editable=False, max_length=16)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, max_length=20)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='signature',
            name='signature_mailbox_unique',
        ),
        migrations.AddField(
            model_name='signature',
            name='channel',
            field=models.CharField(choices=[('web', 'Web form'), ('api', 'Partner API'), ('ussd', 'USSD'), ('sms', 'SMS')], db_default='web', default='web', editable=False, max_length=10, verbose_name='signed by'),
        ),
        migrations.AddField(
            model_name='signature',
            name='phone_hash',
            field=models.CharField(blank=True, db_default='', editable=False, max_length=64),
        ),
        migrations.RunPython(mailbox_as_phone_hash, phone_hash_as_mailbox),
        migrations.AlterField(
            model_name='ratecount',
            name='scope',
            field=models.CharField(choices=[('email', 'email'), ('domain', 'domain'), ('ip', 'ip'), ('phone', 'phone')], max_length=10),
        ),
        migrations.AlterField(
            model_name='signature',
            name='email_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('alias_duplicate', False), models.Q(('email_hash', ''), _negated=True)), fields=('campaign', 'email_hash'), name='signature_mailbox_unique'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('phone_hash', ''), _negated=True), fields=('campaign', 'phone_hash'), name='signature_phone_unique'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.CheckConstraint(condition=models.Q(('channel__in', ['web', 'api', 'ussd', 'sms'])), name='signature_channel_known'),
        ),
        migrations.AddField(
            model_name='phonechannel',
            name='campaign',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='phone_channel', to='campaigns.campaign', verbose_name='campaign'),
        ),
        migrations.AddField(
            model_name='phonesummary',
            name='phone_channel',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summaries', to='pledges.phonechannel'),
        ),
        migrations.AddField(
            model_name='smsreply',
            name='campaign',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='campaigns.campaign'),
        ),
        migrations.AddConstraint(
            model_name='phonechannel',
            constraint=models.UniqueConstraint(fields=('code',), name='phone_channel_unique_code'),
        ),
        migrations.AddConstraint(
            model_name='phonechannel',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Z0-9]{2,12}$')), name='phone_channel_code_shape'),
        ),
        migrations.AddConstraint(
            model_name='phonesummary',
            constraint=models.UniqueConstraint(fields=('phone_channel', 'language'), name='phone_summary_unique_language'),
        ),
        migrations.RunPython(grant_permissions, revoke_permissions),
    ]

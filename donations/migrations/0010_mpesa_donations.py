# M-Pesa gifts (STK push): the donation's M-Pesa fields, the callbacks, Finance's per-page setting.

import django.db.models.deletion
import django.db.models.functions.comparison
import django.db.models.functions.math
import django.db.models.lookups
import lib.encryption
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0010_translators_group'),
        ('donations', '0009_finance_giving_methods'),
        ('partners', '0003_encrypt_existing_payloads'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MpesaCallback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checkout_request_id', models.CharField(max_length=100, unique=True)),
                ('result_code', models.PositiveIntegerField()),
                ('result_desc', models.CharField(blank=True, max_length=255)),
                ('payload', models.JSONField()),
                ('received_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'M-Pesa callback',
                'verbose_name_plural': 'M-Pesa callbacks',
                'ordering': ['-received_at'],
            },
        ),
        migrations.CreateModel(
            name='MpesaSetting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled', models.BooleanField(default=True, help_text='Donors enter their phone number and approve the gift on their phone.', verbose_name='offer M-Pesa')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'M-Pesa on a donate page',
                'verbose_name_plural': 'M-Pesa on donate pages',
            },
        ),
        migrations.AddField(
            model_name='donation',
            name='mpesa_checkout_request_id',
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='donation',
            name='mpesa_merchant_request_id',
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='donation',
            name='mpesa_receipt_number',
            field=models.CharField(blank=True, editable=False, max_length=40, verbose_name='M-Pesa receipt'),
        ),
        migrations.AddField(
            model_name='donation',
            name='mpesa_result_code',
            field=models.CharField(blank=True, editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name='donation',
            name='phone',
            field=lib.encryption.EncryptedCharField(blank=True, editable=False, max_length=15, verbose_name='phone number'),
        ),
        migrations.AddField(
            model_name='donation',
            name='receipt_by',
            field=models.CharField(choices=[('email', 'Email'), ('sms', 'SMS')], default='email', editable=False, max_length=5, verbose_name='receipt by'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='method',
            field=models.CharField(choices=[('card', 'Card (Stripe)'), ('bank_transfer', 'Bank transfer'), ('cash', 'Cash'), ('mobile_money', 'Mobile money'), ('mpesa', 'M-Pesa')], default='card', max_length=20, verbose_name='method'),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.UniqueConstraint(condition=models.Q(('mpesa_checkout_request_id', ''), _negated=True), fields=('mpesa_checkout_request_id',), name='donation_unique_mpesa_checkout'),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('method', 'mpesa'), _negated=True), models.Q(('currency', 'KES'), django.db.models.lookups.Exact(django.db.models.functions.math.Mod(models.F('amount_minor'), 100), 0)), _connector='OR'), name='donation_mpesa_whole_shillings'),
        ),
        migrations.AddField(
            model_name='mpesacallback',
            name='donation',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='mpesa_callbacks', to='donations.donation'),
        ),
        migrations.AddField(
            model_name='mpesasetting',
            name='campaign',
            field=models.ForeignKey(blank=True, help_text="Empty for the general fund's donate page.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign', verbose_name='campaign'),
        ),
        migrations.AddConstraint(
            model_name='mpesasetting',
            constraint=models.UniqueConstraint(django.db.models.functions.comparison.Coalesce('campaign', models.Value(0)), name='mpesa_setting_one_per_page', violation_error_message='This donate page already has its M-Pesa setting.'),
        ),
    ]

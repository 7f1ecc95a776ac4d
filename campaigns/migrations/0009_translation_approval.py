"""Translations wait for approval before they go public; every existing one stays public.

The column is added without a default, the rows already there are marked approved (by nobody,
now) in the same migration, and only then does the field take its default for new rows.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Now


def approve_existing(apps, schema_editor):
    Translation = apps.get_model("campaigns", "CampaignTranslation")
    Translation.objects.filter(approved_at__isnull=True).update(approved_at=Now())


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0008_campaign_hero_image'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='campaigntranslation',
            options={'permissions': [('approve_campaigntranslation', 'Can approve translations in every language')], 'verbose_name': 'translation', 'verbose_name_plural': 'translations'},
        ),
        migrations.AddField(
            model_name='campaigntranslation',
            name='approved_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='approved at'),
        ),
        # Existing translations are public today: they stay so. Undone by dropping the column.
        migrations.RunPython(approve_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='campaigntranslation',
            name='approved_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, null=True, verbose_name='approved at'),
        ),
        migrations.AddField(
            model_name='campaigntranslation',
            name='approved_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AddField(
            model_name='campaigntranslation',
            name='edited_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='edited at'),
        ),
        migrations.AddField(
            model_name='campaigntranslation',
            name='edited_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='edited by'),
        ),
        migrations.CreateModel(
            name='TranslatorLanguage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('es', 'Spanish'), ('fr', 'French'), ('pt', 'Portuguese'), ('ar', 'Arabic')], max_length=10, verbose_name='language')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='translator_languages', to=settings.AUTH_USER_MODEL, verbose_name='translator')),
            ],
            options={
                'verbose_name': 'translator language',
                'verbose_name_plural': 'translator languages',
                'ordering': ['user__username', 'language'],
                'constraints': [models.UniqueConstraint(fields=('user', 'language'), name='translator_language_unique')],
            },
        ),
    ]

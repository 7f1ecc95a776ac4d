"""The Translators group, and the translation permissions of Communications and Translators.

Translators see campaigns and edit their translations (only in the languages set on their
account: `campaigns.access.translation_languages`); Communications approves translations in
every language and assigns translators their languages.
"""

from django.db import migrations

from staff.roles import COMMUNICATIONS, TRANSLATORS, grant, revoke

TRANSLATOR_PERMS = [
    "view_campaign",
    "add_campaigntranslation",
    "change_campaigntranslation",
    "view_campaigntranslation",
]
COMMUNICATIONS_PERMS = [
    "approve_campaigntranslation",
    "add_translatorlanguage",
    "change_translatorlanguage",
    "delete_translatorlanguage",
    "view_translatorlanguage",
]


def create_translators(apps, schema_editor):
    grant(apps, TRANSLATORS, "campaigns", TRANSLATOR_PERMS)
    grant(apps, COMMUNICATIONS, "campaigns", COMMUNICATIONS_PERMS)


def remove_translators(apps, schema_editor):
    revoke(apps, COMMUNICATIONS, "campaigns", COMMUNICATIONS_PERMS)
    apps.get_model("auth", "Group").objects.filter(name=TRANSLATORS).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0009_translation_approval")]

    operations = [migrations.RunPython(create_translators, remove_translators)]

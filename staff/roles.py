"""Staff groups. Each app's migrations grant its permissions to these groups."""

COMMUNICATIONS = "Communications"
MODERATORS = "Moderators"
FINANCE = "Finance"
# Edit campaign translations in the languages set on their account (campaigns.TranslatorLanguage).
TRANSLATORS = "Translators"
STAFF_GROUPS = (COMMUNICATIONS, MODERATORS, FINANCE, TRANSLATORS)


def grant(apps, group_name: str, app_label: str, codenames: list[str]) -> None:
    """Give `group_name` the named permissions of `app_label` (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    missing = set(codenames) - set(perms.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"unknown permissions for {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)


def revoke(apps, group_name: str, app_label: str, codenames: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

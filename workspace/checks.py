"""System checks of the moderation settings (`manage.py check`, and every start)."""

from django.conf import settings
from django.core import checks


def check_service_level(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    overdue = settings.MODERATION_OVERDUE_DAYS
    nearly = settings.MODERATION_NEARLY_OVERDUE_DAYS
    if not 0 < nearly < overdue:
        return [
            checks.Error(
                f"MODERATION_NEARLY_OVERDUE_DAYS ({nearly}) must be above 0 and below "
                f"MODERATION_OVERDUE_DAYS ({overdue})",
                id="workspace.E001",
            )
        ]
    return []


def register() -> None:
    checks.register(check_service_level)

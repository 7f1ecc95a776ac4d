"""The service-level settings are checked at start-up."""

from workspace.checks import check_service_level


def test_nearly_overdue_must_come_before_overdue(settings):
    assert check_service_level() == []
    settings.MODERATION_NEARLY_OVERDUE_DAYS = 14
    (error,) = check_service_level()
    assert error.id == "workspace.E001"
    settings.MODERATION_NEARLY_OVERDUE_DAYS = 0
    assert check_service_level()

from django.apps import AppConfig


class LibConfig(AppConfig):
    """Installed only for its management commands (the task-queue sweeper); it has no models."""

    name = "lib"
    verbose_name = "Site"

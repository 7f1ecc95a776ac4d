"""Staff workspace pages, under the staff area's path (config/urls.py mounts them)."""

from django.urls import path  # noqa: F401 - the parts add their paths here

app_name = "workspace"

# Each part of the workspace keeps its own list of paths (moderation.py, dashboard.py …).
urlpatterns: list = []

"""Staff workspace pages, under the staff area's path (config/urls.py mounts them)."""

from django.urls import path  # noqa: F401 - the parts add their paths here

from workspace import dashboard
from workspace import views as moderation_views

app_name = "workspace"

# Each part of the workspace keeps its own list of paths (moderation.py, dashboard.py …).
urlpatterns: list = []
urlpatterns += moderation_views.urlpatterns  # staff home, queues, items, my notifications
urlpatterns += dashboard.urlpatterns  # campaign dashboards

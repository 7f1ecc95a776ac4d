from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and partners"

    def ready(self):
        from api import authentication  # noqa: F401 - registers the OpenAPI auth scheme

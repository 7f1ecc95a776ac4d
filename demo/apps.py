from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo campaigns for `make run` (`manage.py load_demo`): it composes every app's demo
    content, so it sits above them all and nothing imports it."""

    name = "demo"
    verbose_name = "Demo content"

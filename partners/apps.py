from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        from campaigns import figures
        from partners import goals

        figures.on_moved(goals.figures_moved)

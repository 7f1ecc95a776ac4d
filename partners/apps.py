from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from campaigns import figures
        from partners import goals

        figures.on_moved(goals.figures_moved)

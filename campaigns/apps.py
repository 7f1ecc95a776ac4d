from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self):
        from campaigns import counters, figures, pages
        from lib import health

        figures.on_moved(pages.figures_moved)
        health.register("counters", counters.health)

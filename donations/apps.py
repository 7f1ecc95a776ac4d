from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from campaigns import figures
        from donations import progress

        figures.register(
            ("raised",),
            progress.raised_figure,
            applies=lambda campaign: campaign.collects_donations,
            goals=["raised"],
        )

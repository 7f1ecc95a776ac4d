from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from campaigns import figures
        from donations import erasure, money, progress, retention
        from lib import personal_data

        figures.register(
            ("raised",),
            progress.raised_figure,
            applies=lambda campaign: campaign.collects_donations,
            goals=["raised"],
        )
        figures.register_money_format(
            figures.MoneyFormat(
                to_major=money.from_minor,
                whole=lambda major, currency, language: money.format_money(
                    major * 10 ** money.exponent(currency), currency, language=language, whole=True
                ),
            )
        )
        personal_data.register_eraser("donations", erasure.erase_donor)
        personal_data.register_forgetter("donations", retention.forget_donor_addresses)

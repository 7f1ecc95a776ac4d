from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from campaigns import figures, targets
        from lib import personal_data
        from partners import events, goals, services

        figures.on_counted(goals.figures_counted)
        # Right of reply and the dated target list: `target.reply_recorded`,
        # `target.list_changed` (payloads of public fields, built by campaigns).
        targets.on_target_event(events.target_event)
        personal_data.register_eraser("partner webhooks", services.erase_from_deliveries)
        personal_data.register_forgetter("partner webhooks", services.forget_delivered_signers)

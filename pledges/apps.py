from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledges"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from django.utils.translation import gettext_lazy as _

        from campaigns import counters, figures
        from campaigns import services as campaign_services
        from lib import health, personal_data
        from pledges import contact, exports, intake, progress, retention, services
        from pledges.models import OrgPledge

        figures.register(
            ("signatures", "pending_signatures"), progress.signature_counts, goals=["signatures"]
        )
        counters.register("signatures", progress.recount_signatures)
        health.register("intake", intake.intake_health)
        figures.register(
            ("organisations",),
            progress.organisation_counts,
            applies=lambda campaign: not campaign.collects_commitments,
            goals=["organisations"],
        )
        exports.register_source("signatures", _("Signatures"), exports.signature_rows)
        exports.register_source(
            "organisations", _("Organisational sign-ons"), exports.org_pledge_rows
        )
        campaign_services.on_statement_edited(services.record_statement_edit)
        personal_data.register_eraser("pledges", services.erase_pledge_data)
        personal_data.register_forgetter("pledges", retention.forget_pledge_addresses)
        contact.register_kind(
            OrgPledge, personal_data_key="org_pledges", on_approved=services.organisation_approved
        )

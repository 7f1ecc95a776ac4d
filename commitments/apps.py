from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "BDS commitments"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from django.utils.translation import gettext_lazy as _

        from campaigns import figures
        from commitments import emails, exports, progress, services
        from commitments.models import CommitmentPledge
        from pledges import contact
        from pledges import exports as pledge_exports

        figures.register(
            ("organisations", "commitments"),
            progress.drive_counts,
            applies=lambda campaign: campaign.collects_commitments,
            goals=["organisations"],
        )
        contact.register_kind(
            CommitmentPledge,
            personal_data_key="commitment_pledges",
            on_approved=services.commitments_published,
            former_labels=("pledges.commitmentpledge",),
            still_owed=services.contact_still_owed,
        )
        emails.register()
        pledge_exports.register_source("commitments", _("BDS commitments"), exports.commitment_rows)

from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "paper"
    verbose_name = "Paper signatures"

    def ready(self):
        # Imported here: models may only load once the app registry is ready.
        from campaigns import figures
        from paper import progress, queries
        from pledges import progress as pledge_progress
        from pledges import queries as pledge_queries

        figures.register(
            ("paper_signatures",),
            progress.paper_counts,
            applies=lambda campaign: campaign.collects_signatures,
        )
        # The reconcile recount of "signatures" adds the counted batches to the signatures.
        pledge_progress.register_signature_source(progress.recount_paper)
        pledge_queries.register_signatory_section(queries.signatory_section)

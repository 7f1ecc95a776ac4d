from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The staff's web surface above the domain apps (as `api/` is the partners'): the
    moderation queues, the campaign dashboard and the staff home. No models of its own
    beyond staff preferences; every change goes through the owning app's services."""

    name = "workspace"
    verbose_name = "Staff workspace"

    def ready(self):
        # Imported here, not at the top: models may only load once the app registry is ready.
        from staff import waiting
        from workspace import checks, notices, queues

        queues.register_builtin()
        waiting.on_item_waiting(notices.item_arrived)
        checks.register()

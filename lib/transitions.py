"""The one error every status table raises (campaigns, signatures, pledges, donations)."""


class InvalidTransition(Exception):
    def __init__(self, obj, to: str):
        label = getattr(obj, "slug", None) or f"{obj._meta.label} {obj.pk}"
        super().__init__(f"{label}: cannot go from {obj.status} to {to}")
        self.obj = obj
        self.to = to

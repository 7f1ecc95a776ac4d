from django.db import models


class BaselineRow(models.Model):
    """One row per request to the minimal ORM-insert view."""

    payload = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"baseline row {self.pk}"

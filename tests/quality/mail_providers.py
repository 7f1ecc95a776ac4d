"""An email backend standing in for a provider that is down for its first N calls."""

from anymail.exceptions import AnymailAPIError
from django.core.mail.backends.locmem import EmailBackend


class ProviderDownBackend(EmailBackend):
    """Raises like an unreachable provider while `failures_left` > 0, then delivers to outbox."""

    failures_left = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise AnymailAPIError("provider unavailable (simulated)")
        return super().send_messages(messages)

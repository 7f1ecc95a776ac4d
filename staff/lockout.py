"""Login lockouts: django-axes per username and address, plus a lock on the username alone.

axes counts failures for each of its lockout parameters but applies one limit and one
cool-off to all of them, so "5 tries per username from one address" and "20 tries per
username from anywhere, cooling off more slowly" cannot both be axes parameters. This
handler keeps axes' behaviour and adds the second lock, counted in `UsernameLoginFailure`
rows (username and time only):

- a username with AXES_USERNAME_FAILURE_LIMIT failures within AXES_USERNAME_COOLOFF_TIME is
  refused from every address, with the right password too, until enough failures age out;
- attempts refused during the lock count as failures (as axes does with its default
  AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so continued guessing keeps it shut;
- a successful login does not clear the count: spraying a few guesses between the owner's
  logins must not restart the allowance;
- `manage.py axes_reset_username <name>` (and `axes_reset`) lift this lock as well.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out
from django.conf import settings
from django.utils import timezone

from staff.models import UsernameLoginFailure


def _key(username: str | None) -> str:
    # Case-folded: "Comms" and "comms" share one allowance whatever the auth backend does.
    return (username or "").strip().casefold()[:150]


def username_is_locked(username: str | None) -> bool:
    key = _key(username)
    if not key:
        return False
    since = timezone.now() - settings.AXES_USERNAME_COOLOFF_TIME
    recent = UsernameLoginFailure.objects.filter(username=key, failed_at__gt=since)
    return recent.count() >= settings.AXES_USERNAME_FAILURE_LIMIT


def record_username_failure(username: str | None) -> None:
    key = _key(username)
    if not key:
        return
    now = timezone.now()
    UsernameLoginFailure.objects.filter(
        failed_at__lte=now - settings.AXES_USERNAME_COOLOFF_TIME
    ).delete()
    UsernameLoginFailure.objects.create(username=key, failed_at=now)


class StaffLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the username-wide lock on top (AXES_HANDLER)."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if username_is_locked(get_client_username(request, credentials)):
            request.staff_username_locked = True  # the lockout page explains this case
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or self.is_whitelisted(request, credentials):
            return
        username = get_client_username(request, credentials)
        record_username_failure(username)
        if not getattr(request, "axes_locked_out", False) and username_is_locked(username):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.staff_username_locked = True
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        if username:
            deleted, _ = UsernameLoginFailure.objects.filter(username=_key(username)).delete()
        elif not ip_address:
            deleted, _ = UsernameLoginFailure.objects.all().delete()
        else:
            deleted = 0
        return count + deleted

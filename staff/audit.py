"""The audit log of sensitive staff actions: launches and closures now; approvals, exports
and donor views call `record` from their own services.

Call `record` inside the service's atomic block, so the event exists exactly when the
action happened. Details carry identifiers and states, never personal data.
"""

import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from staff.models import AuditEvent

EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


class PersonalDataInAudit(ValueError):
    pass


def _check_no_email(value: Any, path: str = "details") -> None:
    if isinstance(value, str) and EMAIL_RE.search(value):
        raise PersonalDataInAudit(f"{path} looks like an email address; log an id instead")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_no_email(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_no_email(item, f"{path}[{index}]")


def record(
    action: str,
    *,
    actor: AbstractBaseUser | None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Log that `actor` (None: the system) did `action` (e.g. "campaign.launch") to `target`."""
    details = details or {}
    _check_no_email(details)
    is_user = actor is not None and actor.is_authenticated
    event = AuditEvent(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=details,
    )
    event.full_clean()
    event.save()
    return event

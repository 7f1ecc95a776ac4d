"""Enrolling a staff member's first second factor, which takes more than the password.

A stolen password must not be enough to register the thief's authenticator on an account
that has no device yet. The first device is enrolled only from a session that opened an
enrolment link of that account: emailed to its address (sent by itself when such a staff
member logs in, and again on request, a few an hour) or printed by a superuser with
`manage.py staff_enrolment_link <username>` and handed over in person. A link works once,
for its own account, until it expires, is replaced by a newer one, or any device of the
account is confirmed. Only the SHA-256 of its token is stored; the email task mints the
token, so it is never written to the task queue either.

Accounts with a confirmed device (an authenticator, or the backup codes `load_demo` prints)
verify with it instead; once verified they may add more devices without a link.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import audit
from staff.models import EnrolmentLink
from staff.tasks import send_enrolment_link

# Emailed links per account and hour: enough for a lost email, too few to flood an inbox.
LINKS_EMAILED_PER_HOUR = 3


class EnrolmentRefused(Exception):
    """This account cannot enrol that way (enrolled already, not active staff, no open link)."""


class NoEmailAddress(EnrolmentRefused):
    pass


class TooManyEnrolmentLinks(EnrolmentRefused):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mint_token(link: EnrolmentLink) -> str:
    """Give `link` a new token (its hash, unsaved) and return the token itself."""
    token = secrets.token_urlsafe(32)
    link.token_hash = hash_token(token)
    return token


def link_url(token: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("two_factor:enrol", kwargs={"token": token})


def has_enrolled(user: AbstractBaseUser) -> bool:
    return user_has_device(user, confirmed=True)


def open_links(user: AbstractBaseUser) -> QuerySet[EnrolmentLink]:
    return EnrolmentLink.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )


def usable_link(
    user: AbstractBaseUser, *, token: str | None = None, link_id: int | None = None
) -> EnrolmentLink | None:
    """`user`'s link with this token (opened from the email) or id (kept in the session),
    if it still lets them enrol; a link of another account never matches."""
    # An empty hash marks a link whose email is not sent yet; it is no secret.
    links = EnrolmentLink.objects.filter(user=user).exclude(token_hash="")  # nosec B106
    if token:
        link = links.filter(token_hash=hash_token(token)).first()
    elif link_id:
        link = links.filter(pk=link_id).first()
    else:
        return None
    if link is None or not link.is_open() or has_enrolled(user):
        return None
    return link


def _lock_enrollable(user: AbstractBaseUser) -> AbstractBaseUser:
    # Lock the account: two tabs (or a thief and the owner) issuing or enrolling race here.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not (user.is_active and user.is_staff):
        raise EnrolmentRefused("only active staff accounts enrol a second factor")
    if has_enrolled(user):
        raise EnrolmentRefused("this account has a confirmed device already")
    return user


def _replace_open_links(user: AbstractBaseUser, via: str) -> EnrolmentLink:
    """A new, unsaved link for `user`; their open ones stop working: only the newest does."""
    now = timezone.now()
    open_links(user).update(revoked_at=now)
    # A new link, a new key: one shown under an older link must not become the second factor.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return EnrolmentLink(
        user=user,
        via=via,
        created_at=now,
        expires_at=now + timedelta(hours=settings.STAFF_ENROLMENT_LINK_HOURS),
    )


def _record_issue(link: EnrolmentLink, *, by: AbstractBaseUser | None) -> None:
    audit.record(
        "staff.enrolment_link_issue",
        actor=by,
        target=link.user,
        details={"link": link.pk, "via": link.via, "expires_at": link.expires_at.isoformat()},
    )


def email_enrolment_link(user: AbstractBaseUser, *, by: AbstractBaseUser | None) -> EnrolmentLink:
    """Email `user` a new enrolment link (replacing any open one); `by` asked for it: the
    staff member themselves, a superuser, or None for the system."""
    with transaction.atomic():
        user = _lock_enrollable(user)
        if not user.email:
            raise NoEmailAddress("this account has no email address")
        hour_ago = timezone.now() - timedelta(hours=1)
        emailed = EnrolmentLink.objects.filter(
            user=user, via=EnrolmentLink.Via.EMAIL, created_at__gt=hour_ago
        )
        if emailed.count() >= LINKS_EMAILED_PER_HOUR:
            raise TooManyEnrolmentLinks("enough links were emailed this hour")
        link = _replace_open_links(user, EnrolmentLink.Via.EMAIL)
        link.full_clean()
        link.save()
        send_enrolment_link.enqueue(link.pk)
        _record_issue(link, by=by)
    return link


def ensure_enrolment_link(user: AbstractBaseUser) -> EnrolmentLink | None:
    """The open link of a staff member with nothing to enrol with yet, emailed now if there
    is none; None when none can be sent (too many this hour, no email address, enrolled)."""
    with transaction.atomic():
        try:
            user = _lock_enrollable(user)
        except EnrolmentRefused:
            return None
        link = open_links(user).first()
        if link is not None:
            return link
        try:
            return email_enrolment_link(user, by=user)
        except EnrolmentRefused:
            return None


def hand_over_enrolment_link(user: AbstractBaseUser, *, by: AbstractBaseUser | None) -> str:
    """A new enrolment link for `user` to be given to them in person (replacing any open
    one): returned, never emailed or stored. `by` is the superuser, or None from the shell."""
    with transaction.atomic():
        user = _lock_enrollable(user)
        link = _replace_open_links(user, EnrolmentLink.Via.IN_PERSON)
        token = mint_token(link)
        link.sent_at = link.created_at
        link.full_clean()
        link.save()
        _record_issue(link, by=by)
    return link_url(token)


def start_authenticator(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator whose key the setup page shows (the same on reloads)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def enrol_device(device: Device, code: str, *, link: EnrolmentLink | None) -> bool:
    """Confirm `device` if `code` is what it shows now; False if not.

    An account's first device needs an open enrolment `link` of the same account, which this
    uses up (with every other open link of the account). With `link=None` the account adds
    another device: it must have one already, and the caller has verified the session with
    it. EnrolmentRefused otherwise, also when the account enrolled meanwhile (a race).
    """
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=device.user_id)
        if link is None:
            if not has_enrolled(user):
                raise EnrolmentRefused("the first device needs an enrolment link")
        else:
            link = EnrolmentLink.objects.select_for_update().filter(pk=link.pk).first()
            if link is None or link.user_id != user.pk or not link.is_open():
                raise EnrolmentRefused("this enrolment link no longer works")
            if has_enrolled(user):
                raise EnrolmentRefused("this account enrolled a device meanwhile")
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        now = timezone.now()
        if link is not None:
            link.used_at = now
            link.save(update_fields=["used_at"])
        # A confirmed device ends every other way in.
        open_links(user).update(revoked_at=now)
        audit.record(
            "staff.two_factor_setup",
            actor=user,
            target=device,
            details={
                "device": device._meta.model_name,
                "enrolment_link": link.pk if link is not None else None,
            },
        )
    return True

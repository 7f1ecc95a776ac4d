"""Two-factor authentication for staff: a password alone opens nothing.

After the password login (the admin's, throttled by django-axes and `staff.lockout`) a staff
member confirms a code from an authenticator app (TOTP) or a one-time backup code. Until
then the staff area sends them to set up or verify a device (only logging out stays open:
not even the password can be changed), and on the rest of the site they count as anonymous
(so, for example, draft previews stay hidden). An account without a device enrols its first
one only from an enrolment link (`staff.enrolment`): the password alone shows a page saying
the link was emailed. `STAFF_2FA_REQUIRED=0` turns this off for local experiments only.
"""

import base64

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from lib import qr
from staff import enrolment

app_name = "two_factor"

# Admin pages an unverified staff member may still open. Not the password change: with a
# stolen password it would lock the owner out before any second factor was asked for.
OPEN_ADMIN_VIEWS = {"login", "logout"}

# The enrolment link this session opened (its id; the token itself is not kept).
ENROLMENT_SESSION_KEY = "staff_enrolment_link"

NO_EMAIL = _("This account has no email address: ask an administrator for an enrolment link.")


def needs_second_factor(user) -> bool:
    return bool(
        settings.STAFF_2FA_REQUIRED
        and user.is_authenticated
        and user.is_staff
        and not user.is_verified()
    )


class StaffTwoFactorMiddleware:
    """Install after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Without a session cookie nobody is logged in; not touching the session keeps
        # public pages free of `Vary: Cookie`.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        match = request.resolver_match
        if match.namespace == app_name:
            return None
        if match.namespace == "admin" and match.url_name in OPEN_ADMIN_VIEWS:
            return None
        if not needs_second_factor(request.user):
            return None
        if match.namespace == "admin":
            step = "verify" if user_has_device(request.user) else "setup"
            return redirect(f"{reverse(f'{app_name}:{step}')}?next={request.path}")
        request.user = AnonymousUser()
        return None


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The code from your authenticator app, or one of your backup codes."),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _qr_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr.qr_svg(text)).decode()


def _staff_or_login(request: HttpRequest) -> HttpResponse | None:
    if not (request.user.is_authenticated and request.user.is_staff):
        return redirect(f"{reverse('admin:login')}?next={request.path}")
    return None


def _setup_url(request: HttpRequest) -> str:
    return f"{reverse(f'{app_name}:setup')}?next={_next_url(request)}"


def _enrolment_page(request: HttpRequest, *, invalid_link: bool = False) -> HttpResponse:
    """What an account without a device sees instead of the staff area: the link is emailed.

    Sending on a GET: this page is where a password login without a device lands, and
    `ensure_enrolment_link` emails only while no link is open, and a few an hour at most.
    """
    user = request.user
    if request.method == "GET" and not invalid_link:
        link = enrolment.ensure_enrolment_link(user)
    else:
        link = enrolment.open_links(user).first()
    return render(
        request,
        "staff/two_factor_enrol.html",
        {
            "invalid_link": invalid_link,
            "link": link,
            "has_email": bool(user.email),
            "next": _next_url(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: scan the QR code, confirm one code.

    The first device needs the enrolment link opened in this session; an account with a
    device adds another only once verified with it.
    """
    if denied := _staff_or_login(request):
        return denied
    user = request.user
    link = None
    if enrolment.has_enrolled(user):
        # Someone holding only the password must not add their own device.
        if not user.is_verified():
            return redirect(f"{reverse(f'{app_name}:verify')}?next={_next_url(request)}")
    else:
        link = enrolment.usable_link(user, link_id=request.session.get(ENROLMENT_SESSION_KEY))
        if link is None:
            return _enrolment_page(request)
    device = enrolment.start_authenticator(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = enrolment.enrol_device(
                device, form.cleaned_data["token"].strip(), link=link
            )
        except enrolment.EnrolmentRefused:
            # The link stopped working (or a device was confirmed elsewhere) meanwhile.
            return redirect(_setup_url(request))
        if confirmed:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token", _("That code did not match. Check your device's clock and try again.")
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "staff/two_factor_setup.html",
        {
            "form": form,
            "qr_src": _qr_data_uri(device.config_url),
            "secret": secret,
            "next": _next_url(request),
        },
    )


@never_cache
@require_GET
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the enrolment email: kept in this session (after the password login if
    needed), then on to the setup page, without the token in the address any more."""
    if denied := _staff_or_login(request):
        return denied
    if enrolment.has_enrolled(request.user):
        return redirect("admin:index")  # links end with the first device: verify with it
    link = enrolment.usable_link(request.user, token=token)
    if link is None:
        return _enrolment_page(request, invalid_link=True)
    request.session[ENROLMENT_SESSION_KEY] = link.pk
    return redirect(_setup_url(request))


@never_cache
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    """Email a new enrolment link (replacing the open one), a few an hour at most."""
    if denied := _staff_or_login(request):
        return denied
    try:
        enrolment.email_enrolment_link(request.user, by=request.user)
    except enrolment.TooManyEnrolmentLinks:
        messages.error(request, _("Enough links were emailed this hour. Try again later."))
    except enrolment.NoEmailAddress:
        messages.error(request, NO_EMAIL)
    except enrolment.EnrolmentRefused:
        pass  # enrolled already: the setup page sends them to verify
    else:
        messages.success(request, _("We have emailed you a new enrolment link."))
    return redirect(_setup_url(request))


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of every staff login."""
    if denied := _staff_or_login(request):
        return denied
    user = request.user
    if not user_has_device(user):
        return redirect(f"{reverse(f'{app_name}:setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code did not work."))
    return render(
        request, "staff/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


urlpatterns = [
    path("setup/", setup, name="setup"),
    path("verify/", verify, name="verify"),
    path("enrol/<str:token>/", enrol, name="enrol"),
    path("enrolment-link/", resend, name="resend"),
]

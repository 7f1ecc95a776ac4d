"""Two-factor authentication for staff: a password alone opens nothing.

After the password login (the admin's, throttled by django-axes) a staff member confirms a
code from an authenticator app (TOTP) or a one-time backup code. Until then the staff area
sends them to set up or verify a device, and on the rest of the site they count as anonymous
(so, for example, draft previews stay hidden). `STAFF_2FA_REQUIRED=0` turns this off for
local experiments only.
"""

import base64

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib import qr
from staff import audit

app_name = "two_factor"

# Admin pages an unverified staff member may still open.
OPEN_ADMIN_VIEWS = {"login", "logout", "password_change", "password_change_done"}


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


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: scan the QR code, confirm one code."""
    if denied := _staff_or_login(request):
        return denied
    user = request.user
    # Someone holding only the password must not add their own device.
    if user_has_device(user) and not user.is_verified():
        return redirect(f"{reverse(f'{app_name}:verify')}?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("staff.two_factor_setup", actor=user, target=device)
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
]

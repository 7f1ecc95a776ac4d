"""Who may open a workspace page: the staff area's own rule, and never less.

A workspace page needs what the admin needs (a logged-in, active staff account) and the same
second factor (`staff.two_factor`): until a staff member confirms a code, their session is
anonymous here and the page sends them to the code, then back. Someone logged in without
staff status is sent to the staff login, as the admin does. Pages that decide also need the
permission of the queue (`workspace.moderation.Queue.permission`), else 403.
"""

from functools import wraps
from urllib.parse import quote

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from staff.two_factor import needs_second_factor


def _to_second_factor(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('two_factor:verify')}?next={quote(request.get_full_path())}")


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The redirect that stands between `request` and a staff page, or None to go on."""
    user = request.user
    if not user.is_authenticated:
        if SESSION_KEY in request.session:
            # Logged in with the password, not yet with the second factor: the middleware
            # made the user anonymous on this page.
            return _to_second_factor(request)
        return redirect_to_login(request.get_full_path())
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path())
    if needs_second_factor(user):  # the middleware's job; checked again all the same
        return _to_second_factor(request)
    return None


def staff_page(view):
    """The view opens for verified staff only; never cached."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (refused := refusal(request)) is not None:
            return refused
        return view(request, *args, **kwargs)

    return never_cache(guarded)

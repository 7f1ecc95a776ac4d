"""Partner tokens: `Authorization: Bearer <token>`; scopes checked per view."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from lib.clients import client_ip
from partners.models import PartnerToken, hash_token


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode(errors="replace").lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed("Use: Authorization: Bearer <token>.")
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        token = (
            PartnerToken.objects.select_related("partner")
            .filter(token_hash=hash_token(raw))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.is_active:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        return (PartnerPrincipal(token), token)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when a token is missing or wrong.
        return f'{self.keyword} realm="api"'


class PartnerPrincipal:
    """request.user for a partner token: the partner, never a site account."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False

    def __init__(self, token: PartnerToken):
        self.token = token
        self.partner = token.partner

    def __str__(self) -> str:
        return f"partner:{self.partner.ref}"


def token_scope(scope: str) -> type[permissions.BasePermission]:
    """Permission class: a valid partner token with `scope`."""

    class HasScope(permissions.BasePermission):
        message = f"This token lacks the {str(scope)!r} scope."

        def has_permission(self, request, view) -> bool:
            token = request.auth
            if not isinstance(token, PartnerToken):
                raise exceptions.NotAuthenticated("A partner token is required.")
            return token.has_scope(scope)

    HasScope.__name__ = f"HasScope_{str(scope).replace(':', '_')}"
    HasScope.scope = scope
    return HasScope


DEFAULT_RATES = {"public": "300/min", "partner": "600/min", "partner_sign": "120/min"}


class _SettingsRateThrottle(throttling.SimpleRateThrottle):
    """Rates read from settings.API_THROTTLE_RATES at request time (tests change them)."""

    def get_rate(self):
        rates = DEFAULT_RATES | getattr(settings, "API_THROTTLE_RATES", {})
        return rates.get(self.scope)


class PublicRateThrottle(_SettingsRateThrottle):
    """Anonymous readers, per client IP."""

    scope = "public"

    def get_ident(self, request) -> str:
        # DRF's own get_ident believes any X-Forwarded-For when NUM_PROXIES is unset.
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PartnerToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerRateThrottle(_SettingsRateThrottle):
    """Partners, per token."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, PartnerToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PartnerSignRateThrottle(PartnerRateThrottle):
    """Signatures submitted through the API, per token (on top of the partner rate)."""

    scope = "partner_sign"


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner API token."}

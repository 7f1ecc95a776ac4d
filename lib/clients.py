"""Who is asking: the client address every rate limit and throttle keys on.

One rule for the sign form, the sign-on form and the API alike: `REMOTE_ADDR`, unless
`TRUSTED_PROXY_COUNT` says how many proxies of ours append to `X-Forwarded-For`; a header the
client wrote itself is never trusted.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many proxies of ours add X-Forwarded-For."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")

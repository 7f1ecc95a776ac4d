from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from api import urls as api_urls
from campaigns.views import theme_css
from donations.mpesa_callback import mpesa_callback
from donations.webhook import stripe_webhook
from lib.health import healthz
from pledges.callbacks import inbound_sms, ussd_session

# The staff area is named for the coalition (COALITION_NAME), like the public pages.
admin.site.site_header = (
    f"{settings.COALITION_NAME} staff" if settings.COALITION_NAME else "Coalition staff"
)
admin.site.site_title = admin.site.site_header

# A database outage answers a friendly 503 page; other errors the plain 500 page.
handler500 = "lib.outage.server_error"

# Machine-facing paths have no language prefix.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("theme.css", theme_css, name="theme_css"),
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    # Daraja's STK push results (donations/mpesa_callback.py): the secret is the guard.
    path("mobile-money/stk-callback/<str:secret>/", mpesa_callback, name="mpesa_callback"),
    # Africa's Talking's USSD sessions and inbound SMS (pledges/callbacks.py): the secret guards.
    path("ussd/<str:secret>/", ussd_session, name="ussd_session"),
    path("sms/<str:secret>/", inbound_sms, name="inbound_sms"),
    path("", include("api.urls")),
]

# Pages people read: English unprefixed, other languages under /<lang>/.
urlpatterns += i18n_patterns(
    path(f"{settings.ADMIN_PATH}two-factor/", include("staff.two_factor")),
    path(f"{settings.ADMIN_PATH}workspace/", include("workspace.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("campaigns.urls")),
    path("", include("donations.urls")),
    path("", include("pledges.urls")),
    path("", include("commitments.urls")),
    path("", include("paper.urls")),
    path("", include((api_urls.page_urlpatterns, "partners"))),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Baseline views for the benchmark (bench/), only when BENCH_BASELINE=1.
if settings.BENCH_BASELINE:
    urlpatterns.insert(0, path("", include("bench.urls")))

"""Machine-facing paths, without a language prefix: /api/…, /embed/…, /embed.js, /oembed."""

from django.conf import settings
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import embeds, pages, views
from api.errors import not_found
from campaigns.pages import public_page

app_name = "api"

# Swagger UI (the interactive explorer) sets inline styles; its scripts and CSS come from our
# origin (sidecar).
DOCS_CSP = settings.SECURE_CSP | {"style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

v1 = [
    path("campaigns/", views.CampaignList.as_view(), name="campaign-list"),
    path("campaigns/<slug:slug>/", views.CampaignDetail.as_view(), name="campaign-detail"),
    path(
        "campaigns/<slug:slug>/progress/",
        public_page(views.CampaignProgress.as_view(), with_query=True),
        name="campaign-progress",
    ),
    path(
        "campaigns/<slug:slug>/signatories/",
        views.CampaignSignatories.as_view(),
        name="campaign-signatories",
    ),
    path(
        "campaigns/<slug:slug>/signatures/",
        views.PartnerSignatures.as_view(),
        name="campaign-signatures",
    ),
    path(
        "campaigns/<slug:slug>/commitments/",
        views.CampaignCommitments.as_view(),
        name="campaign-commitments",
    ),
    path(
        "campaigns/<slug:slug>/commitments/totals/",
        views.CampaignCommitmentTotals.as_view(),
        name="campaign-commitment-totals",
    ),
    path("targets/", views.TargetList.as_view(), name="target-list"),
    path("targets/<slug:slug>/", views.TargetDetail.as_view(), name="target-detail"),
    path("open-books/", views.OpenBooks.as_view(), name="open-books"),
    path("open-data/campaigns.json", views.OpenDataJson.as_view(), name="open-data-json"),
    path("open-data/campaigns.csv", views.OpenDataCsv.as_view(), name="open-data-csv"),
    path(
        "open-data/commitments.csv",
        views.OpenDataCommitmentsCsv.as_view(),
        name="open-data-commitments-csv",
    ),
    path(
        "open-data/target-changes.csv",
        views.OpenDataTargetChangesCsv.as_view(),
        name="open-data-target-changes-csv",
    ),
    path(
        "open-data/organisations.csv",
        views.OpenDataOrganisationsCsv.as_view(),
        name="open-data-organisations-csv",
    ),
    path("partners/me/stats/", views.PartnerStats.as_view(), name="partner-stats"),
    path("partners/me/signers/", views.PartnerSigners.as_view(), name="partner-signers"),
    path("partners/me/webhooks/", views.WebhookList.as_view(), name="webhook-list"),
    path("partners/me/webhooks/<int:pk>/", views.WebhookDetail.as_view(), name="webhook-detail"),
]

urlpatterns = [
    path("api/v1/", include(v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/explorer/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs-explorer",
    ),
    # /api/docs/ itself is a page people read, in their language (/ar/api/docs/ …): it falls
    # through to page_urlpatterns below, mounted by config/urls.py inside i18n_patterns.
    re_path(r"^api/(?!docs/$)(?P<path>.*)$", not_found, name="not-found"),
    path("oembed", views.Oembed.as_view(), name="oembed"),
    path("embed/<slug:slug>/", embeds.widget, name="embed"),
    path("embed/<slug:slug>/badge.svg", embeds.badge, name="badge"),
    path("embed.js", embeds.embed_js, name="embed-js"),
]

# Pages people read, mounted inside i18n_patterns by config/urls.py.
page_urlpatterns = [
    path("partners/", pages.partner_guide, name="guide"),
    path("api/docs/", pages.api_reference, name="api-docs"),
]

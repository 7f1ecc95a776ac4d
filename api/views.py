"""API views: parse the query with a serializer, read or call one service, respond."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from api import open_data
from api import serializers as s
from api.authentication import PartnerRateThrottle, PartnerSignRateThrottle, token_scope
from api.errors import error_response
from api.http import PageNumberPagination, PartnerView, PublicReadView, counter_max_age
from api.oembed import oembed_for
from api.representation import campaign_detail_payload, campaign_payload, progress_payload
from campaigns import replies
from campaigns.access import access_campaign
from campaigns.models import Campaign, Target, TargetChange
from campaigns.progress import campaign_progress
from campaigns.queries import public_campaigns
from campaigns.representation import browser_url
from commitments import tracker
from commitments.forms import TrackerFilterForm
from commitments.representation import (
    Commitment,
    CommitmentPage,
    commitment_payload,
    commitment_totals_payload,
    pressure_payload,
    target_payload,
    target_record_payload,
)
from donations import queries as donation_queries
from donations.representation import open_books_payload
from partners import services
from partners.models import PartnerToken, WebhookSubscription
from pledges import queries as pledge_queries
from pledges import services as pledge_services
from pledges.abuse import Client
from pledges.forms import SignatoryFilterForm, SignForm
from pledges.models import Signature
from pledges.representation import (
    IndividualPage,
    OrganisationPage,
    Signatories,
    SignerPage,
    individual_payload,
    organisation_payload,
    signer_payload,
)
from pledges.services import CampaignNotOpen, SignatureData


def errors(*codes: int) -> dict:
    return {code: OpenApiResponse(s.ErrorSerializer) for code in codes}


def form_errors(form) -> dict:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def parse_form(form):
    """A Django form over the query or body: the same rules as the HTML pages; 400 if not."""
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return form


def public_campaign(slug: str) -> Campaign:
    """Public campaigns only: the API never previews drafts, even for staff."""
    return access_campaign(None, slug)


class CampaignSerializerWithContext(s.CampaignSerializer):
    def to_representation(self, campaign):
        return super().to_representation(
            campaign_payload(campaign, language=self.context.get("lang"))
        )


@extend_schema(
    parameters=[s.CampaignListQuerySerializer],
    responses={200: s.CampaignSerializer(many=True)} | errors(400, 404, 429),
    summary="Public campaigns, newest first",
)
class CampaignList(generics.ListAPIView, PublicReadView):
    serializer_class = CampaignSerializerWithContext
    pagination_class = PageNumberPagination

    def get_queryset(self):
        query = self.parse_query(s.CampaignListQuerySerializer)
        self.lang = query.get("lang")
        campaigns = public_campaigns().prefetch_related("targets")
        if "kind" in query:
            campaigns = campaigns.filter(kind=query["kind"])
        if query.get("status") == "closed":
            campaigns = campaigns.filter(Q(status="closed") | Q(close_at__lte=_now()))
        elif query.get("status") == "live":
            campaigns = campaigns.exclude(status="closed").exclude(close_at__lte=_now())
        return campaigns.order_by("-launched_at", "-created_at", "pk")

    def get_serializer_context(self):
        return super().get_serializer_context() | {"lang": getattr(self, "lang", None)}


def _now():
    from django.utils import timezone

    return timezone.now()


@extend_schema(
    parameters=[s.LangQuerySerializer],
    responses={200: s.CampaignDetailSerializer} | errors(400, 404, 429),
    summary="One public campaign with all its translations",
)
class CampaignDetail(PublicReadView):
    def get(self, request, slug: str):
        query = self.parse_query(s.LangQuerySerializer)
        campaign = public_campaign(slug)
        payload = campaign_detail_payload(
            campaign, language=query.get("lang"), progress=campaign_progress(campaign)
        )
        return Response(s.CampaignDetailSerializer(payload).data)


@extend_schema(
    parameters=[s.LangQuerySerializer],
    responses={200: s.ProgressSerializer} | errors(400, 404, 429),
    summary="Live counts and goals (a few seconds stale at most)",
)
class CampaignProgress(PublicReadView):
    stale_while_revalidate = 30

    @property
    def max_age(self):
        return counter_max_age()

    def get(self, request, slug: str):
        query = self.parse_query(s.LangQuerySerializer)
        campaign = public_campaign(slug)
        payload = progress_payload(
            campaign, campaign_progress(campaign), language=query.get("lang")
        )
        return Response(s.ProgressSerializer(payload).data)


@extend_schema(
    parameters=[s.SignatoryQuerySerializer],
    responses={200: s.SignatoriesSerializer} | errors(400, 404, 429),
    summary="Public signatories: approved organisations and signers who chose to be listed",
)
class CampaignSignatories(PublicReadView):
    """The same lists, filters and keyset pages as /c/<slug>/signatories/."""

    def get(self, request, slug: str):
        campaign = public_campaign(slug)
        form = parse_form(SignatoryFilterForm(request.query_params))
        organisations, individuals = pledge_queries.signatory_pages(campaign, **form.query_kwargs())
        base = {k: v for k, v in request.query_params.items() if k in ("q", "country", "type")}

        def next_url(cursor_name: str, page) -> str | None:
            if page.next_cursor is None:
                return None
            query = urlencode({**base, cursor_name: page.next_cursor})
            return request.build_absolute_uri(request.path + "?" + query)

        payload = Signatories(campaign=campaign.slug, organisations=None, individuals=None)
        if organisations is not None:
            payload["organisations"] = OrganisationPage(
                results=[organisation_payload(p.organisation) for p in organisations.items],
                next=next_url("org_before", organisations),
            )
        if individuals is not None:
            payload["individuals"] = IndividualPage(
                results=[individual_payload(signature) for signature in individuals.items],
                next=next_url("before", individuals),
            )
        return Response(s.SignatoriesSerializer(payload).data)


@extend_schema(
    parameters=[s.TargetQuerySerializer],
    responses={200: s.TargetSerializer(many=True)} | errors(400, 404, 429),
    summary="Companies targeted by BDS drives, with their public commitments by status",
)
class TargetList(generics.ListAPIView, PublicReadView):
    serializer_class = s.TargetSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        query = self.parse_query(s.TargetQuerySerializer)
        targets = targets_with_public_campaigns().order_by("name", "pk")
        if "campaign" in query:
            targets = targets.filter(
                campaigns__in=public_campaigns(), campaigns__slug=query["campaign"]
            )
        if "country" in query:
            targets = targets.filter(headquarters_country=query["country"].upper())
        if "q" in query:
            targets = targets.filter(
                Q(name__icontains=query["q"]) | Q(products__icontains=query["q"])
            )
        return targets.distinct()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            s.TargetSerializer([target_payload(t) for t in page], many=True).data
        )


# BDS tracker -------------------------------------------------------------------------

# API query names → the HTML tracker form's field names.
COMMITMENT_FILTERS = {
    "target": "target",
    "type": "kind",
    "status": "status",
    "grade": "grade",
    "country": "country",
}


def bds_campaign(slug: str) -> Campaign:
    """A public BDS drive; other campaigns take no commitments, so they are a 404 here."""
    campaign = public_campaign(slug)
    if not campaign.collects_commitments:
        raise NotFound("This campaign takes no commitments.")
    return campaign


def commitment_filters(query, campaign: Campaign) -> tracker.CommitmentFilters:
    """The tracker page's filter form over the API's query: the same rules; 400 if not."""
    data = {field: query.get(name, "") for name, field in COMMITMENT_FILTERS.items()}
    data["q"] = query.get("q", "")
    form = TrackerFilterForm(data, campaign=campaign)
    if not form.is_valid():
        api_names = {field: name for name, field in COMMITMENT_FILTERS.items()}
        raise serializers.ValidationError(
            {api_names.get(name, name): messages for name, messages in form_errors(form).items()}
        )
    return form.filters()


def commitment_payloads(commitments) -> list[Commitment]:
    """Commitments with their public histories, read in one query."""
    commitments = list(commitments)
    histories = tracker.histories(commitments)
    return [commitment_payload(c, histories[c.pk]) for c in commitments]


@extend_schema(
    parameters=[s.CommitmentQuerySerializer],
    responses={200: s.CommitmentSerializer(many=True)} | errors(400, 404, 429),
    summary="Public commitments of a BDS drive, newest first, with their history",
)
class CampaignCommitments(generics.ListAPIView, PublicReadView):
    """The /c/<slug>/tracker/ rows: approved pledges only, with the tracker's filters."""

    serializer_class = s.CommitmentSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        campaign = bds_campaign(self.kwargs["slug"])
        filters = commitment_filters(self.request.query_params, campaign)
        return tracker.filter_commitments(campaign, filters)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            s.CommitmentSerializer(commitment_payloads(page), many=True).data
        )


@extend_schema(
    parameters=[s.CommitmentQuerySerializer],
    responses={200: s.CommitmentTotalsSerializer} | errors(400, 404, 429),
    summary="Totals of a BDS drive's public commitments by status, type, target and country",
)
class CampaignCommitmentTotals(PublicReadView):
    def get(self, request, slug: str):
        campaign = bds_campaign(slug)
        filters = commitment_filters(request.query_params, campaign)
        totals = tracker.commitment_totals(campaign, filters)
        return Response(
            s.CommitmentTotalsSerializer(commitment_totals_payload(campaign, totals)).data
        )


def targets_with_public_campaigns():
    return Target.objects.prefetch_related(
        Prefetch(
            "campaigns",
            queryset=public_campaigns().order_by("slug"),
            to_attr="public_campaigns",
        ),
        # The right of reply and the dated list: a few queries for a whole page of targets.
        Prefetch(
            "reply_requests", queryset=replies.public_requests(), to_attr="public_reply_requests"
        ),
        Prefetch(
            "changes",
            queryset=TargetChange.objects.order_by("changed_at", "pk"),
            to_attr="list_changes",
        ),
    )


@extend_schema(
    parameters=[s.PagingQuerySerializer],
    responses={200: s.TargetDetailSerializer} | errors(400, 404, 429),
    summary="One BDS target, its commitment counts and its public commitments",
)
class TargetDetail(PublicReadView):
    """The /targets/<slug>/ page's data: 404 unless a public drive lists the target."""

    def get(self, request, slug: str):
        target = targets_with_public_campaigns().filter(slug=slug).first()
        if target is None or not target.public_campaigns:
            raise NotFound("No such target.")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(tracker.target_commitments(target), request, view=self)
        payload = (
            target_payload(target)
            | target_record_payload(target)
            | {
                "commitment_page": CommitmentPage(
                    count=paginator.page.paginator.count,
                    next=paginator.get_next_link(),
                    previous=paginator.get_previous_link(),
                    results=commitment_payloads(page),
                ),
                "pressure": pressure_payload(tracker.target_pressure(target)),
            }
        )
        return Response(s.TargetDetailSerializer(payload).data)


@extend_schema(
    responses={200: s.OpenBooksSerializer} | errors(429),
    summary="Open books: money received, by month and campaign, after refunds",
)
class OpenBooks(PublicReadView):
    max_age = 300

    def get(self, request):
        return Response(
            s.OpenBooksSerializer(open_books_payload(donation_queries.open_books())).data
        )


@extend_schema(
    parameters=[s.OembedQuerySerializer],
    responses={200: s.OembedSerializer} | errors(400, 404, 429, 501),
    summary="oEmbed for campaign links (JSON only)",
)
class Oembed(PublicReadView):
    max_age = 300

    def get(self, request):
        query = self.parse_query(s.OembedQuerySerializer)
        if query["format"] != "json":
            return error_response(501, "not_implemented", "Only format=json is supported.")
        return Response(
            s.OembedSerializer(
                oembed_for(
                    query["url"], maxwidth=query.get("maxwidth"), maxheight=query.get("maxheight")
                )
            ).data
        )


class _OpenDataFile(PublicReadView):
    max_age = 3600
    fmt = "json"
    content_type = "application/json"

    def get(self, request):
        response = HttpResponse(open_data.read(self.fmt), content_type=self.content_type)
        response["Link"] = f'<{open_data.LICENSE_URL}>; rel="license"'
        response["Content-Disposition"] = f'inline; filename="{open_data.FILES[self.fmt]}"'
        return response


@extend_schema(
    responses={(200, "application/json"): OpenApiTypes.OBJECT} | errors(429),
    summary="Open data: every public campaign and its counts (CC BY 4.0)",
)
class OpenDataJson(_OpenDataFile):
    pass


@extend_schema(
    responses={(200, "text/csv"): OpenApiTypes.STR} | errors(429),
    summary="Open data as CSV (CC BY 4.0)",
)
class OpenDataCsv(_OpenDataFile):
    fmt = "csv"
    content_type = "text/csv; charset=utf-8"


@extend_schema(
    responses={(200, "text/csv"): OpenApiTypes.STR} | errors(429),
    summary="Open data: organisations that signed public campaigns, as CSV (CC BY 4.0)",
)
class OpenDataOrganisationsCsv(_OpenDataFile):
    fmt = "organisations_csv"
    content_type = "text/csv; charset=utf-8"


@extend_schema(
    responses={(200, "text/csv"): OpenApiTypes.STR} | errors(429),
    summary="Open data: public BDS commitments and their history, as CSV (CC BY 4.0)",
)
class OpenDataCommitmentsCsv(_OpenDataFile):
    fmt = "commitments_csv"
    content_type = "text/csv; charset=utf-8"


@extend_schema(
    responses={(200, "text/csv"): OpenApiTypes.STR} | errors(429),
    summary="Open data: every change to the target list (added, removed, re-categorised, "
    "when and why), as CSV (CC BY 4.0)",
)
class OpenDataTargetChangesCsv(_OpenDataFile):
    fmt = "target_changes_csv"
    content_type = "text/csv; charset=utf-8"


# Partners ----------------------------------------------------------------------------


def _referral_figures(pledges: dict | None, gifts: int) -> dict:
    pledges = pledges or {}
    return {
        "signatures": {
            "pending": pledges.get("signatures_pending", 0),
            "confirmed": pledges.get("signatures_confirmed", 0),
        },
        "organisations": {
            "pending": pledges.get("organisations_pending", 0),
            "approved": pledges.get("organisations_approved", 0),
        },
        "donations": gifts,
    }


@extend_schema(
    responses={200: s.PartnerStatsSerializer} | errors(401, 403, 429),
    summary="Your partner account and what you brought: signatures, organisations, gifts",
)
class PartnerStats(PartnerView):
    """Counts of the partner's own referrals only; never another partner's, never a donor."""

    permission_classes = [token_scope(PartnerToken.Scope.STATS_READ)]

    def get(self, request):
        partner = self.partner
        referrals = pledge_queries.partner_referrals(partner)
        gifts = donation_queries.partner_gift_counts(partner)
        campaigns = (
            public_campaigns()
            .filter(Q(partners=partner) | Q(pk__in=[*referrals, *filter(None, gifts)]))
            .distinct()
            .order_by("slug")
        )
        totals = _referral_figures(
            {
                key: sum(row[key] for row in referrals.values())
                for key in (
                    "signatures_pending",
                    "signatures_confirmed",
                    "organisations_pending",
                    "organisations_approved",
                )
            },
            sum(gifts.values()),
        )
        return Response(
            s.PartnerStatsSerializer(
                {
                    "partner": {
                        "name": partner.name,
                        "organisation": partner.organisation,
                        "ref": partner.ref,
                    },
                    "scopes": request.auth.scopes,
                    "totals": totals,
                    "campaigns": [
                        {
                            "slug": c.slug,
                            "title": c.content(None).title,
                            "browser_url": browser_url(c) + "?" + urlencode({"ref": partner.ref}),
                            "referred_signatures": referrals.get(c.pk, {}).get(
                                "signatures_confirmed", 0
                            ),
                            **_referral_figures(referrals.get(c.pk), gifts.get(c.pk, 0)),
                        }
                        for c in campaigns
                    ],
                }
            ).data
        )


ACCEPTED_DETAIL = (
    "Thank you. If this address has not confirmed a signature on this campaign yet, "
    "we have emailed it a link to confirm."
)


@extend_schema(
    request=s.SignatureRequestSerializer,
    responses={202: s.AcceptedSerializer} | errors(400, 401, 403, 404, 409, 413, 415, 429),
    summary="Sign on someone's behalf from your site (they confirm by email)",
    tags=["partners"],
)
class PartnerSignatures(PartnerView):
    """The web sign form's rules and service, attributed to the token's partner.

    The answer is the same whether the address is new, pending, confirmed or held: it
    never tells the caller whether someone has signed.
    """

    permission_classes = [token_scope(PartnerToken.Scope.SIGNATURES_WRITE)]
    throttle_classes = [PartnerRateThrottle, PartnerSignRateThrottle]

    def post(self, request, slug: str):
        campaign = public_campaign(slug)
        if not campaign.collects_signatures:
            raise NotFound("This campaign takes no signatures.")
        if not campaign.partners.filter(pk=self.partner.pk).exists():
            raise PermissionDenied("Your partner account does not promote this campaign.")
        body = s.SignatureRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        fields.setdefault("language", _campaign_language(campaign))
        form = parse_form(SignForm(data=fields, partner=self.partner))
        data = SignatureData(
            **{k: form.cleaned_data[k] for k in SignatureData.__dataclass_fields__}
        )
        try:
            # No client IP: the request comes from the partner's server, not the signer.
            pledge_services.sign(
                campaign,
                data,
                client=Client(),
                partner=self.partner,
                channel=Signature.Channel.API,
            )
        except CampaignNotOpen:
            return error_response(409, "not_open", "This campaign is not taking signatures now.")
        return Response({"status": "accepted", "detail": ACCEPTED_DETAIL}, status=202)


def _campaign_language(campaign: Campaign) -> str:
    languages = dict(settings.LANGUAGES)
    return campaign.default_language if campaign.default_language in languages else "en"


@extend_schema(
    parameters=[s.SignerQuerySerializer],
    responses={200: s.SignerPageSerializer} | errors(400, 401, 403, 429),
    summary="Signers you brought who agreed to share their name and email with you",
    tags=["partners"],
)
class PartnerSigners(PartnerView):
    """Confirmed signatures of this partner's own, with the signer's consent; newest first."""

    permission_classes = [token_scope(PartnerToken.Scope.SIGNERS_READ)]
    page_size = 100

    def get(self, request):
        query = self.parse_query(s.SignerQuerySerializer)
        slug = query.get("campaign", "")
        page = pledge_queries.keyset_page(
            pledge_queries.partner_signers(self.partner, campaign_slug=slug),
            before=query.get("before"),
            size=self.page_size,
        )
        next_url = None
        if page.next_cursor is not None:
            params = ({"campaign": slug} if slug else {}) | {"before": page.next_cursor}
            next_url = request.build_absolute_uri(request.path + "?" + urlencode(params))
        return Response(
            s.SignerPageSerializer(
                SignerPage(results=[signer_payload(x) for x in page.items], next=next_url)
            ).data
        )


class WebhookScope:
    permission_classes = [token_scope(PartnerToken.Scope.WEBHOOKS_MANAGE)]


@extend_schema(tags=["partners"])
class WebhookList(WebhookScope, PartnerView):
    @extend_schema(
        responses={200: s.WebhookSubscriptionSerializer(many=True)} | errors(401, 403, 429),
        summary="Your webhook subscriptions",
    )
    def get(self, request):
        subscriptions = WebhookSubscription.objects.filter(partner=self.partner).select_related(
            "campaign"
        )
        return Response(s.WebhookSubscriptionSerializer(subscriptions, many=True).data)

    @extend_schema(
        request=s.WebhookSubscriptionSerializer,
        responses={201: s.WebhookCreatedSerializer} | errors(400, 401, 403, 413, 415, 429),
        summary="Subscribe an HTTPS URL to events (the signing secret is shown once)",
    )
    def post(self, request):
        serializer = s.WebhookSubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        campaign = None
        if data.get("campaign"):
            campaign = public_campaigns().filter(slug=data["campaign"]).first()
            if campaign is None:
                raise serializers.ValidationError({"campaign": ["No such campaign."]})
        try:
            subscription = services.subscribe_webhook(
                self.partner, url=data["url"], events=data["events"], campaign=campaign
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(s.WebhookCreatedSerializer(subscription).data, status=201)


@extend_schema(tags=["partners"])
class WebhookDetail(WebhookScope, PartnerView):
    @extend_schema(responses={204: None} | errors(401, 403, 404, 429))
    def delete(self, request, pk: int):
        # Scoped to the token's partner: another partner's subscription is a 404.
        subscription = get_object_or_404(WebhookSubscription, pk=pk, partner=self.partner)
        services.delete_webhook(subscription)
        return Response(status=204)

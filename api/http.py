"""What every API view shares: CORS, cache headers, ETag/304, errors, parsing, paging."""

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from rest_framework import exceptions, pagination
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import PartnerRateThrottle, PartnerTokenAuthentication, PublicRateThrottle
from api.errors import PayloadTooLarge, exception_handler

MAX_BODY_BYTES = 16 * 1024


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """Always answer JSON: no `?format=` override (oEmbed uses `format` itself)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LimitedJSONParser(JSONParser):
    """JSON bodies up to MAX_BODY_BYTES; larger ones are a 413, not a memory spike."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError as exc:
            raise exceptions.ParseError("Invalid Content-Length.") from exc
        if declared > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        return super().parse(stream, media_type, parser_context)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        for name in (self.page_query_param, self.page_size_query_param):
            raw = request.query_params.get(name)
            if raw is not None and (not raw.isdigit() or int(raw) < 1 or len(raw) > 6):
                raise exceptions.ValidationError({name: ["Must be a positive integer."]})
        return super().paginate_queryset(queryset, request, view)


class BaseAPIView(APIView):
    content_negotiation_class = JsonOnlyNegotiation
    parser_classes = [LimitedJSONParser]

    def get_exception_handler(self):
        return exception_handler

    def parse_query(self, serializer_class):
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PublicReadView(BaseAPIView):
    """Anonymous, read-only, CORS-open, cacheable, throttled per IP."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [PublicRateThrottle]
    max_age = 60
    stale_while_revalidate = 300

    def options(self, request, *args, **kwargs):
        # CORS preflight: anyone may read.
        response = Response(status=204)
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "If-None-Match, Accept, Accept-Language"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(
                response,
                public=True,
                max_age=self.max_age,
                stale_while_revalidate=self.stale_while_revalidate,
            )
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            set_response_etag(response)
            response = get_conditional_response(
                request._request, etag=response["ETag"], response=response
            )
        elif response.status_code >= 400:
            patch_cache_control(response, no_store=True)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        return response


class PartnerView(BaseAPIView):
    """Partner endpoints: a Bearer token with the view's scope, throttled per token."""

    authentication_classes = [PartnerTokenAuthentication]
    throttle_classes = [PartnerRateThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Authorization"])
        return response

    @property
    def partner(self):
        return self.request.auth.partner


def counter_max_age() -> int:
    return max(1, settings.COUNTER_CACHE_SECONDS)

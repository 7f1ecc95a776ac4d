"""One error body for every 4xx: {"error": {"status", "code", "detail"[, "fields"]}}."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(status_code: int, code: str, detail: str, fields: dict | None = None) -> dict:
    error = {"status": status_code, "code": code, "detail": detail}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return "invalid" if isinstance(exc, exceptions.ValidationError) else exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if exc.args else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body(
            response.status_code, "invalid", "The request is not valid.", fields
        )
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = error_body(response.status_code, _code_of(exc), str(detail))
    return response


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


@csrf_exempt  # it changes nothing; without this a DELETE got the HTML CSRF page, not JSON
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown /api/ paths answer JSON, like every other API error, whatever the method."""
    detail = "No such API endpoint."
    if path and not path.endswith("/"):
        try:
            match = resolve(f"/api/{path}/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not-found":
            detail += " API paths end with a slash."
    return JsonResponse(
        error_body(404, "not_found", detail),
        status=404,
        headers={"Access-Control-Allow-Origin": "*"},
    )


def error_response(status_code: int, code: str, detail: str) -> Response:
    return Response(error_body(status_code, code, detail), status=status_code)

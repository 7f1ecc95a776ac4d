"""The server-error handler: a passing database outage gets a friendly 503, not a 500.

It renders without the request's context processors, because those read the session and
the messages, which may live in the very database that is down.
"""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import get_language, get_language_bidi

DATABASE_OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def _api_error(status: int, code: str, detail: str) -> JsonResponse:
    # The API's one error shape (api/errors.py), so partners parse an outage like any error.
    body = {"error": {"status": status, "code": code, "detail": detail}}
    return JsonResponse(body, status=status, headers={"Access-Control-Allow-Origin": "*"})


def server_error(request: HttpRequest) -> HttpResponse:
    context = {"LANGUAGE_CODE": get_language() or "en", "LANGUAGE_BIDI": get_language_bidi()}
    outage = isinstance(sys.exc_info()[1], DATABASE_OUTAGES)
    if request.path.startswith("/api/"):
        if outage:
            response = _api_error(503, "unavailable", "Temporarily unavailable; try again soon.")
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return _api_error(500, "server_error", "Something went wrong on our side.")
    if outage:
        body = loader.get_template("503.html").render(context)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))

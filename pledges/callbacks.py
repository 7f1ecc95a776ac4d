"""POST /ussd/<secret>/ and /sms/<secret>/: Africa's Talking's USSD sessions and inbound SMS.

Machine-facing (no language prefix, no CSRF token, no cookie, never cached). Guarded the ways
the provider allows (`pledges.phone`): the secret path segment (`USSD_CALLBACK_SECRET`; wrong,
or phone signing off → 404) and, when set, the provider's addresses (`USSD_ALLOWED_IPS`;
another sender → 403).

USSD answers are `text/plain`, `CON …` or `END …` (`pledges.ussd`); a post that is not a
session gets the provider's error form, `END <message>`, with 400 (missing fields) or 200 (a
number that cannot be read, a session too long: the phone shows the message). Inbound SMS
answer an empty 200 (the reply goes by the SMS API, from a task); 400 when `from` or `text`
is missing or the number cannot be read. Neither ever answers 500 for what was posted, and
neither logs a number or a name.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lib.clients import client_ip
from pledges import phone, sms_keyword, ussd

logger = logging.getLogger(__name__)

# A session post or an inbound SMS is a few hundred bytes.
MAX_BODY = 8 * 1024


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)


def _guard(request: HttpRequest, secret: str) -> HttpResponse | None:
    """None when the callback may go on; otherwise the answer to give."""
    if not phone.secret_matches(secret):
        raise Http404("No such callback")
    if not phone.address_allowed(client_ip(request)):
        logger.warning("phone callback refused from an address not in USSD_ALLOWED_IPS")
        return _plain("END Forbidden", 403)
    if len(request.body) > MAX_BODY:
        return _plain("END Request too large", 413)
    return None


def _form(request: HttpRequest):
    try:
        return request.POST
    except (MultiPartParserError, SuspiciousOperation, RequestDataTooBig, UnicodeDecodeError):
        return None


@csrf_exempt
@never_cache
@require_POST
def ussd_session(request: HttpRequest, secret: str) -> HttpResponse:
    if (refused := _guard(request, secret)) is not None:
        return refused
    with translation.override(settings.LANGUAGE_CODE):
        data = _form(request)
        if data is None:
            return _plain("END " + gettext("This request is not a USSD session."), 400)
        try:
            session = ussd.parse_session(data)
        except ussd.MalformedSession as exc:
            return _plain("END " + exc.message, exc.status)
    try:
        reply = ussd.respond(session)
    except Exception:  # noqa: BLE001 - the phone shows a message, never a provider error
        logger.exception("USSD session failed")
        with translation.override(settings.LANGUAGE_CODE):
            return _plain("END " + gettext("Sorry, something went wrong. Please try again later."))
    return _plain(reply.body)


@csrf_exempt
@never_cache
@require_POST
def inbound_sms(request: HttpRequest, secret: str) -> HttpResponse:
    if (refused := _guard(request, secret)) is not None:
        return refused
    data = _form(request)
    if data is None or not data.get("from") or "text" not in data:
        return _plain("Not an inbound SMS", 400)
    try:
        number = phone.normalise_phone(data["from"])
    except phone.InvalidPhone:
        return _plain("Not a phone number", 400)
    try:
        handled = sms_keyword.handle(number, str(data["text"]))
    except Exception:  # noqa: BLE001 - the provider gets a plain answer, never a 500 page
        logger.exception("inbound SMS failed")
        return _plain("", 503)
    logger.info("inbound SMS handled: %s", handled.outcome)
    return _plain("")

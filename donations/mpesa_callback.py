"""POST /mobile-money/stk-callback/<secret>/: Daraja's STK push results, stored once.

Daraja signs nothing, so the endpoint is guarded the ways it allows: a secret path segment
(`MPESA_CALLBACK_SECRET`; wrong or missing → 404) and, when set, Safaricom's addresses
(`MPESA_CALLBACK_ALLOWED_IPS`; another sender → 403). A stored callback counts nothing: the
platform then asks Daraja itself (donations/services.py). The path avoids the words Daraja
refuses in callback URLs ("mpesa", "safaricom", "query" …).

400: not JSON, or not an STK push result (the message names the field); 404: a
CheckoutRequestID none of our gifts has (nothing is stored); 413: an absurd body; 200 with
Daraja's acknowledgement otherwise, a repeat included.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations import mpesa, services
from lib.clients import client_ip

logger = logging.getLogger(__name__)

ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}


@csrf_exempt
@never_cache
@require_POST
def mpesa_callback(request: HttpRequest, secret: str) -> HttpResponse:
    if not mpesa.available() or not mpesa.secret_matches(secret):
        raise Http404("No such callback")
    if not mpesa.address_allowed(client_ip(request)):
        logger.warning("M-Pesa callback refused from an address not in the allow-list")
        return JsonResponse({"ResultCode": 1, "ResultDesc": "Forbidden"}, status=403)
    if len(request.body) > mpesa.MAX_CALLBACK_BYTES:
        return JsonResponse({"ResultCode": 1, "ResultDesc": "Body too large"}, status=413)
    try:
        outcome = services.record_mpesa_callback(request.body)
    except mpesa.MalformedCallback as exc:
        logger.warning("M-Pesa callback refused as malformed: %s", exc)
        return JsonResponse({"ResultCode": 1, "ResultDesc": f"Malformed: {exc}"}, status=400)
    except services.UnknownCheckout:
        logger.warning("M-Pesa callback for an unknown CheckoutRequestID")
        return JsonResponse({"ResultCode": 1, "ResultDesc": "Unknown request"}, status=404)
    return JsonResponse({**ACCEPTED, "outcome": outcome})

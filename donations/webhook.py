"""POST /stripe/webhook/: verify Stripe's signature, then hand the event to the ledger.

400: unsigned, tampered or garbled body, or a signed event whose fields the ledger cannot
read (the message names the field); nothing is stored. 200: applied, ignored (with a
reason, e.g. a status change the transition table refuses), deferred or a duplicate.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations import services, stripe_gateway, stripe_payloads

logger = logging.getLogger(__name__)

# Stripe never sends more than a few kilobytes; refuse anything absurd before parsing.
MAX_BODY_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        event = stripe_gateway.verify_event(request.body, request.headers.get("Stripe-Signature"))
    except stripe_gateway.BadSignature:
        return JsonResponse({"error": "invalid signature"}, status=400)
    try:
        outcome = services.process_stripe_event(event)
    except stripe_payloads.MalformedEvent as exc:
        # Stored nothing. The message names the field, never its value.
        logger.warning("Stripe event refused as malformed: %s", exc)
        return JsonResponse({"error": f"malformed event: {exc}"}, status=400)
    except ValueError:
        return JsonResponse({"error": "not a Stripe event"}, status=400)
    except services.UnknownDonation:
        # Stored nothing; Stripe will redeliver, and the log says which event.
        logger.warning("Stripe event %s names an unknown donation", event.get("id"))
        return JsonResponse({"error": "unknown donation"}, status=400)
    except (IntegrityError, ValidationError):
        # The event contradicts the ledger (e.g. one payment claimed by two donations).
        logger.exception("Stripe event %s conflicts with the ledger", event.get("id"))
        return JsonResponse({"error": "event conflicts with the ledger"}, status=409)
    return JsonResponse({"received": True, "outcome": outcome})

"""`manage.py mpesa_fake_callback <gift reference> [--result 1032]`: local development only.

With `MPESA_ENVIRONMENT=fake` (which needs `DEBUG=1`) no phone ever gets a prompt. This command
plays Daraja's part: it posts the STK push result callback that Daraja would send, in the
documented shape, to the running site's callback URL (`SITE_URL`). The fake's STK push query
then answers with the same result code, so the worker counts the gift (result 0) or marks it
failed (1032: cancelled on the phone, 1037: phone unreachable, 1: balance too low). The gift
reference is the UUID at the end of the "check your phone" page's address.
"""

import json
import secrets

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations import daraja, mpesa, services
from donations.models import Donation

DESCRIPTIONS = {
    0: "The service request is processed successfully.",
    1: "The balance is insufficient for the transaction.",
    1032: "Request cancelled by user",
    1037: "DS timeout user cannot be reached",
}


def fake_payload(donation: Donation, result_code: int) -> dict:
    callback = {
        "MerchantRequestID": donation.mpesa_merchant_request_id,
        "CheckoutRequestID": donation.mpesa_checkout_request_id,
        "ResultCode": result_code,
        "ResultDesc": DESCRIPTIONS.get(result_code, f"Error {result_code}"),
    }
    if result_code == 0:
        callback["CallbackMetadata"] = {
            "Item": [
                {"Name": "Amount", "Value": mpesa.minor_to_shillings(donation.amount_minor)},
                {"Name": "MpesaReceiptNumber", "Value": "FAKE" + secrets.token_hex(3).upper()},
                {"Name": "TransactionDate", "Value": int(daraja.timestamp(timezone.now()))},
                {"Name": "PhoneNumber", "Value": 254700000000},
            ]
        }
    return {"Body": {"stkCallback": callback}}


class Command(BaseCommand):
    help = "Local development only: post the STK push callback Daraja would send."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the gift's reference (UUID in the page address)")
        parser.add_argument("--result", type=int, default=0, help="ResultCode (0: paid)")

    def handle(self, *args, **options):
        if settings.MPESA_ENVIRONMENT != "fake" or not settings.DEBUG:
            raise CommandError("Only with DEBUG=1 and MPESA_ENVIRONMENT=fake.")
        donation = Donation.objects.filter(
            reference=options["reference"], method=Donation.Method.MPESA
        ).first()
        if donation is None or not donation.mpesa_checkout_request_id:
            raise CommandError("No M-Pesa gift with this reference was pushed.")
        body = json.dumps(fake_payload(donation, options["result"]))
        url = services.mpesa_callback_url()
        try:
            response = requests.post(
                url, data=body, headers={"Content-Type": "application/json"}, timeout=10
            )
        except requests.RequestException as exc:
            raise CommandError(f"The site at {settings.SITE_URL} did not answer: {exc}") from exc
        self.stdout.write(f"{response.status_code} {response.text}")

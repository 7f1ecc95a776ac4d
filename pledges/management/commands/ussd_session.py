"""`manage.py ussd_session`: play a USSD session (or one inbound SMS) against the callbacks,
in the terminal, without a provider account. Local development only (DEBUG=1).

    manage.py ussd_session                          # interactive: type each answer
    manage.py ussd_session --answers "1*1*Amina*1*1" --phone +254711000111
    manage.py ussd_session --sms "SIGN REFUSE Amina"

Each step is a real form-encoded POST to /ussd/<secret>/ (or /sms/<secret>/) through Django's
test client, shaped as Africa's Talking sends it, so the screens are exactly what a phone would
show; signatures are real rows in the configured database. Without USSD_CALLBACK_SECRET a
throwaway one is used for the run. An SMS reply is queued as usual: without
AFRICASTALKING_API_KEY the task drops it, so the command prints the text it would send.
"""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.urls import reverse

from pledges.models import SmsReply
from pledges.sms_keyword import reply_text


class Command(BaseCommand):
    help = "Play a USSD session or an inbound SMS against the phone callbacks (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--phone", default="+254711000111", help="The caller, in E.164.")
        parser.add_argument("--answers", help='Every answer at once, joined by "*".')
        parser.add_argument("--sms", help="Send this text to the SMS callback instead.")
        parser.add_argument("--service-code", default="*384*123#")

    def handle(self, *args, phone, answers=None, sms=None, service_code, **options):
        if not settings.DEBUG:
            raise CommandError("ussd_session is for local development: run it with DEBUG=1.")
        secret = settings.USSD_CALLBACK_SECRET or secrets.token_urlsafe(24)
        hosts = [*settings.ALLOWED_HOSTS, "localhost"]
        with override_settings(
            USSD_CALLBACK_SECRET=secret, USSD_ALLOWED_IPS=[], ALLOWED_HOSTS=hosts
        ):
            client = Client(HTTP_HOST="localhost")
            if sms is not None:
                return self._sms(client, secret, phone, sms)
            self._ussd(client, secret, phone, answers, service_code)

    def _ussd(self, client, secret, phone, answers, service_code):
        path = reverse("ussd_session", kwargs={"secret": secret})
        session = "ATUid_local_" + secrets.token_hex(8)
        given = answers.split("*") if answers else None
        so_far: list[str] = []
        while True:
            data = {
                "sessionId": session,
                "serviceCode": service_code,
                "phoneNumber": phone,
                "networkCode": "63902",
                "text": "*".join(so_far),
            }
            response = client.post(path, data)
            body = response.content.decode()
            self.stdout.write(f"[{response.status_code}, {len(body)} characters]\n{body}\n")
            if response.status_code != 200 or body.startswith("END"):
                return
            if given is not None:
                if len(so_far) >= len(given):
                    return
                so_far.append(given[len(so_far)])
                self.stdout.write(f"> {so_far[-1]}")
            else:
                so_far.append(input("> "))

    def _sms(self, client, secret, phone, text):
        last = SmsReply.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        path = reverse("inbound_sms", kwargs={"secret": secret})
        data = {"from": phone, "to": "21525", "text": text, "date": "", "id": "local"}
        response = client.post(path, data)
        self.stdout.write(f"[{response.status_code}]")
        for reply in SmsReply.objects.filter(pk__gt=last).select_related("campaign"):
            self.stdout.write(f"reply ({reply.kind}): {reply_text(reply)}")

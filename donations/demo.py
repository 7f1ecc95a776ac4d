"""Demo offline gifts and ways to give for `manage.py load_demo`; safe to run again: a gift is
known by its reference, a way to give by its label or its account (IBAN, number, mailbox), so
one staff renamed or re-pointed is not added a second time."""

from datetime import date

from django.db.models import Q

from campaigns.models import Campaign
from donations import services
from donations.models import Donation, GivingMethod, GivingMethodTranslation, MpesaSetting

DEMO_GIFTS = [
    ("DEMO-BANK-0001", Donation.Method.BANK_TRANSFER, 150_000, "EUR", "Tech Co-op Berlin", True),
    ("DEMO-MOBILE-0001", Donation.Method.MOBILE_MONEY, 2_500, "USD", "", False),
    # Shillings through the demo paybill; no KES rate in the demo: "not yet converted".
    ("DEMO-MPESA-0001", Donation.Method.MOBILE_MONEY, 150_000, "KES", "", False),
]

# The IBAN is the German example IBAN banks use in their documentation (its check digits are
# right, and it belongs to nobody); 174379 is Safaricom's Daraja sandbox paybill; the
# mailbox is on a reserved example domain.
DEMO_WAYS = [
    {
        "kind": GivingMethod.Kind.BANK_TRANSFER,
        "label": "Bank transfer in euros (SEPA)",
        "instructions": (
            "SEPA transfers from any bank in the euro area are free. Put the reference in the "
            "payment description; for a receipt, write to the finance task force."
        ),
        "currency": "EUR",
        "account_holder": "Coalition for Digital Self-Determination e.V.",
        "account_number": "DE89370400440532013000",
        "bic": "COBADEFFXXX",
        "bank_name": "Commerzbank Berlin",
        "order": 10,
        "translations": {
            "es": ("Transferencia bancaria en euros (SEPA)", ""),
            "fr": ("Virement bancaire en euros (SEPA)", ""),
            "pt": ("Transferência bancária em euros (SEPA)", ""),
            "ar": ("تحويل مصرفي باليورو (SEPA)", ""),
        },
    },
    {
        "kind": GivingMethod.Kind.MOBILE_MONEY,
        "label": "M-Pesa in Kenyan shillings",
        "instructions": (
            "Lipa na M-Pesa → Paybill: enter the business number, then the reference as the "
            "account number."
        ),
        "currency": "KES",
        "provider": "M-Pesa (Safaricom)",
        "account_holder": "Coalition Kenya Chapter",
        "number": "174379",
        "country": "KE",
        "order": 20,
        "translations": {
            "es": ("M-Pesa en chelines kenianos", ""),
            "fr": ("M-Pesa en shillings kényans", ""),
            "pt": ("M-Pesa em xelins quenianos", ""),
            "ar": ("إم-بيسا بالشلن الكيني", ""),
        },
    },
    {
        "kind": GivingMethod.Kind.EMAIL,
        "label": "Cash, cheques and other currencies",
        "instructions": (
            "Write to the finance task force: we answer within a few days with the easiest way "
            "to give from where you are."
        ),
        "email": "finance@coalition.example",
        "order": 30,
        "translations": {
            "es": ("Efectivo, cheques y otras monedas", ""),
            "fr": ("Espèces, chèques et autres devises", ""),
            "pt": ("Dinheiro, cheques e outras moedas", ""),
            "ar": ("نقدًا أو بشيك أو بعملات أخرى", ""),
        },
    },
]


def load_demo_ways_to_give() -> int:
    created = 0
    for way in DEMO_WAYS:
        fields = {k: v for k, v in way.items() if k != "translations"}
        account = {
            name: fields[name] for name in ("account_number", "number", "email") if name in fields
        }
        method = GivingMethod.objects.filter(
            Q(label=fields["label"]) | Q(kind=fields["kind"], **account)
        ).first()
        if method is None:
            method = GivingMethod.objects.create(**fields)
            created += 1
        for language, (label, instructions) in way["translations"].items():
            GivingMethodTranslation.objects.get_or_create(
                method=method,
                language=language,
                defaults={"label": label, "instructions": instructions},
            )
    return created


def load_demo_mpesa(campaign: Campaign | None) -> None:
    """M-Pesa offered on the fundraiser's and the general fund's donate pages. It shows only
    where the site has Daraja keys, or locally with MPESA_ENVIRONMENT=fake (README "M-Pesa");
    a setting Finance changed is left as it is."""
    for page in {campaign, None}:
        if not MpesaSetting.objects.filter(campaign=page).exists():
            MpesaSetting.objects.create(campaign=page, enabled=True)


def load_demo_gifts(campaign_slug: str = "coalition-fund") -> int:
    load_demo_ways_to_give()
    campaign = Campaign.objects.filter(slug=campaign_slug).first()
    load_demo_mpesa(campaign)
    created = 0
    for reference, method, amount_minor, currency, name, listed in DEMO_GIFTS:
        if Donation.objects.filter(offline_reference=reference).exists():
            continue
        services.record_offline_gift(
            method=method,
            amount_minor=amount_minor,
            currency=currency,
            received_on=date.today(),  # noqa: DTZ011 - a demo date, any local day will do
            reference=reference,
            campaign=campaign,
            donor_name=name,
            public_listing=listed,
            by=None,
        )
        created += 1
    return created

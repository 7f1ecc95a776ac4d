"""Serializers: explicit fields only, so personal data stays out by construction.

Output shapes shared with the embeds, open data and partner events are declared once, as
the TypedDicts their builders return (campaigns, pledges, donations and commitments
`representation.py`, api/representation.py, api/oembed.py); their serializers are generated
here from those declarations and give the OpenAPI schema its shape. Query strings, errors,
request bodies and the partner-only answers are declared here.
"""

import types
import typing
from typing import Annotated, Literal, Union, get_args, get_origin, get_type_hints

from django.conf import settings
from rest_framework import serializers

from api import oembed
from api import representation as api_shapes
from campaigns import representation as campaign_shapes
from campaigns.forms import REF_PATTERN
from campaigns.models import ReplyRequest, TargetReply
from campaigns.representation import Format
from commitments import representation as commitment_shapes
from commitments.models import Commitment, CommitmentUpdate, Evidence
from donations import representation as donation_shapes
from partners.models import EventType
from pledges import representation as pledge_shapes
from pledges.models import AFFILIATION_MAX, EMAIL_MAX, NAME_MAX, Organisation

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


EXAMPLE_EVIDENCE_URL = "https://union.example.org/news/pension-fund-divested"

# Serializers generated from declared shapes ------------------------------------------

SCALAR_FIELDS = {
    str: serializers.CharField,
    int: serializers.IntegerField,
    bool: serializers.BooleanField,
}
FORMAT_FIELDS = {
    Format.URI: serializers.URLField,
    Format.EMAIL: serializers.EmailField,
    Format.DATE: serializers.DateField,
    Format.DATE_TIME: serializers.DateTimeField,
}
# Each declared shape and the serializer generated from it.
GENERATED: dict[type, type[serializers.Serializer]] = {}


def output_serializer(shape: type, /, **overrides: dict) -> type[serializers.Serializer]:
    """A serializer named after `shape` (a TypedDict) with one field per key, in order.

    A key's field follows its annotation: `str`, `int` or `bool`; a `Url`, `Email`, `Date`
    or `DateTime` string; a `Literal` of choices; `X | None` allows null; `list[X]` and
    `dict[str, X]` hold X's field; another shape is its generated serializer (so generate
    inner shapes first). `overrides` gives a key's field more keyword arguments, such as
    `help_text`, or `choices`, which makes it a ChoiceField. A shape that extends a
    generated shape extends its serializer: the inherited keys keep their fields.
    """
    if not typing.is_typeddict(shape):
        raise TypeError(f"{shape!r} is not a TypedDict")
    hints = get_type_hints(shape, include_extras=True)
    bases = [GENERATED[b] for b in getattr(shape, "__orig_bases__", ()) if b in GENERATED]
    base = bases[0] if bases else serializers.Serializer
    inherited = list(getattr(base, "_declared_fields", {}))
    if inherited != list(hints)[: len(inherited)]:
        raise TypeError(f"{shape.__name__}: the keys of {base.__name__} must come first")
    unknown = set(overrides) - (set(hints) - set(inherited))
    if unknown:
        raise TypeError(f"{shape.__name__}: no own key named {', '.join(sorted(unknown))}")
    own = {key: dict(overrides.get(key, {})) for key in hints if key not in inherited}
    # `example` is no field argument: the schema gets it (`add_field_examples`).
    examples = {key: kwargs.pop("example") for key, kwargs in own.items() if "example" in kwargs}
    attrs = {key: _field(hints[key], **kwargs) for key, kwargs in own.items()}
    serializer = type(
        f"{shape.__name__}Serializer",
        (base,),
        # No docstring: it would be the component's description in the schema.
        {**attrs, "__module__": __name__},
    )
    serializer.field_examples = {**getattr(base, "field_examples", {}), **examples}
    GENERATED[shape] = serializer
    return serializer


def add_field_examples(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: each generated component's declared `example`
    values go on its properties, where the schema's readers (and the reference page) find
    them."""
    schemas = result.get("components", {}).get("schemas", {})
    for serializer in GENERATED.values():
        component = schemas.get(serializer.__name__.removesuffix("Serializer"))
        if not component:
            continue
        properties = component.get("properties", {})
        for key, example in serializer.field_examples.items():
            if key in properties:
                properties[key]["example"] = example
    return result


def _field(hint, **kwargs) -> serializers.Field:
    if get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint):
        (hint,) = (arg for arg in get_args(hint) if arg is not type(None))
        kwargs["allow_null"] = True
    origin, args = get_origin(hint), get_args(hint)
    if typing.is_typeddict(hint):
        return _generated(hint)(**kwargs)
    if origin is list and typing.is_typeddict(args[0]):
        return _generated(args[0])(many=True, **kwargs)
    if origin is list:
        return serializers.ListField(child=_field(args[0]), **kwargs)
    if origin is dict and args[0] is str:
        return serializers.DictField(child=_field(args[1]), **kwargs)
    if origin is Literal:
        return serializers.ChoiceField(**{"choices": list(args), **kwargs})
    if origin is Annotated and args[0] is str and args[1] in FORMAT_FIELDS:
        return FORMAT_FIELDS[args[1]](**kwargs)
    if hint in SCALAR_FIELDS:
        if "choices" in kwargs:
            return serializers.ChoiceField(**kwargs)
        return SCALAR_FIELDS[hint](**kwargs)
    raise TypeError(f"no serializer field for {hint!r}")


def _generated(shape: type) -> type[serializers.Serializer]:
    if shape not in GENERATED:
        raise TypeError(f"generate the serializer of {shape.__name__} first")
    return GENERATED[shape]


# Query strings -----------------------------------------------------------------------


class LangQuerySerializer(serializers.Serializer):
    lang = serializers.ChoiceField(
        choices=LANGUAGE_CODES,
        required=False,
        help_text="Language of the texts; falls back field by field to the campaign's default.",
    )


class CampaignListQuerySerializer(LangQuerySerializer):
    kind = serializers.ChoiceField(choices=["statement", "bds", "fundraiser"], required=False)
    status = serializers.ChoiceField(choices=["live", "closed"], required=False)


class TargetQuerySerializer(serializers.Serializer):
    campaign = serializers.SlugField(required=False, max_length=80)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
    q = serializers.CharField(required=False, max_length=100)


class SignatoryQuerySerializer(serializers.Serializer):
    """For the schema only: the query is parsed by the HTML page's own filter form."""

    q = serializers.CharField(required=False, max_length=100, help_text="Part of a name.")
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False, help_text="ISO 3166 code.")
    type = serializers.ChoiceField(
        choices=["individual", *Organisation.Kind.values],
        required=False,
        help_text="`individual`, or an organisation type; both lists when absent.",
    )
    before = serializers.IntegerField(
        min_value=1, required=False, help_text="Individuals: the cursor from `next`."
    )
    org_before = serializers.IntegerField(
        min_value=1, required=False, help_text="Organisations: the cursor from `next`."
    )


class OembedQuerySerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    format = serializers.ChoiceField(choices=["json", "xml"], required=False, default="json")
    maxwidth = serializers.IntegerField(min_value=100, max_value=4000, required=False)
    maxheight = serializers.IntegerField(min_value=100, max_value=4000, required=False)


# Errors ------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Campaigns ---------------------------------------------------------------------------

MARKDOWN = {"help_text": "Markdown."}

TargetRefSerializer = output_serializer(campaign_shapes.TargetRef)
CampaignTranslationSerializer = output_serializer(
    api_shapes.CampaignTranslation, description=MARKDOWN
)
CampaignSerializer = output_serializer(
    api_shapes.Campaign,
    language={"help_text": "Language of the texts below."},
    description=MARKDOWN,
)
CampaignDetailSerializer = output_serializer(api_shapes.CampaignDetail)


# Progress ----------------------------------------------------------------------------

FigureSerializer = output_serializer(campaign_shapes.Figure)
AmountSerializer = output_serializer(
    donation_shapes.Amount, total_amount={"help_text": "Decimal string, e.g. 12.50."}
)
FundraisingSerializer = output_serializer(
    donation_shapes.Fundraising,
    currency={"help_text": "The goal currency."},
    total_amount={
        "help_text": "Raised after refunds, in the goal currency at Finance's exchange rates."
    },
    percent={"help_text": "Of the goal, at most 100."},
    gifts={"help_text": "Gifts received (a monthly gift counts once)."},
    unconverted={
        "help_text": "Currencies without an exchange rate: in by_currency, not in total_amount."
    },
    by_currency={"help_text": "Raised after refunds, per currency."},
)
ProgressSerializer = output_serializer(
    api_shapes.Progress,
    total_signatures={
        "help_text": "Confirmed signatures. Online and on paper: one tally.",
        "example": 12480,
    },
    paper_signatures={
        "help_text": "Of total_signatures, those counted from paper sheets (the rest "
        "were signed online).",
        "example": 1930,
    },
    pending_signatures={"help_text": "Awaiting email confirmation."},
    total_organisations={"help_text": "Approved organisations."},
    commitments={"help_text": "By status."},
)


# Signatories -------------------------------------------------------------------------

PublicOrganisationSerializer = output_serializer(
    pledge_shapes.PublicOrganisation, kind={"choices": Organisation.Kind.values}
)
PublicIndividualSerializer = output_serializer(
    pledge_shapes.PublicIndividual,
    affiliation={"help_text": "For identification only: the organisation did not sign."},
)
OrganisationPageSerializer = output_serializer(pledge_shapes.OrganisationPage)
IndividualPageSerializer = output_serializer(pledge_shapes.IndividualPage)
SignatoriesSerializer = output_serializer(
    pledge_shapes.Signatories,
    organisations={"help_text": "Approved organisations, newest first; null when filtered out."},
    individuals={
        "help_text": "Confirmed signers who chose to be listed, newest first; null when "
        "filtered out."
    },
)


# Open books --------------------------------------------------------------------------

AFTER_REFUNDS = {"help_text": "After refunds."}

MonthTotalSerializer = output_serializer(
    donation_shapes.MonthTotal,
    month={"help_text": "YYYY-MM, by date received."},
    total_amount=AFTER_REFUNDS,
)
CampaignTotalSerializer = output_serializer(
    donation_shapes.CampaignTotal,
    campaign={"help_text": "Slug; null: the general fund."},
    total_amount=AFTER_REFUNDS,
)
RefundTotalSerializer = output_serializer(
    donation_shapes.RefundTotal,
    total_amount={"help_text": "Refunded."},
    gifts={"help_text": "Gifts refunded in part or in full."},
)
OpenBooksSerializer = output_serializer(
    donation_shapes.OpenBooks,
    donors={"help_text": "People who gave (one per email address)."},
    gifts={"help_text": "Payments received, monthly charges included."},
)


# BDS tracker -------------------------------------------------------------------------


class CommitmentQuerySerializer(serializers.Serializer):
    """For the schema only: the query is parsed by the HTML tracker's own filter form."""

    target = serializers.CharField(
        required=False,
        max_length=80,
        help_text="A target's slug of this drive, or `all` for commitments naming every target.",
    )
    type = serializers.ChoiceField(choices=Commitment.Kind.values, required=False)
    status = serializers.ChoiceField(choices=Commitment.Status.choices, required=False)
    grade = serializers.ChoiceField(
        choices=Commitment.Grade.choices,
        required=False,
        help_text="The verification grade.",
    )
    country = serializers.RegexField(
        r"^[A-Z]{2}$", required=False, help_text="The organisation's country (ISO 3166 code)."
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="Part of the organisation's name or action."
    )


class PagingQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


CommitmentOrganisationSerializer = output_serializer(
    commitment_shapes.CommitmentOrganisation, id={"help_text": "As in /organisations/<id>/."}
)
EvidenceItemSerializer = output_serializer(
    commitment_shapes.EvidenceItem,
    url={"example": EXAMPLE_EVIDENCE_URL},
    captured_on={"example": "2026-11-02"},
    document_url={"help_text": "A copy, served as a download only."},
    document_type={"choices": Evidence.DocumentType.values},
    document_size={"help_text": "Bytes."},
    document_sha256={
        "help_text": "Check a copy against it.",
        "example": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
)
HistoryEntrySerializer = output_serializer(
    commitment_shapes.HistoryEntry,
    status={"choices": Commitment.Status.choices},
    source={
        "choices": ["pledge", *CommitmentUpdate.Source.values],
        "help_text": "`pledge` for the pledge itself; `system` when the deadline passed.",
    },
    evidence_url={"help_text": "The first of `evidence`."},
)
CommitmentSerializer = output_serializer(
    commitment_shapes.Commitment,
    target={"help_text": "null: every target of the drive."},
    type={"choices": Commitment.Kind.values},
    other_type={"help_text": "For type `other`."},
    amount={"help_text": "Divestments: a decimal string in `currency`."},
    status={
        "choices": Commitment.Status.choices,
        "help_text": "`agreed_to_review`: agreed to review or disclose, a step that is not "
        "fulfilment; `fulfilled`: acted.",
    },
    grade={
        "choices": Commitment.Grade.choices,
        "help_text": "Verification: `self_reported`; `evidence_attached` once accepted evidence "
        "is public; `verified` when the coalition checked it (moderators only).",
        "example": "evidence_attached",
    },
    lapsed_at={
        "help_text": "When the deadline lapsed it; kept if it was fulfilled late.",
        "example": "2026-10-08T06:00:00+00:00",
    },
    history={"help_text": "Oldest first: the pledge, then the updates moderators accepted."},
)
TargetTallySerializer = output_serializer(
    commitment_shapes.TargetTally, target={"help_text": "Slug; null: every target."}
)
SMALL_COUNTS = (
    "A count under PUBLIC_MIN_COUNT (5) is null with `fewer_than`, and counted in `other` "
    "so that no small count can be worked out from the total."
)
FEWER_THAN = {"help_text": "Set (the threshold) when the count is withheld.", "example": None}
CountryTallySerializer = output_serializer(
    commitment_shapes.CountryTally,
    country={"help_text": "ISO 3166 code, or `other`: the countries not counted apart."},
    count={"help_text": "Null: fewer than `fewer_than`.", "example": 12},
    fewer_than=FEWER_THAN,
)
LARGEST_FIRST = {"help_text": "Largest first."}
CommitmentTotalsSerializer = output_serializer(
    commitment_shapes.CommitmentTotals,
    total={"help_text": "Public commitments matching the filters."},
    organisations={"help_text": "Organisations behind them."},
    by_status={"help_text": "Every status, zeros kept."},
    by_grade={"help_text": "Every verification grade, zeros kept."},
    by_type={"help_text": "Every type, zeros kept."},
    by_target=LARGEST_FIRST,
    by_country={
        "help_text": "Largest first, then `fewer_than` ones, then `other`. " + SMALL_COUNTS
    },
)


# Targets -----------------------------------------------------------------------------

ReplyClockSerializer = output_serializer(
    campaign_shapes.ReplyClock,
    id={"help_text": "The reply request."},
    campaign={"help_text": "The drive it was made for, if one."},
    asked_on={"help_text": "When the company was asked to respond.", "example": "2026-03-03"},
    channel={"choices": ReplyRequest.Channel.values, "example": "email"},
    question={"help_text": "What the company was asked."},
    due_on={"help_text": "21 days after the ask unless set otherwise.", "example": "2026-03-24"},
    state={
        "help_text": "`replied` (published), `overdue` (no reply, past due) or `awaiting`.",
        "example": "replied",
    },
    replied_on={"example": "2026-03-18"},
    late={"help_text": "Replied after the due date."},
    reply_url={"help_text": "Where the company published its reply."},
    document_url={
        "help_text": "The reply's document, as a download only.",
        "example": "https://campaigns.example.org/targets/meta/replies/3/document/",
    },
    document_type={"choices": TargetReply.DocumentType.values, "example": "pdf"},
)
TargetChangeEntrySerializer = output_serializer(
    campaign_shapes.TargetChangeEntry,
    change={"example": "added"},
    category={"help_text": "After the change.", "example": "consumer_boycott"},
    from_category={"help_text": "Re-categorised: the category before."},
    initial={"help_text": "On the list before the changelog began (no reason)."},
    changed_at={"example": "2026-03-01T09:00:00+00:00"},
)
TargetSerializer = output_serializer(
    commitment_shapes.Target,
    commitments={
        "help_text": "Public commitments naming this target (or every target of a drive that "
        "lists it), by status."
    },
    category={"example": "divestment"},
    status={"help_text": "`removed`: off the list, still readable.", "example": "listed"},
    reply={"help_text": "Its newest reply request; null if never asked."},
)
CommitmentPageSerializer = output_serializer(commitment_shapes.CommitmentPage)
CountryPressureSerializer = output_serializer(
    commitment_shapes.CountryPressure,
    country={"help_text": "ISO 3166 code, or `other`.", "example": "GB"},
    organisations={"help_text": "Null: fewer than `fewer_than`.", "example": 7},
    fewer_than=FEWER_THAN,
)
DivestmentTotalSerializer = output_serializer(
    commitment_shapes.DivestmentTotal,
    currency={"example": "EUR"},
    amount={"help_text": "Decimal, in `currency`.", "example": "2500000.00"},
)
PressurePointSerializer = output_serializer(
    commitment_shapes.PressurePoint,
    date={"help_text": "A month's last day, or today."},
    acted={"help_text": "Of them, those that fulfilled a commitment."},
)
PressureSerializer = output_serializer(
    commitment_shapes.Pressure,
    organisations={"help_text": "With a public, not withdrawn, commitment."},
    countries={"help_text": "Most organisations first. " + SMALL_COUNTS},
    divestment={"help_text": "One total per currency."},
    series={"help_text": "The last 12 months, by month."},
)
TargetRecordSerializer = output_serializer(
    commitment_shapes.TargetRecord,
    reply_requests={"help_text": "Every reply request, newest first."},
    list_history={"help_text": "Its changes on the target list, oldest first."},
)
TargetDetailSerializer = output_serializer(
    commitment_shapes.TargetDetail,
    commitment_page={"help_text": "Those commitments, newest first; `?page=`, `?page_size=`."},
)


# oEmbed ------------------------------------------------------------------------------

OembedSerializer = output_serializer(oembed.Oembed)


# Partners ----------------------------------------------------------------------------


class ReferredSignaturesSerializer(serializers.Serializer):
    pending = serializers.IntegerField(help_text="Awaiting email confirmation.")
    confirmed = serializers.IntegerField(help_text="Confirmed: counted.")


class ReferredOrganisationsSerializer(serializers.Serializer):
    pending = serializers.IntegerField(help_text="Awaiting the contact or moderation.")
    approved = serializers.IntegerField(help_text="Approved: counted and listed.")


class ReferralFiguresSerializer(serializers.Serializer):
    signatures = ReferredSignaturesSerializer()
    organisations = ReferredOrganisationsSerializer()
    donations = serializers.IntegerField(
        help_text="Gifts received (a count only: never amounts or donors)."
    )


class PartnerCampaignSerializer(ReferralFiguresSerializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    browser_url = serializers.URLField(help_text="With your ?ref= attribution code.")
    referred_signatures = serializers.IntegerField(
        help_text="Confirmed signatures you brought (same as signatures.confirmed)."
    )


class PartnerInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    ref = serializers.RegexField(REF_PATTERN)


class PartnerStatsSerializer(serializers.Serializer):
    partner = PartnerInfoSerializer()
    scopes = serializers.ListField(child=serializers.CharField())
    totals = ReferralFiguresSerializer(help_text="Everything you brought, general fund included.")
    campaigns = PartnerCampaignSerializer(
        many=True, help_text="Public campaigns you promote or brought people to."
    )


class SignatureRequestSerializer(serializers.Serializer):
    """Types only: the content is checked by the web sign form itself (pledges.forms.SignForm)."""

    name = serializers.CharField(max_length=NAME_MAX, trim_whitespace=False)
    email = serializers.CharField(
        max_length=EMAIL_MAX,
        trim_whitespace=False,
        help_text="The signer confirms by email; never shown.",
    )
    country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. KE.")
    affiliation = serializers.CharField(
        max_length=AFFILIATION_MAX, required=False, allow_blank=True, trim_whitespace=False
    )
    language = serializers.ChoiceField(
        choices=LANGUAGE_CODES,
        required=False,
        help_text="Of the confirmation email; the campaign's default language when absent.",
    )
    show_publicly = serializers.BooleanField(
        required=False, default=False, help_text="List the name on the public list."
    )
    updates_consent = serializers.BooleanField(
        required=False, default=False, help_text="Campaign update emails from us."
    )
    share_with_partner = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The signer agrees that you may read their name and email "
        "(GET /api/v1/partners/me/signers/) once they confirm.",
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class AcceptedSerializer(serializers.Serializer):
    status = serializers.CharField(help_text='Always "accepted".')
    detail = serializers.CharField()


class SignerQuerySerializer(serializers.Serializer):
    campaign = serializers.SlugField(required=False, max_length=80)
    before = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="The cursor from `next`."
    )


SignerSerializer = output_serializer(pledge_shapes.Signer)
SignerPageSerializer = output_serializer(pledge_shapes.SignerPage)


class WebhookSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.values), min_length=1, max_length=10
    )
    campaign = serializers.SlugField(required=False, allow_null=True, max_length=80)
    is_active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, subscription):
        return {
            "id": subscription.pk,
            "url": subscription.url,
            "events": list(subscription.events),
            "campaign": subscription.campaign.slug if subscription.campaign else None,
            "is_active": subscription.is_active,
            "created_at": serializers.DateTimeField().to_representation(subscription.created_at),
        }


class WebhookCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Shown once: verify the X-Coalition-Signature header with it."
    )

    def to_representation(self, subscription):
        return super().to_representation(subscription) | {"secret": subscription.secret}

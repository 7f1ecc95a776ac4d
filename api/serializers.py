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
from campaigns.representation import Format
from commitments import representation as commitment_shapes
from commitments.models import Commitment, CommitmentUpdate
from donations import representation as donation_shapes
from partners.models import EventType
from pledges import representation as pledge_shapes
from pledges.models import AFFILIATION_MAX, EMAIL_MAX, NAME_MAX, Organisation

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


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
    attrs = {
        key: _field(hint, **overrides.get(key, {}))
        for key, hint in hints.items()
        if key not in inherited
    }
    serializer = type(
        f"{shape.__name__}Serializer",
        (base,),
        # No docstring: it would be the component's description in the schema.
        {**attrs, "__module__": __name__},
    )
    GENERATED[shape] = serializer
    return serializer


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
    total_signatures={"help_text": "Confirmed signatures."},
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
HistoryEntrySerializer = output_serializer(
    commitment_shapes.HistoryEntry,
    status={"choices": Commitment.Status.choices},
    source={
        "choices": ["pledge", *CommitmentUpdate.Source.values],
        "help_text": "`pledge` for the pledge itself; `system` when the deadline passed.",
    },
)
CommitmentSerializer = output_serializer(
    commitment_shapes.Commitment,
    target={"help_text": "null: every target of the drive."},
    type={"choices": Commitment.Kind.values},
    other_type={"help_text": "For type `other`."},
    amount={"help_text": "Divestments: a decimal string in `currency`."},
    status={"choices": Commitment.Status.choices},
    history={"help_text": "Oldest first: the pledge, then the updates moderators accepted."},
)
TargetTallySerializer = output_serializer(
    commitment_shapes.TargetTally, target={"help_text": "Slug; null: every target."}
)
CountryTallySerializer = output_serializer(commitment_shapes.CountryTally)
LARGEST_FIRST = {"help_text": "Largest first."}
CommitmentTotalsSerializer = output_serializer(
    commitment_shapes.CommitmentTotals,
    total={"help_text": "Public commitments matching the filters."},
    organisations={"help_text": "Organisations behind them."},
    by_status={"help_text": "Every status, zeros kept."},
    by_type={"help_text": "Every type, zeros kept."},
    by_target=LARGEST_FIRST,
    by_country=LARGEST_FIRST,
)


# Targets -----------------------------------------------------------------------------

TargetSerializer = output_serializer(
    commitment_shapes.Target,
    commitments={
        "help_text": "Public commitments naming this target (or every target of a drive that "
        "lists it), by status."
    },
)
CommitmentPageSerializer = output_serializer(commitment_shapes.CommitmentPage)
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

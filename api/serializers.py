"""Serializers: explicit fields only, so personal data stays out by construction.

Output serializers receive the dicts built in api/representation.py; their declared
fields give the OpenAPI schema its shape.
"""

from django.conf import settings
from rest_framework import serializers

from campaigns.forms import REF_PATTERN
from commitments.models import Commitment, CommitmentUpdate
from partners.models import EventType
from pledges.models import AFFILIATION_MAX, EMAIL_MAX, NAME_MAX, Organisation

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


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


class TargetRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CampaignTranslationSerializer(serializers.Serializer):
    language = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True, help_text="Markdown.")
    call_to_action = serializers.CharField(allow_blank=True)


class CampaignSerializer(serializers.Serializer):
    identifiers = serializers.ListField(child=serializers.CharField())
    slug = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=["live", "closed"])
    language = serializers.CharField(help_text="Language of the texts below.")
    default_language = serializers.CharField()
    available_languages = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True, help_text="Markdown.")
    call_to_action = serializers.CharField(allow_blank=True)
    browser_url = serializers.URLField()
    progress_url = serializers.URLField()
    embed_url = serializers.URLField()
    created_date = serializers.DateTimeField(allow_null=True)
    modified_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField(allow_null=True)
    signature_goal = serializers.IntegerField(allow_null=True)
    organisation_goal = serializers.IntegerField(allow_null=True)
    targets = TargetRefSerializer(many=True)


class CampaignDetailSerializer(CampaignSerializer):
    total_signatures = serializers.IntegerField()
    total_organisations = serializers.IntegerField()
    translations = CampaignTranslationSerializer(many=True)


# Progress ----------------------------------------------------------------------------


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    goal = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class AmountSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total_amount = serializers.CharField(help_text="Decimal string, e.g. 12.50.")


class FundraisingSerializer(serializers.Serializer):
    currency = serializers.CharField(allow_null=True, help_text="The goal currency.")
    total_amount = serializers.CharField(
        allow_null=True,
        help_text="Raised after refunds, in the goal currency at Finance's exchange rates.",
    )
    goal_amount = serializers.CharField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text="Of the goal, at most 100.")
    gifts = serializers.IntegerField(help_text="Gifts received (a monthly gift counts once).")
    unconverted = serializers.ListField(
        child=serializers.CharField(),
        help_text="Currencies without an exchange rate: in by_currency, not in total_amount.",
    )
    by_currency = AmountSerializer(many=True, help_text="Raised after refunds, per currency.")


class ProgressSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    browser_url = serializers.URLField()
    status = serializers.ChoiceField(choices=["live", "closed"])
    total_signatures = serializers.IntegerField(help_text="Confirmed signatures.")
    pending_signatures = serializers.IntegerField(help_text="Awaiting email confirmation.")
    total_organisations = serializers.IntegerField(help_text="Approved organisations.")
    commitments = serializers.DictField(child=serializers.IntegerField(), help_text="By status.")
    fundraising = FundraisingSerializer(allow_null=True)
    figures = FigureSerializer(many=True)
    updated_at = serializers.DateTimeField(allow_null=True)


# Signatories -------------------------------------------------------------------------


class PublicOrganisationSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organisation.Kind.values)
    country = serializers.CharField(allow_blank=True)
    website = serializers.URLField()
    logo_url = serializers.URLField(allow_null=True)


class PublicIndividualSerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    affiliation = serializers.CharField(
        allow_blank=True, help_text="For identification only: the organisation did not sign."
    )


class OrganisationPageSerializer(serializers.Serializer):
    results = PublicOrganisationSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class IndividualPageSerializer(serializers.Serializer):
    results = PublicIndividualSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class SignatoriesSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    organisations = OrganisationPageSerializer(
        allow_null=True, help_text="Approved organisations, newest first; null when filtered out."
    )
    individuals = IndividualPageSerializer(
        allow_null=True,
        help_text="Confirmed signers who chose to be listed, newest first; null when filtered out.",
    )


# Open books --------------------------------------------------------------------------


class MonthTotalSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM, by date received.")
    currency = serializers.CharField()
    total_amount = serializers.CharField(help_text="After refunds.")
    gifts = serializers.IntegerField()


class CampaignTotalSerializer(serializers.Serializer):
    campaign = serializers.CharField(allow_null=True, help_text="Slug; null: the general fund.")
    title = serializers.CharField(allow_null=True)
    currency = serializers.CharField()
    total_amount = serializers.CharField(help_text="After refunds.")
    gifts = serializers.IntegerField()


class RefundTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total_amount = serializers.CharField(help_text="Refunded.")
    gifts = serializers.IntegerField(help_text="Gifts refunded in part or in full.")


class OpenBooksSerializer(serializers.Serializer):
    donors = serializers.IntegerField(help_text="People who gave (one per email address).")
    gifts = serializers.IntegerField(help_text="Payments received, monthly charges included.")
    by_month = MonthTotalSerializer(many=True)
    by_campaign = CampaignTotalSerializer(many=True)
    refunds = RefundTotalSerializer(many=True)


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


class CommitmentOrganisationSerializer(PublicOrganisationSerializer):
    id = serializers.IntegerField(help_text="As in /organisations/<id>/.")


class HistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Commitment.Status.choices)
    note = serializers.CharField(allow_blank=True)
    evidence_url = serializers.URLField(allow_null=True)
    source = serializers.ChoiceField(
        choices=["pledge", *CommitmentUpdate.Source.values],
        help_text="`pledge` for the pledge itself; `system` when the deadline passed.",
    )


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.CharField()
    organisation = CommitmentOrganisationSerializer()
    target = TargetRefSerializer(allow_null=True, help_text="null: every target of the drive.")
    all_targets = serializers.BooleanField()
    type = serializers.ChoiceField(choices=Commitment.Kind.values)
    other_type = serializers.CharField(allow_blank=True, help_text="For type `other`.")
    action = serializers.CharField()
    amount = serializers.CharField(
        allow_null=True, help_text="Divestments: a decimal string in `currency`."
    )
    currency = serializers.CharField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Commitment.Status.choices)
    pledged_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    fulfilled_at = serializers.DateTimeField(allow_null=True)
    history = HistoryEntrySerializer(
        many=True, help_text="Oldest first: the pledge, then the updates moderators accepted."
    )


class TargetTallySerializer(serializers.Serializer):
    target = serializers.CharField(allow_null=True, help_text="Slug; null: every target.")
    name = serializers.CharField(allow_null=True)
    all_targets = serializers.BooleanField()
    count = serializers.IntegerField()


class CountryTallySerializer(serializers.Serializer):
    country = serializers.CharField()
    count = serializers.IntegerField()


class CommitmentTotalsSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    total = serializers.IntegerField(help_text="Public commitments matching the filters.")
    organisations = serializers.IntegerField(help_text="Organisations behind them.")
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text="Every status, zeros kept."
    )
    by_type = serializers.DictField(
        child=serializers.IntegerField(), help_text="Every type, zeros kept."
    )
    by_target = TargetTallySerializer(many=True, help_text="Largest first.")
    by_country = CountryTallySerializer(many=True, help_text="Largest first.")


# Targets -----------------------------------------------------------------------------


def status_counts_field() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Public commitments naming this target (or every target of a drive that "
        "lists it), by status.",
    )


class TargetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    headquarters_country = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    products = serializers.ListField(child=serializers.CharField())
    campaigns = serializers.ListField(child=serializers.CharField())
    commitments = status_counts_field()


class CommitmentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CommitmentSerializer(many=True)


class TargetDetailSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    headquarters_country = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    products = serializers.ListField(child=serializers.CharField())
    campaigns = serializers.ListField(child=serializers.CharField())
    commitments = status_counts_field()
    commitment_page = CommitmentPageSerializer(
        help_text="Those commitments, newest first; `?page=`, `?page_size=`."
    )


# oEmbed ------------------------------------------------------------------------------


class OembedSerializer(serializers.Serializer):
    version = serializers.CharField()
    type = serializers.CharField()
    title = serializers.CharField()
    provider_name = serializers.CharField()
    provider_url = serializers.URLField()
    html = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    cache_age = serializers.IntegerField()


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


class SignerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField()
    country = serializers.CharField(allow_blank=True)
    affiliation = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class SignerPageSerializer(serializers.Serializer):
    results = SignerSerializer(many=True)
    next = serializers.URLField(allow_null=True)


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

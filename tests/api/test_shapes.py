"""Each public output shape is declared once, as a TypedDict in the app that owns the data.

The API's output serializers are generated from those declarations; the builders that
the views, the embeds, open data and the partner events share return them. These tests
read the keys from the declarations, never from a list of their own.
"""

import json
import typing
from typing import Union, get_args, get_origin, get_type_hints

import pytest
from django.utils import timezone
from rest_framework import serializers

from api import oembed, open_data
from api import representation as api_shapes
from api import serializers as s
from api.views import targets_with_public_campaigns
from campaigns import representation as campaign_shapes
from campaigns.progress import campaign_progress
from commitments import representation as commitment_shapes
from commitments import tracker
from donations import queries as donation_queries
from donations import representation as donation_shapes
from donations import services as donation_services
from donations.models import Donation
from partners import events
from partners.models import EventType, Partner
from pledges import representation as pledge_shapes
from pledges import services as pledge_services
from pledges.models import Signature
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    create_drive,
    divestment,
    moderator_update,
)
from tests.conftest import create_campaign
from tests.pledges.conftest import approved_org, signature_data, signed_and_confirmed

SHAPE_MODULES = [
    campaign_shapes,
    donation_shapes,
    pledge_shapes,
    commitment_shapes,
    api_shapes,
    oembed,
]
# Declared for partner events, which are not part of the API's schema.
EVENT_SHAPES = {
    pledge_shapes.SignatureConfirmed,
    commitment_shapes.ChangedCommitment,
    commitment_shapes.CommitmentStatusChanged,
    campaign_shapes.TargetReplyRecorded,
}
# Its builder writes the id first, as the open data files always have; the API writes the
# declared order (the public details, then the id).
BUILT_IN_ANOTHER_ORDER = {commitment_shapes.CommitmentOrganisation}


def declared_shapes() -> set[type]:
    return {
        value
        for module in SHAPE_MODULES
        for value in vars(module).values()
        if typing.is_typeddict(value) and value.__module__ == module.__name__
    }


def inner_shape(hint) -> tuple[type | None, bool]:
    """The shape a key holds (or None), and whether it holds a list of them."""
    if get_origin(hint) is Union:
        (hint,) = (arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        return (item, True) if typing.is_typeddict(item) else (None, False)
    if get_origin(hint) is typing.NotRequired:
        return inner_shape(get_args(hint)[0])
    return (hint, False) if typing.is_typeddict(hint) else (None, False)


def assert_is(payload: dict, shape: type, *, strict_order: bool = True, path: str = "") -> None:
    """`payload` has `shape`'s keys in the declared order, and so do the shapes inside it."""
    path = path or shape.__name__
    hints = get_type_hints(shape)
    assert shape.__required_keys__ <= set(payload) <= set(hints), path
    if strict_order or shape not in BUILT_IN_ANOTHER_ORDER:
        assert list(payload) == [key for key in hints if key in payload], path
    for key, value in payload.items():
        inner, many = inner_shape(hints[key])
        if inner is None or value is None:
            continue
        for i, item in enumerate(value if many else [value]):
            assert_is(item, inner, strict_order=strict_order, path=f"{path}.{key}[{i}]")


# The declarations and the serializers -------------------------------------------------


def test_every_declared_shape_but_the_events_has_a_generated_serializer():
    assert set(s.GENERATED) == declared_shapes() - EVENT_SHAPES


@pytest.mark.parametrize("shape", sorted(s.GENERATED, key=str), ids=lambda shape: shape.__name__)
def test_a_generated_serializer_has_the_declared_keys_in_order(shape):
    fields = s.GENERATED[shape]().fields
    hints = get_type_hints(shape)
    assert list(fields) == list(hints)
    for key, hint in hints.items():
        inner, many = inner_shape(hint)
        if inner is not None:
            field = fields[key].child if many else fields[key]
            assert type(field) is s.GENERATED[inner], key


def test_no_serializer_spells_out_a_declared_shape_by_hand():
    generated = set(s.GENERATED.values())
    by_name = {shape.__name__: shape for shape in declared_shapes()}
    declared_keys = {tuple(get_type_hints(shape)) for shape in declared_shapes()}
    hand_written = [
        value
        for value in vars(s).values()
        if isinstance(value, type)
        and issubclass(value, serializers.Serializer)
        and value.__module__ == s.__name__
        and value not in generated
    ]
    assert hand_written, "the query, error, request and partner serializers"
    for serializer in hand_written:
        name = serializer.__name__
        assert name.removesuffix("Serializer") not in by_name, name
        assert tuple(serializer().fields) not in declared_keys, name


def test_overrides_name_only_keys_of_the_shape():
    with pytest.raises(TypeError, match="no own key named tilte"):
        s.output_serializer(campaign_shapes.TargetRef, tilte={"help_text": "A typo."})


# The builders ------------------------------------------------------------------------


@pytest.fixture
def world(db, campaign):
    """A statement with signers and an organisation, a BDS drive with commitments and an
    accepted update, and a fundraiser with gifts and a refund."""
    signed_and_confirmed(campaign, name="Listed Person", affiliation="Uni")
    approved_org(campaign)
    drive = create_drive()
    pledge = approved_pledge(drive, boycott(), divestment(), boycott(target=""))
    moderator_update(
        pledge.commitments.order_by("pk").first(),
        "in_progress",
        note="Half the staff moved.",
        evidence_url="https://example.org/news",
    )
    fund = create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=10_000, fundraising_currency="EUR"
    )
    for amount, currency in ((2500, "EUR"), (1000, "USD")):
        donation_services.record_offline_gift(
            method="bank_transfer",
            amount_minor=amount,
            currency=currency,
            received_on=timezone.localdate(),
            campaign=fund,
            by=None,
        )
    Donation.objects.filter(currency="USD").update(refunded_minor=500)
    return {"statement": campaign, "drive": drive, "fund": fund}


@pytest.fixture
def emitted(monkeypatch) -> list[tuple[str, dict]]:
    """The partner events the services emit, as (type, data)."""
    out = []
    emit = events.emit

    def recording(event_type, payload, **kwargs):
        out.append((event_type, payload))
        return emit(event_type, payload, **kwargs)

    monkeypatch.setattr(events, "emit", recording)
    return out


def test_progress_and_campaign_builders_return_their_shapes(world):
    for campaign in world.values():
        progress = campaign_progress(campaign)
        assert_is(
            api_shapes.progress_payload(campaign, progress, language=None), api_shapes.Progress
        )
        assert_is(api_shapes.campaign_payload(campaign, language="es"), api_shapes.Campaign)
        assert_is(
            api_shapes.campaign_detail_payload(campaign, language=None, progress=progress),
            api_shapes.CampaignDetail,
        )
    fundraising = donation_shapes.fundraising_payload(
        world["fund"], campaign_progress(world["fund"])
    )
    assert fundraising["by_currency"], "the nested amounts are checked too"
    assert_is(fundraising, donation_shapes.Fundraising)


def test_open_books_builder_returns_its_shape(world):
    books = donation_shapes.open_books_payload(donation_queries.open_books())
    assert books["by_month"] and books["by_campaign"] and books["refunds"]
    assert_is(books, donation_shapes.OpenBooks)


def test_tracker_builders_return_their_shapes(world):
    drive = world["drive"]
    commitments = list(tracker.filter_commitments(drive))
    histories = tracker.histories(commitments)
    for commitment in commitments:
        payload = commitment_shapes.commitment_payload(commitment, histories[commitment.pk])
        assert_is(payload, commitment_shapes.Commitment, strict_order=False)
    assert any(len(histories[c.pk]) > 1 for c in commitments), "an accepted update"
    totals = tracker.commitment_totals(drive, tracker.CommitmentFilters())
    assert_is(
        commitment_shapes.commitment_totals_payload(drive, totals),
        commitment_shapes.CommitmentTotals,
    )
    for target in targets_with_public_campaigns():
        assert_is(commitment_shapes.target_payload(target), commitment_shapes.Target)


def test_signatory_builders_return_their_shapes(world):
    organisation = world["statement"].org_pledges.get().organisation
    assert_is(pledge_shapes.organisation_payload(organisation), pledge_shapes.PublicOrganisation)
    signature = world["statement"].signatures.get()
    assert_is(pledge_shapes.individual_payload(signature), pledge_shapes.PublicIndividual)
    assert_is(pledge_shapes.signer_payload(signature), pledge_shapes.Signer)


def test_oembed_builder_returns_its_shape(world):
    assert_is(oembed.oembed_for("http://testserver/c/refuse/"), oembed.Oembed)


def test_open_data_uses_the_declared_shapes(world):
    document = json.loads(open_data.build()["json"])
    assert document["commitments"]
    for commitment in document["commitments"]:
        assert_is(commitment, commitment_shapes.Commitment, strict_order=False)
    for organisation in document["organisations"]:
        organisation.pop("campaigns")
        assert_is(organisation, pledge_shapes.PublicOrganisation)
    for row in document["campaigns"]:
        if row["fundraising"] is not None:
            assert_is(row["fundraising"], donation_shapes.Fundraising)


def test_partner_events_carry_the_declared_shapes(campaign, emitted, moderator):
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner.campaigns.add(campaign)
    for shared in (True, False):
        result = pledge_services.sign(
            campaign,
            signature_data(email=f"amina.{shared}@example.org", shared_with_partner=shared),
            partner=partner,
        )
        pledge_services.confirm_signature(result.signature.pk)
    approved_org(campaign)
    drive = create_drive()
    pledge = approved_pledge(drive, boycott(), boycott(target=""))
    moderator_update(pledge.commitments.order_by("pk").first(), "in_progress", by=moderator)

    shapes = {
        EventType.SIGNATURE_CONFIRMED: pledge_shapes.SignatureConfirmed,
        EventType.COMMITMENT_STATUS_CHANGED: commitment_shapes.CommitmentStatusChanged,
    }
    seen = [event_type for event_type, _data in emitted]
    assert seen.count(EventType.SIGNATURE_CONFIRMED) == 2
    assert EventType.ORGANISATION_APPROVED in seen
    assert seen.count(EventType.COMMITMENT_STATUS_CHANGED) == 3
    for event_type, data in emitted:
        if event_type == EventType.ORGANISATION_APPROVED:
            assert list(data) == ["organisation"]
            assert_is(data["organisation"], pledge_shapes.PublicOrganisation)
        elif event_type in shapes:
            assert_is(data, shapes[event_type], strict_order=False)
    assert Signature.objects.filter(shared_with_partner=True).count() == 1


# The API's answers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/v1/campaigns/fund/progress/", api_shapes.Progress),
        ("/api/v1/campaigns/bds/", api_shapes.CampaignDetail),
        ("/api/v1/campaigns/refuse/signatories/", pledge_shapes.Signatories),
        ("/api/v1/campaigns/bds/commitments/totals/", commitment_shapes.CommitmentTotals),
        ("/api/v1/targets/alphabet/", commitment_shapes.TargetDetail),
        ("/api/v1/open-books/", donation_shapes.OpenBooks),
        ("/oembed?url=http://testserver/c/refuse/", oembed.Oembed),
    ],
)
def test_answers_have_the_declared_keys_in_order(client, world, path, shape):
    response = client.get(path)
    assert response.status_code == 200
    assert_is(response.json(), shape)

"""Attribution to partners: ?ref= links, the share-my-details choice, signers and stats."""

import pytest
import responses

from donations import services as donation_services
from donations.models import Donation
from donations.services import GiftDetails
from partners import services
from partners.models import Partner, PartnerToken
from pledges import services as pledge_services
from pledges.models import OrgPledge, Signature
from tests.conftest import create_campaign, take_signatures
from tests.donations.stripe_events import post_event, session_completed
from tests.pledges.conftest import approved_org, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db
Scope = PartnerToken.Scope
SHARE_LABEL = "Share my name and email with Allies"


@pytest.fixture
def partner(campaign):
    partner = Partner.objects.create(name="Allies", organisation="Allied Org", ref="allies")
    partner.campaigns.add(campaign)
    return partner


@pytest.fixture
def other_partner(campaign):
    other = Partner.objects.create(name="Others", ref="others")
    other.campaigns.add(campaign)
    return other


def bearer(partner, *scopes) -> dict:
    _, raw = services.issue_token(partner, name="t", scopes=list(scopes))
    return {"Authorization": f"Bearer {raw}"}


SIGN_FORM = {
    "name": "Amina Yusuf",
    "email": "amina@example.org",
    "country": "KE",
    "language": "en",
    "show_publicly": "on",
}


# ?ref= on the pages --------------------------------------------------------------------------


def test_campaign_page_carries_a_known_ref_and_offers_sharing(client, partner):
    page = client.get("/c/refuse/?ref=ALLIES").content.decode()
    assert '<input type="hidden" name="ref" value="allies"' in page
    assert SHARE_LABEL in page
    assert 'href="/c/refuse/organisations/sign/?ref=allies"' in page


@pytest.mark.parametrize("ref", ["", "unknown", "bad ref!", "x" * 41, "<script>"])
def test_unknown_or_malformed_ref_is_ignored(client, partner, ref):
    response = client.get("/c/refuse/", {"ref": ref})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Share my name and email" not in page
    assert 'name="ref" value=' not in page
    assert "sign/?ref=" not in page


def test_signing_through_a_ref_attributes_and_records_consent(client, partner):
    response = client.post(
        "/c/refuse/sign/", SIGN_FORM | {"ref": "allies", "share_with_partner": "on"}
    )
    assert response.status_code == 302
    take_signatures()
    signature = Signature.objects.get()
    assert signature.partner == partner
    assert signature.shared_with_partner is True


def test_signing_without_a_ref_cannot_share(client, partner):
    client.post("/c/refuse/sign/", SIGN_FORM | {"share_with_partner": "on"})
    take_signatures()
    signature = Signature.objects.get()
    assert signature.partner is None
    assert signature.shared_with_partner is False


def test_tampered_ref_is_ignored_and_the_signature_still_counts(client, partner):
    response = client.post(
        "/c/refuse/sign/", SIGN_FORM | {"ref": "nobody'; --", "share_with_partner": "on"}
    )
    assert response.status_code == 302
    take_signatures()
    signature = Signature.objects.get()
    assert (signature.partner, signature.shared_with_partner) == (None, False)


def test_sign_page_takes_the_ref_from_its_query(client, partner):
    page = client.get("/c/refuse/sign/?ref=allies").content.decode()
    assert 'name="ref" value="allies"' in page
    assert SHARE_LABEL in page


def test_organisation_sign_on_through_a_ref(client, partner):
    page = client.get("/c/refuse/organisations/sign/?ref=allies").content.decode()
    assert 'name="ref" value="allies"' in page
    response = client.post(
        "/c/refuse/organisations/sign/",
        {
            "name": "Red Comunitaria",
            "kind": "community_network",
            "country": "MX",
            "website": "https://redcomunitaria.example/",
            "contact_name": "Luz",
            "contact_email": "luz@redcomunitaria.example",
            "contact_language": "es",
            "ref": "allies",
        },
    )
    assert response.status_code == 302
    assert OrgPledge.objects.get().partner == partner


@responses.activate
def test_donation_through_a_ref(client, partner, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    fund = create_campaign("fund", kind="fundraiser", fundraising_currency="EUR")
    responses.add(
        responses.POST,
        "https://api.stripe.com/v1/checkout/sessions",
        json={"id": "cs_1", "object": "checkout.session", "url": "https://checkout.stripe.com/x"},
    )
    campaign_page = client.get("/c/fund/?ref=allies").content.decode()
    assert 'href="/c/fund/donate/?ref=allies"' in campaign_page
    donate_page = client.get("/c/fund/donate/?ref=allies").content.decode()
    assert '<input type="hidden" name="ref" value="allies">' in donate_page
    response = client.post("/c/fund/donate/", {"amount": "25", "currency": "EUR", "ref": "allies"})
    assert response.status_code == 303
    assert Donation.objects.get(campaign=fund).partner == partner


def test_signature_keeps_its_first_partner(partner, other_partner, campaign):
    sign(campaign, email="a@example.org")
    pledge_services.sign(
        campaign,
        _data(email="a@example.org", shared_with_partner=True),
        partner=other_partner,
    )
    signature = Signature.objects.get()
    assert (signature.partner, signature.shared_with_partner) == (None, False)


def _data(**overrides):
    from tests.pledges.conftest import signature_data

    return signature_data(**overrides)


# GET /api/v1/partners/me/signers/ ------------------------------------------------------------


def brought(campaign, partner, email, *, shared=True, confirm=True, name="Signer"):
    result = pledge_services.sign(
        campaign,
        _data(email=email, name=name, shared_with_partner=shared),
        partner=partner,
    )
    if confirm:
        pledge_services.confirm_signature(result.signature.pk)
    return result.signature


def test_signers_are_only_own_confirmed_and_consenting(client, partner, other_partner, campaign):
    brought(campaign, partner, "yes@example.org", name="Consenting")
    brought(campaign, partner, "no@example.org", shared=False)
    brought(campaign, partner, "pending@example.org", confirm=False)
    brought(campaign, other_partner, "theirs@example.org")
    signed_and_confirmed(campaign, email="direct@example.org")
    withdrawn = brought(campaign, partner, "gone@example.org")
    pledge_services.withdraw_signature(withdrawn.pk)

    response = client.get(
        "/api/v1/partners/me/signers/", headers=bearer(partner, Scope.SIGNERS_READ)
    )

    assert response.status_code == 200
    (signer,) = response.json()["results"]
    assert signer["email"] == "yes@example.org"
    assert signer["name"] == "Consenting"
    assert signer["campaign"] == "refuse"
    assert signer["confirmed_at"]
    assert response.json()["next"] is None
    assert "no-store" in response["Cache-Control"]
    theirs = client.get(
        "/api/v1/partners/me/signers/", headers=bearer(other_partner, Scope.SIGNERS_READ)
    ).json()
    assert [s["email"] for s in theirs["results"]] == ["theirs@example.org"]


def test_signers_need_their_scope(client, partner, campaign):
    brought(campaign, partner, "yes@example.org")
    for scopes in ([Scope.STATS_READ], [Scope.SIGNATURES_WRITE, Scope.WEBHOOKS_MANAGE]):
        response = client.get("/api/v1/partners/me/signers/", headers=bearer(partner, *scopes))
        assert response.status_code == 403
        assert "@" not in response.content.decode()
    assert client.get("/api/v1/partners/me/signers/").status_code == 401


def test_signers_pages_and_campaign_filter(client, partner, campaign, monkeypatch):
    from api import views

    monkeypatch.setattr(views.PartnerSigners, "page_size", 2)
    other = create_campaign("other")
    for n in range(3):
        brought(campaign, partner, f"p{n}@example.org")
    brought(other, partner, "o@example.org")
    headers = bearer(partner, Scope.SIGNERS_READ)
    first = client.get("/api/v1/partners/me/signers/?campaign=refuse", headers=headers).json()
    assert [s["email"] for s in first["results"]] == ["p2@example.org", "p1@example.org"]
    second = client.get(first["next"], headers=headers).json()
    assert [s["email"] for s in second["results"]] == ["p0@example.org"]
    assert second["next"] is None
    for bad in ("?before=abc", "?before=0", "?campaign=no%20slug"):
        assert client.get("/api/v1/partners/me/signers/" + bad, headers=headers).status_code == 400


# GET /api/v1/partners/me/stats/ --------------------------------------------------------------


def test_stats_count_what_the_partner_brought_and_nothing_else(
    client, partner, other_partner, campaign, settings
):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_donations_endpoint_secret"
    brought(campaign, partner, "a@example.org")
    brought(campaign, partner, "b@example.org", shared=False)
    brought(campaign, partner, "c@example.org", confirm=False)
    brought(campaign, other_partner, "d@example.org")
    signed_and_confirmed(campaign, email="e@example.org")
    pledge_services.sign_on(
        campaign,
        _org(website="https://one.example/", contact_email="x@one.example"),
        partner=partner,
    )
    approved = approved_org(campaign, website="https://two.example/", contact_email="y@two.example")
    OrgPledge.objects.filter(pk=approved.pk).update(partner=partner)
    fund = create_campaign("fund", kind="fundraiser", fundraising_currency="EUR")
    for campaign_of_gift in (fund, fund, None):
        gift = gift_through(partner, campaign_of_gift)
        assert post_event(client, session_completed(gift)).status_code == 200
    gift_through(partner, fund)  # never paid: not counted

    response = client.get("/api/v1/partners/me/stats/", headers=bearer(partner, Scope.STATS_READ))

    body = response.json()
    assert body["totals"] == {
        "signatures": {"pending": 1, "confirmed": 2},
        "organisations": {"pending": 1, "approved": 1},
        "donations": 3,
    }
    by_slug = {c["slug"]: c for c in body["campaigns"]}
    assert set(by_slug) == {"refuse", "fund"}
    assert by_slug["refuse"]["referred_signatures"] == 2
    assert by_slug["refuse"]["signatures"] == {"pending": 1, "confirmed": 2}
    assert by_slug["refuse"]["donations"] == 0
    assert by_slug["fund"]["donations"] == 2
    assert by_slug["fund"]["browser_url"] == "http://testserver/c/fund/?ref=allies"
    text = response.content.decode()
    assert "@" not in text and "2500" not in text and "25.00" not in text

    theirs = client.get(
        "/api/v1/partners/me/stats/", headers=bearer(other_partner, Scope.STATS_READ)
    ).json()
    assert theirs["totals"] == {
        "signatures": {"pending": 0, "confirmed": 1},
        "organisations": {"pending": 0, "approved": 0},
        "donations": 0,
    }
    assert [c["slug"] for c in theirs["campaigns"]] == ["refuse"]


def gift_through(partner, campaign) -> Donation:
    details = GiftDetails(amount_minor=2500, currency="EUR", email="donor@example.net")
    return donation_services.start_donation(campaign, details, partner=partner)


def _org(**overrides):
    from tests.pledges.conftest import org_data

    return org_data(**overrides)


def test_a_partner_with_referrals_cannot_be_deleted(partner, campaign):
    from django.db.models import ProtectedError

    brought(campaign, partner, "a@example.org")
    with pytest.raises(ProtectedError):
        partner.delete()

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pledges import contact, services
from pledges.models import ContactConfirmedPledge, Organisation, OrgPledge
from tests.conftest import create_campaign, run_tasks
from tests.pledges.conftest import approved_org, last_email_to, link_to, org_data

pytestmark = pytest.mark.django_db

Status = ContactConfirmedPledge.Status

FORM = {
    "name": "Red Comunitaria",
    "kind": "community_network",
    "country": "MX",
    "website": "redcomunitaria.example",
    "contact_name": "Luz Pérez",
    "contact_email": "luz@redcomunitaria.example",
    "contact_language": "es",
}


def image_upload(size=(1200, 600), fmt="PNG", name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_org_sign_on_form_stores_a_pending_pledge_and_emails_the_contact(client, campaign):
    response = client.post(
        "/c/refuse/organisations/sign/", {**FORM, "logo": image_upload(fmt="JPEG")}
    )
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    pledge = OrgPledge.objects.get()
    assert pledge.status == Status.UNCONFIRMED
    # Nothing about the organisation is a record until its contact confirms.
    assert pledge.organisation is None and not Organisation.objects.exists()
    assert pledge.proposed_organisation["domain"] == "redcomunitaria.example"
    message = last_email_to("luz@redcomunitaria.example")
    assert "/es/confirm-contact/" in message.body
    assert "Red Comunitaria" in message.body
    client.post(link_to(message, "/confirm-contact/"))
    organisation = OrgPledge.objects.select_related("organisation").get().organisation
    assert organisation.domain == "redcomunitaria.example"
    assert organisation.website == "https://redcomunitaria.example"
    with Image.open(organisation.logo) as logo:
        assert logo.format == "PNG"
        assert max(logo.size) <= 400


def test_an_unconfirmed_submission_cannot_name_or_picture_someone_elses_organisation(
    client, campaign
):
    """A stranger submits first, with a false name and their own logo, and never confirms;
    the organisation's real contact signs on after and their details are the record."""
    squat = {**FORM, "name": "Fake Name", "contact_email": "squatter@elsewhere.example"}
    client.post("/c/refuse/organisations/sign/", {**squat, "logo": image_upload()})
    assert not Organisation.objects.exists()
    client.post("/c/refuse/organisations/sign/", FORM)
    run_tasks()
    real = [m for m in mail.outbox if m.to == ["luz@redcomunitaria.example"]][-1]
    client.post(link_to(real, "/confirm-contact/"))
    organisation = Organisation.objects.get()
    assert organisation.name == "Red Comunitaria"
    assert not organisation.logo
    assert OrgPledge.objects.get(organisation=organisation).contact_email == (
        "luz@redcomunitaria.example"
    )


def test_contact_confirms_then_the_pledge_waits_for_moderation(client, campaign):
    client.post("/c/refuse/organisations/sign/", FORM)
    path = link_to(last_email_to("luz@redcomunitaria.example"), "/confirm-contact/")
    assert client.get(path).status_code == 200
    assert OrgPledge.objects.get().status == Status.UNCONFIRMED
    # The contact asked for Spanish: the link and the page are in Spanish.
    assert "Gracias: confirmado" in client.post(path).content.decode()
    assert OrgPledge.objects.get().status == Status.AWAITING_MODERATION
    assert "Ya confirmada" in client.post(path).content.decode()
    # Not public, not counted until approved.
    assert "Red Comunitaria" not in client.get("/c/refuse/signatories/").content.decode()


@pytest.mark.parametrize("token", ["nonsense", "a:b:c"])
def test_bad_contact_links_get_a_clear_page(client, campaign, token):
    assert client.get(f"/confirm-contact/{token}/").status_code == 400


def test_contact_token_naming_another_model_is_refused(client, campaign):
    from pledges import tokens

    for value in ["auth.user:1", "pledges.signature:1", "nope.nope:1", 5]:
        token = tokens.make_token("contact", value)
        assert client.get(f"/confirm-contact/{token}/").status_code == 404


def test_oversized_or_fake_logo_is_a_form_error(client, campaign):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post("/c/refuse/organisations/sign/", {**FORM, "logo": fake})
    assert response.status_code == 400
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1))
    response = client.post("/c/refuse/organisations/sign/", {**FORM, "logo": big})
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    assert not OrgPledge.objects.exists()


def test_a_small_file_declaring_a_huge_canvas_is_refused_before_decoding(
    client, campaign, monkeypatch
):
    """A PNG of a few KB declaring 5000 × 5000 pixels: refused from its header alone."""
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG", optimize=True)
    assert buffer.tell() < 100_000
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self.size))
    bomb = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = client.post("/c/refuse/organisations/sign/", {**FORM, "logo": bomb})
    assert response.status_code == 400
    assert "dimensions are too large" in response.content.decode()
    assert decoded == []
    assert not OrgPledge.objects.exists()


def test_a_logo_of_reasonable_size_is_accepted(client, campaign):
    response = client.post(
        "/c/refuse/organisations/sign/", {**FORM, "logo": image_upload(size=(2000, 1500))}
    )
    assert response.status_code == 302
    assert OrgPledge.objects.get().proposed_logo


@pytest.mark.parametrize(
    "overrides",
    [{"kind": "cult"}, {"website": "not a url"}, {"contact_email": "x"}, {"country": "QQ"}],
)
def test_org_form_bad_input_is_400(client, campaign, overrides):
    assert client.post("/c/refuse/organisations/sign/", {**FORM, **overrides}).status_code == 400


def test_organisation_is_reused_across_campaigns_by_website_domain(campaign, moderator):
    other = create_campaign("other")
    first = approved_org(campaign, moderator=moderator)
    second = services.sign_on(
        other, org_data(name="Red Comunitaria A.C.", website="http://redcomunitaria.example/about")
    )
    assert second.pledge.organisation_id == first.organisation_id
    assert Organisation.objects.count() == 1
    # Public details stay as moderated.
    assert Organisation.objects.get().name == "Red Comunitaria"


@pytest.mark.parametrize("state", ["unconfirmed", "awaiting_moderation", "approved"])
def test_a_stranger_cannot_learn_that_an_organisation_has_signed_on(client, campaign, state):
    """The stranger gets exactly what a first sign-on gets (a link, then "waits for
    moderation"); only the organisation's own contact is told, and nothing changes."""
    first = services.sign_on(campaign, org_data()).pledge
    if state != "unconfirmed":
        first, _ = contact.confirm_contact(first)
    if state == "approved":
        first = contact.approve(first, by=None)
    run_tasks()
    mail.outbox.clear()
    result = services.sign_on(
        campaign, org_data(contact_email="someone@elsewhere.example", contact_language="en")
    )
    assert result.outcome == "new"
    stranger = last_email_to("someone@elsewhere.example")
    page = client.post(link_to(stranger, "/confirm-contact/"))
    assert page.status_code == 200
    assert "Our moderators will review the sign-on" in page.content.decode()
    run_tasks()
    told = [m for m in mail.outbox if m.to == ["luz@redcomunitaria.example"]]
    if state == "unconfirmed":  # the organisation is not a record yet: two proposals wait
        assert told == []
        assert OrgPledge.objects.count() == 2
    else:
        # In the contact's language (Spanish); the sign-on itself is unchanged.
        assert len(told) == 1 and "Otra solicitud de adhesión" in told[0].subject
        assert OrgPledge.objects.get().pk == first.pk
        assert OrgPledge.objects.get().status == first.status


def test_the_contact_is_told_of_repeated_requests_once_a_day(campaign):
    first, _ = contact.confirm_contact(services.sign_on(campaign, org_data()).pledge)
    for n in range(3):
        other = services.sign_on(campaign, org_data(contact_email=f"x{n}@elsewhere.example"))
        contact.confirm_contact(other.pledge)
    run_tasks()
    told = [m for m in mail.outbox if m.to == ["luz@redcomunitaria.example"]]
    assert len(told) == 2  # the confirmation link, then one notice


def test_the_page_is_the_same_for_a_new_and_a_known_organisation(client, campaign):
    form = {
        "name": "Red Comunitaria",
        "kind": "community_network",
        "country": "MX",
        "website": "https://redcomunitaria.example",
        "contact_name": "Luz",
        "contact_language": "es",
    }
    first = client.post(
        "/c/refuse/organisations/sign/", {**form, "contact_email": "luz@redcomunitaria.example"}
    )
    again = client.post(
        "/c/refuse/organisations/sign/", {**form, "contact_email": "spy@elsewhere.example"}
    )
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]


def test_moderation_transitions_and_emails(campaign, moderator):
    result = services.sign_on(campaign, org_data())
    with pytest.raises(services.InvalidTransition):
        contact.approve(result.pledge, by=moderator)  # contact has not confirmed
    pledge, _ = contact.confirm_contact(result.pledge)
    with pytest.raises(Exception, match="reason"):
        contact.reject(pledge, by=moderator, reason="  ")
    pledge = contact.reject(pledge, by=moderator, reason="Not an organisation we know.")
    assert pledge.status == Status.REJECTED
    message = last_email_to("luz@redcomunitaria.example")
    assert "Not an organisation we know." in message.body
    pledge = contact.approve(pledge, by=moderator)
    assert pledge.status == Status.APPROVED and pledge.moderated_by == moderator
    assert "adhesión aprobada" in last_email_to("luz@redcomunitaria.example").subject


def test_only_approved_organisations_are_public(client, campaign, moderator):
    approved_org(campaign, moderator=moderator)
    services.sign_on(campaign, org_data(name="Pending Org", website="https://pending.example"))
    body = client.get("/c/refuse/signatories/").content.decode()
    assert "Red Comunitaria" in body
    assert "Pending Org" not in body
    assert "Luz" not in body  # the contact person is private
    filtered = client.get("/c/refuse/signatories/", {"type": "union"}).content.decode()
    assert "Red Comunitaria" not in filtered


def test_merging_duplicates_moves_sign_ons(campaign, moderator):
    other = create_campaign("other")
    keep = approved_org(campaign, moderator=moderator).organisation
    first = services.sign_on(
        other, org_data(name="Red comunitaria", website="https://red-comunitaria.example")
    ).pledge
    duplicate = contact.confirm_contact(first)[0].organisation
    also = services.sign_on(
        campaign, org_data(name="Red comunitaria", website="https://red-comunitaria.example")
    )
    assert also.pledge.organisation == duplicate
    services.merge_organisations(keep, [duplicate], by=moderator)
    assert list(Organisation.objects.all()) == [keep]
    assert OrgPledge.objects.filter(organisation=keep).count() == 2
    assert OrgPledge.objects.get(campaign=campaign).status == Status.APPROVED


def test_over_the_rate_limit_sign_ons_are_held_without_email(campaign, rate_limits):
    from django.core import mail

    from pledges.abuse import Client
    from tests.conftest import run_tasks

    office = Client(ip_hash="office")
    for n in range(4):
        result = services.sign_on(
            campaign,
            org_data(website=f"https://org{n}.example", contact_email=f"c@org{n}.example"),
            client=office,
        )
    assert result.outcome == "held"
    run_tasks()
    assert "c@org3.example" not in [m.to[0] for m in mail.outbox]


def test_org_honeypot_stores_nothing(client, campaign):
    response = client.post("/c/refuse/organisations/sign/", {**FORM, "hp_contact": "x"})
    assert response.status_code == 302
    assert not OrgPledge.objects.exists()

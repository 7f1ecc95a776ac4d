"""The staff area shows less by default: addresses masked unless the user holds the
personal-data permission, addresses found by their keyed hash only for those users, and each
page that shows a person's decrypted details recorded in the audit log."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from donations import services as donation_services
from donations.models import Donation
from pledges import contact, services
from staff.models import AuditEvent
from tests.commitments.helpers import create_drive, pledge
from tests.conftest import verified_login
from tests.donations.conftest import pending_donation
from tests.pledges.conftest import org_data, signed_and_confirmed

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/"
SIGNATURES = f"{ADMIN}pledges/signature/"
ORG_QUEUE = f"{ADMIN}pledges/orgpledge/"
COMMITMENT_QUEUE = f"{ADMIN}commitments/commitmentpledge/"
DONATIONS = f"{ADMIN}donations/donation/"
OFFLINE_GIFTS = f"{ADMIN}donations/offlinegift/"


def grant_personal_data(user):
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    return user


def found(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def views_logged(action: str) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(action=action)
        .order_by("id")
        .values_list("actor_username", "object_type", "object_id")
    )


@pytest.fixture
def signature(campaign):
    return signed_and_confirmed(campaign)


def test_signer_email_is_masked_for_staff_without_the_permission(client, signature, moderator):
    verified_login(client, moderator)
    body = client.get(f"{SIGNATURES}{signature.pk}/change/").content.decode()
    assert "a…@example.org" in body
    assert "amina@example.org" not in body
    assert "Amina Yusuf" in body


def test_signer_email_is_shown_to_staff_with_the_permission(client, signature, comms):
    verified_login(client, grant_personal_data(comms))
    body = client.get(f"{SIGNATURES}{signature.pk}/change/").content.decode()
    assert "amina@example.org" in body


def test_each_opening_of_a_signer_page_is_audited_without_the_address(client, signature, moderator):
    verified_login(client, moderator)
    assert client.get(SIGNATURES).status_code == 200  # the list shows no decrypted data
    assert views_logged("signature.view") == []
    for _ in range(2):
        assert client.get(f"{SIGNATURES}{signature.pk}/change/").status_code == 200
    expected = ("moderator", "pledges.signature", str(signature.pk))
    assert views_logged("signature.view") == [expected, expected]
    event = AuditEvent.objects.filter(action="signature.view").first()
    assert event.actor == moderator
    assert "amina" not in str(event.details)


def test_an_address_search_finds_the_signer_only_for_staff_with_the_permission(
    client, campaign, signature, comms
):
    other = signed_and_confirmed(campaign, name="Other Person", email="other@example.org")
    verified_login(client, comms)
    assert found(client.get(SIGNATURES, {"q": "amina@example.org"})) == []
    assert set(found(client.get(SIGNATURES, {"q": "Amina"}))) == {signature}

    grant_personal_data(comms)
    # Any spelling of the mailbox: the keyed hash compares the canonical address.
    assert found(client.get(SIGNATURES, {"q": " AMINA@example.org "})) == [signature]
    assert found(client.get(SIGNATURES, {"q": "other@example.org"})) == [other]
    assert found(client.get(SIGNATURES, {"q": "nobody@example.org"})) == []


def test_the_signature_list_never_shows_unlisted_names(client, campaign, moderator):
    hidden = signed_and_confirmed(
        campaign, name="Private Person", email="private@example.org", show_publicly=False
    )
    verified_login(client, moderator)
    listing = client.get(SIGNATURES)
    assert found(listing) == [hidden]
    assert "Private Person" not in listing.content.decode()
    assert found(client.get(SIGNATURES, {"q": "Private"})) == []


@pytest.fixture
def awaiting(campaign):
    result = services.sign_on(campaign, org_data())
    return contact.confirm_contact(result.pledge)[0]


def test_moderators_see_the_contact_person_and_a_masked_address_and_are_audited(
    client, awaiting, moderator
):
    verified_login(client, moderator)
    body = client.get(f"{ORG_QUEUE}{awaiting.pk}/change/").content.decode()
    assert "Luz Pérez" in body
    assert "l…@redcomunitaria.example" in body
    assert "luz@redcomunitaria.example" not in body
    assert views_logged("pledge.view_contact") == [
        ("moderator", "pledges.orgpledge", str(awaiting.pk))
    ]


def test_staff_who_do_not_moderate_see_no_contact_and_nothing_is_audited(client, awaiting, comms):
    verified_login(client, comms)
    response = client.get(f"{ORG_QUEUE}{awaiting.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Luz Pérez" not in body
    assert "redcomunitaria.example" not in body.replace("www.redcomunitaria.example", "")
    assert "l…@" not in body
    assert views_logged("pledge.view_contact") == []


def test_contact_address_is_shown_and_searchable_with_the_permission(
    client, campaign, awaiting, moderator
):
    other = services.sign_on(
        campaign,
        org_data(
            name="Other Org", website="https://other.example/", contact_email="o@other.example"
        ),
    ).pledge
    verified_login(client, moderator)
    assert found(client.get(ORG_QUEUE, {"q": "luz@redcomunitaria.example"})) == []

    grant_personal_data(moderator)
    body = client.get(f"{ORG_QUEUE}{awaiting.pk}/change/").content.decode()
    assert "luz@redcomunitaria.example" in body
    assert found(client.get(ORG_QUEUE, {"q": "Luz@RedComunitaria.example"})) == [awaiting]
    assert found(client.get(ORG_QUEUE, {"q": "o@other.example"})) == [other]


def test_commitment_pledge_contact_is_masked_and_audited(client, moderator):
    result = pledge(create_drive(), contact_email="ana@commit.example", contact_name="Ana Commit")
    verified_login(client, moderator)
    body = client.get(f"{COMMITMENT_QUEUE}{result.pledge.pk}/change/").content.decode()
    assert "Ana Commit" in body
    assert "a…@commit.example" in body
    assert "ana@commit.example" not in body
    assert views_logged("pledge.view_contact") == [
        ("moderator", "commitments.commitmentpledge", str(result.pledge.pk))
    ]


@pytest.fixture
def gift(db):
    return pending_donation(email="donor@example.net", donor_name="Dana Donor")


def test_finance_sees_donor_email_masked_and_each_view_is_audited_once(client, gift, finance):
    verified_login(client, finance)
    body = client.get(f"{DONATIONS}{gift.pk}/change/").content.decode()
    assert "d…@example.net" in body
    assert "donor@example.net" not in body
    assert "Dana Donor" in body
    assert views_logged("donation.view") == [("finance", "donations.donation", str(gift.pk))]


def test_donor_email_is_shown_and_searchable_only_with_the_permission(client, gift, finance):
    other = pending_donation(email="someone@else.example")
    verified_login(client, finance)
    assert found(client.get(DONATIONS, {"q": "donor@example.net"})) == []

    grant_personal_data(finance)
    assert "donor@example.net" in client.get(f"{DONATIONS}{gift.pk}/change/").content.decode()
    assert found(client.get(DONATIONS, {"q": "DONOR@example.net"})) == [gift]
    assert found(client.get(DONATIONS, {"q": "someone@else.example"})) == [other]


def test_an_offline_gift_page_masks_the_donor_email_too(client, finance):
    recorded = donation_services.record_offline_gift(
        method=Donation.Method.CASH,
        amount_minor=20_00,
        currency="EUR",
        received_on=timezone.localdate(),
        donor_name="Kwame Asante",
        email="kwame@example.org",
        by=finance,
    )
    verified_login(client, finance)
    response = client.get(f"{OFFLINE_GIFTS}{recorded.pk}/change/")
    assert response.status_code == 200
    assert "kwame@example.org" not in response.content.decode()

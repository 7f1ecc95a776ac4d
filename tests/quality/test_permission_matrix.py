"""Who may read and write what in the staff area: every registered admin model's changelist
(read) and add page (write), and every other staff page, for each persona, against an
explicit table. Anything not allowed is a 403 or a redirect to the login page.

A model registered in the admin without a row in the table fails the test, so a new model
must be placed in the table on purpose.
"""

import pytest
from django.conf import settings
from django.contrib import admin

from commitments.models import CommitmentPledge
from pledges import contact
from pledges import services as pledge_services
from pledges.models import OrgPledge
from tests.commitments.helpers import create_drive, pledge
from tests.conftest import PERSONAS, create_campaign
from tests.pledges.conftest import org_data

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_PATH}"
NOBODY: set[str] = set()
COMMS, MOD, FIN = "comms", "moderator", "finance"

# model: (personas who may read the changelist, personas who may open the add page)
MODELS: dict[str, tuple[set[str], set[str]]] = {
    "auth.group": (NOBODY, NOBODY),
    "auth.user": (NOBODY, NOBODY),
    "django_tasks_database.dbtaskresult": (NOBODY, NOBODY),
    "axes.accessattempt": (NOBODY, NOBODY),
    "axes.accesslog": (NOBODY, NOBODY),
    "axes.accessfailurelog": (NOBODY, NOBODY),
    "otp_totp.totpdevice": (NOBODY, NOBODY),
    "otp_static.staticdevice": (NOBODY, NOBODY),
    "campaigns.campaign": ({COMMS, MOD, FIN}, {COMMS}),
    "campaigns.target": ({COMMS, MOD}, {COMMS}),
    "staff.auditevent": (NOBODY, NOBODY),  # superusers only
    "partners.partner": ({COMMS}, {COMMS}),
    "partners.partnertoken": ({COMMS}, {COMMS}),
    "pledges.statementversion": ({COMMS, MOD}, NOBODY),
    "pledges.signature": ({COMMS, MOD}, NOBODY),
    "pledges.organisation": ({COMMS, MOD}, NOBODY),
    "pledges.orgpledge": ({COMMS, MOD}, NOBODY),
    "pledges.updatemailing": ({COMMS}, {COMMS}),
    "commitments.commitmentpledge": ({COMMS, MOD}, NOBODY),
    "commitments.commitment": ({COMMS, MOD}, NOBODY),
    "commitments.commitmentupdate": ({COMMS, MOD}, NOBODY),
    "donations.donation": ({FIN}, NOBODY),
    "donations.offlinegift": ({FIN}, {FIN}),
    "donations.exchangerate": ({FIN}, {FIN}),
    "donations.stripeevent": ({FIN}, NOBODY),
    "donations.givingmethod": ({FIN}, {FIN}),
    "partners.webhooksubscription": ({COMMS}, NOBODY),
    "partners.webhookdelivery": ({COMMS}, NOBODY),
}
STAFF = {COMMS, MOD, FIN}

# Other staff pages: path -> personas who may open it.
PAGES: dict[str, set[str]] = {
    ADMIN: STAFF,
    f"{ADMIN}pledges/signature/export/": {COMMS},
    f"{ADMIN}pledges/signature/export/?what=signatures&format=csv": {COMMS},
    f"{ADMIN}pledges/signature/export/?what=commitments&format=xlsx": {COMMS},
    "/staff/donations/reports/": {FIN},
    "/staff/donations/reports/chart.svg": {FIN},
    "/staff/donations/reports/ledger.csv": {FIN},
    "/staff/donations/reports/by_month.xlsx": {FIN},
    f"{ADMIN}two-factor/verify/": STAFF,
    f"{ADMIN}password_change/": STAFF,
}


def model_urls():
    for model in admin.site._registry:
        label = model._meta.label_lower
        base = f"{ADMIN}{model._meta.app_label}/{model._meta.model_name}/"
        yield pytest.param(label, base, "read", id=f"{label}-read")
        yield pytest.param(label, base + "add/", "write", id=f"{label}-write")


def assert_refused(response, persona: str, url: str) -> None:
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith(f"{ADMIN}login/"), (persona, url, location)
    else:
        assert response.status_code == 403, (persona, url, response.status_code)


def test_every_registered_admin_model_is_in_the_table():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MODELS), registered ^ set(MODELS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("label", "url", "mode"), list(model_urls()))
def test_admin_model_permissions_match_the_table(persona_client, persona, label, url, mode):
    client = persona_client(persona)
    readers, writers = MODELS[label]
    allowed = persona in (readers if mode == "read" else writers)
    response = client.get(url)
    if allowed:
        assert response.status_code == 200, (persona, url, response.status_code)
    else:
        assert_refused(response, persona, url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", list(PAGES))
def test_staff_pages_match_the_table(persona_client, persona, url):
    response = persona_client(persona).get(url)
    if persona in PAGES[url]:
        assert response.status_code == 200, (persona, url, response.status_code)
    else:
        assert_refused(response, persona, url)


@pytest.mark.parametrize("url", [f"{ADMIN}pledges/orgpledge/", "/staff/donations/reports/"])
def test_staff_without_the_second_factor_are_sent_to_it(client, comms, finance, url):
    for user in (comms, finance):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302
        assert "/two-factor/" in response["Location"] or "/login/" in response["Location"]


# Writes through admin actions: (changelist, action, personas allowed, setup, check)


@pytest.fixture
def queue(db, moderator):
    statement = create_campaign("refuse", organisation_goal=10)
    org = pledge_services.sign_on(statement, org_data()).pledge
    contact.confirm_contact(org)
    drive = create_drive("bds")
    commitments = pledge(drive, website="https://other.example/").pledge
    contact.confirm_contact(commitments)
    return {"orgpledge": org, "commitmentpledge": commitments}


ACTIONS = [
    ("pledges/orgpledge/", "approve", OrgPledge, "orgpledge", {MOD}),
    ("commitments/commitmentpledge/", "approve", CommitmentPledge, "commitmentpledge", {MOD}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("changelist", "action", "model", "key", "allowed"), ACTIONS)
def test_moderation_actions_change_nothing_unless_allowed(
    persona_client, queue, persona, changelist, action, model, key, allowed
):
    obj = queue[key]
    client = persona_client(persona)
    response = client.post(
        f"{ADMIN}{changelist}", {"action": action, "_selected_action": [obj.pk], "index": 0}
    )
    assert response.status_code in {200, 302, 403}
    obj.refresh_from_db()
    approved = obj.status == model.Status.APPROVED
    assert approved == (persona in allowed), (persona, changelist, obj.status)


@pytest.mark.parametrize("persona", [COMMS, MOD])
@pytest.mark.parametrize(
    ("key", "app"), [("orgpledge", "pledges"), ("commitmentpledge", "commitments")]
)
def test_contact_people_are_shown_to_moderators_not_to_other_staff(
    persona_client, queue, persona, key, app
):
    obj = queue[key]
    response = persona_client(persona).get(f"{ADMIN}{app}/{key}/{obj.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    shown = obj.contact_email in body or obj.contact_name in body
    assert shown == (persona == MOD), (persona, key)

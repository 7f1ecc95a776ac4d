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
TRANS = "translator"  # Translators group, Spanish only (tests/conftest.py)
MATRIX_PERSONAS = [*PERSONAS, TRANS]

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
    "campaigns.campaign": ({COMMS, MOD, FIN, TRANS}, {COMMS}),
    "campaigns.translatorlanguage": ({COMMS}, {COMMS}),
    "campaigns.target": ({COMMS, MOD}, {COMMS}),
    "campaigns.targetchange": ({COMMS, MOD}, NOBODY),
    "campaigns.replyrequest": ({COMMS, MOD}, {COMMS}),
    "campaigns.targetreply": ({COMMS, MOD}, NOBODY),  # recorded from its request's page
    "staff.auditevent": (NOBODY, NOBODY),  # superusers only
    "partners.partner": ({COMMS}, {COMMS}),
    "partners.partnertoken": ({COMMS}, {COMMS}),
    "pledges.statementversion": ({COMMS, MOD}, NOBODY),
    "pledges.signature": ({COMMS, MOD}, NOBODY),
    "pledges.organisation": ({COMMS, MOD}, NOBODY),
    "pledges.orgpledge": ({COMMS, MOD}, NOBODY),
    "pledges.updatemailing": ({COMMS}, {COMMS}),
    "pledges.phonechannel": ({COMMS}, {COMMS}),
    "commitments.commitmentpledge": ({COMMS, MOD}, NOBODY),
    "commitments.commitment": ({COMMS, MOD}, NOBODY),
    "commitments.commitmentupdate": ({COMMS, MOD}, NOBODY),
    "donations.donation": ({FIN}, NOBODY),
    "donations.offlinegift": ({FIN}, {FIN}),
    "donations.exchangerate": ({FIN}, {FIN}),
    "donations.stripeevent": ({FIN}, NOBODY),
    "donations.givingmethod": ({FIN}, {FIN}),
    "donations.mpesasetting": ({FIN}, {FIN}),
    "donations.mpesacallback": ({FIN}, NOBODY),
    "paper.paperbatch": ({COMMS, MOD}, {COMMS, MOD}),
    "partners.webhooksubscription": ({COMMS}, NOBODY),
    "partners.webhookdelivery": ({COMMS}, NOBODY),
}
STAFF = {COMMS, MOD, FIN, TRANS}

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


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
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


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
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


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
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


# A campaign's own staff pages and its launch buttons (campaigns/admin.py).

CAMPAIGN = f"{ADMIN}campaigns/campaign/{{pk}}/"
VIEWERS = {COMMS, MOD, FIN, TRANS}
CAMPAIGN_PAGES: dict[str, set[str]] = {
    CAMPAIGN + "change/": VIEWERS,
    CAMPAIGN + "preview/": VIEWERS,
    "/es" + CAMPAIGN + "preview/": VIEWERS,
    CAMPAIGN + "phone/?lang=ar": VIEWERS,
    CAMPAIGN + "lifecycle/publish/": {COMMS},
    CAMPAIGN + "lifecycle/schedule/": {COMMS},
    CAMPAIGN + "history/": VIEWERS,
    CAMPAIGN + "delete/": NOBODY,
}
BUTTONS = ["publish", "schedule"]


@pytest.fixture
def draft(db):
    from datetime import timedelta

    from django.utils import timezone

    return create_campaign("matrix-draft", live=False, launch_at=timezone.now() + timedelta(days=2))


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("url", list(CAMPAIGN_PAGES))
def test_campaign_staff_pages_match_the_table(persona_client, draft, persona, url):
    address = url.format(pk=draft.pk)
    response = persona_client(persona).get(address)
    if persona in CAMPAIGN_PAGES[url]:
        assert response.status_code == 200, (persona, address, response.status_code)
    elif response.status_code == 302:  # to the login page, in the address's language
        assert f"{ADMIN}login/" in response["Location"], (persona, address)
    else:
        assert response.status_code == 403, (persona, address, response.status_code)


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("button", BUTTONS)
def test_launch_buttons_change_nothing_unless_allowed(persona_client, draft, persona, button):
    response = persona_client(persona).post(CAMPAIGN.format(pk=draft.pk) + f"lifecycle/{button}/")
    draft.refresh_from_db()
    if persona == COMMS:
        assert response.status_code == 302
        assert draft.status != draft.Status.DRAFT
    else:
        assert_refused(response, persona, button)
        assert draft.status == draft.Status.DRAFT


# The workspace (workspace/): the staff home, each moderation queue and item, its decision
# buttons, and "My notifications". Moderators (and superusers) decide; other staff get 403.

WORKSPACE = f"{ADMIN}workspace/"
MODERATION = WORKSPACE + "moderation/"
WORKSPACE_PAGES: dict[str, set[str]] = {
    WORKSPACE: STAFF,
    "/ar" + WORKSPACE: STAFF,
    WORKSPACE + "notifications/": {MOD},
}
for _slug in (
    "sign-ons",
    "commitment-pledges",
    "commitment-updates",
    "suspect-signatures",
    "target-replies",
):
    WORKSPACE_PAGES |= {
        f"{MODERATION}{_slug}/": {MOD},
        f"{MODERATION}{_slug}/?state=decided": {MOD},
        f"{MODERATION}{_slug}/next/": {MOD},
        f"{MODERATION}{_slug}/{{{_slug}}}/": {MOD},
    }
# queue, decision, the form, whether the item has moved once decided
WORKSPACE_BUTTONS = [
    ("sign-ons", "approve", {}),
    ("sign-ons", "reject", {"reason": "Not an organisation"}),
    ("commitment-pledges", "approve", {"accept_trusted": "1"}),
    ("commitment-pledges", "reject", {"reason": "Not an organisation"}),
    ("commitment-updates", "accept", {}),
    ("commitment-updates", "reject", {"reason": "No evidence"}),
    ("suspect-signatures", "release", {}),
    ("suspect-signatures", "discard", {}),
    ("target-replies", "publish", {}),
    ("target-replies", "reject", {"reason": "The wrong letter"}),
]


@pytest.fixture
def waiting_items(db, settings):
    from tests.workspace.conftest import (
        suspect_signature,
        waiting_commitment_pledge,
        waiting_sign_on,
        waiting_update,
    )

    settings.PLEDGE_RATE_LIMITS = {"ip": (0, 3600), "email": (100, 3600), "domain": (1000, 3600)}
    statement = create_campaign("refuse", organisation_goal=10)
    drive = create_drive("bds")
    return {
        "sign-ons": waiting_sign_on(statement),
        "commitment-pledges": waiting_commitment_pledge(
            drive, website="https://pledger.example/", contact_email="c@pledger.example"
        ),
        "commitment-updates": waiting_update(
            drive, website="https://updater.example/", contact_email="c@updater.example"
        ),
        "suspect-signatures": suspect_signature(statement),
        "target-replies": _waiting_reply(),
    }


def _waiting_reply():
    from datetime import date

    from campaigns.models import Target
    from tests.campaigns.replies_helpers import ask, reply_to

    request = ask(Target.objects.get(slug="meta"), date(2026, 3, 3))
    return reply_to(request, date(2026, 3, 18), url="https://about.example.com/reply")


def _still_waiting(obj) -> bool:
    model = type(obj)
    current = model.objects.filter(pk=obj.pk).first()
    if current is None:
        return False
    if hasattr(current, "review"):
        return current.review == "pending"
    if model._meta.label == "pledges.Signature":  # released, it waits for its signer instead
        return current.status == "suspect"
    return current.status in ("awaiting_moderation", "suspect", "pending")


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("url", list(WORKSPACE_PAGES))
def test_workspace_pages_match_the_table(persona_client, waiting_items, persona, url):
    address = url.format(**{slug: obj.pk for slug, obj in waiting_items.items()})
    response = persona_client(persona).get(address)
    if persona in WORKSPACE_PAGES[url]:
        assert response.status_code in (200, 302), (persona, address, response.status_code)
        if response.status_code == 302:  # "next/": to the oldest waiting item
            assert response["Location"].startswith(MODERATION), (persona, address)
    elif response.status_code == 302:
        assert f"{ADMIN}login/" in response["Location"], (persona, address)
    else:
        assert response.status_code == 403, (persona, address, response.status_code)


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize(("slug", "decision", "form"), WORKSPACE_BUTTONS)
def test_workspace_decisions_change_nothing_unless_allowed(
    persona_client, waiting_items, persona, slug, decision, form
):
    obj = waiting_items[slug]
    response = persona_client(persona).post(
        f"{MODERATION}{slug}/{obj.pk}/decide/", {"decision": decision, "then": "next", **form}
    )
    if persona == MOD:
        assert response.status_code == 302, (persona, slug, decision, response.status_code)
        assert not _still_waiting(obj), (slug, decision)
    else:
        assert_refused(response, persona, f"{slug} {decision}")
        assert _still_waiting(obj), (persona, slug, decision)


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
def test_my_notifications_are_saved_only_by_moderators(persona_client, request, persona):
    from staff import preferences

    response = persona_client(persona).post(WORKSPACE + "notifications/", {})
    if persona == MOD:
        assert response.status_code == 302
        user = request.getfixturevalue(MOD)
        assert not preferences.notification_preferences(user).moderation_digest
    else:
        assert_refused(response, persona, "notifications")


def test_workspace_pages_ask_staff_for_the_second_factor(client, moderator, waiting_items):
    client.force_login(moderator)
    for url in (WORKSPACE, f"{MODERATION}sign-ons/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{ADMIN}two-factor/verify/"), url


# Campaign dashboards (workspace/dashboard.py): staff who see a campaign and what it gathers
# (Communications, Moderators, Finance); a live one, a draft and the list of them all.

DASHBOARDS = f"{WORKSPACE}campaigns/"
DASHBOARD_PAGES: dict[str, set[str]] = {
    DASHBOARDS: {COMMS, MOD, FIN},
    DASHBOARDS + "matrix-live/dashboard/": {COMMS, MOD, FIN},
    "/ar" + DASHBOARDS + "matrix-live/dashboard/": {COMMS, MOD, FIN},
    DASHBOARDS + "matrix-draft/dashboard/": {COMMS, MOD, FIN},
}


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("url", list(DASHBOARD_PAGES))
def test_dashboard_pages_match_the_table(persona_client, draft, persona, url):
    create_campaign("matrix-live", fundraising_goal_minor=10_000, fundraising_currency="EUR")
    response = persona_client(persona).get(url)
    if persona in DASHBOARD_PAGES[url]:
        assert response.status_code == 200, (persona, url, response.status_code)
    elif response.status_code == 302:
        assert "/" + ADMIN.lstrip("/") + "login/" in response["Location"], (persona, url)
    else:
        assert response.status_code == 403, (persona, url, response.status_code)

"""The dated target list: changes through services with who, when and why; the public
changelog, the removed target's page, the open data file and the `target.list_changed`
webhook; the staff form that asks for a reason."""

import csv
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from api import open_data
from campaigns import targets
from campaigns.models import Target, TargetChange
from partners import services as partner_services
from partners.models import Partner, WebhookDelivery
from staff.models import AuditEvent
from tests.commitments.helpers import create_drive
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db
ADMIN = f"/{settings.ADMIN_PATH}"


@pytest.fixture
def drive(db):
    return create_drive("bds")


@pytest.fixture
def listed(drive, comms):
    target = targets.add_target(
        Target(name="Palantir", slug="palantir", category=Target.Category.PRESSURE),
        by=comms,
        reason="Its software runs the army's targeting.",
    )
    drive.targets.add(target)
    return target


def test_adding_records_who_when_and_why(listed, comms):
    (change,) = listed.changes.all()
    assert (change.kind, change.category, change.changed_by) == ("added", "pressure", comms)
    assert change.reason == "Its software runs the army's targeting."
    assert AuditEvent.objects.filter(action="target.added", object_id=str(listed.pk)).exists()


def test_every_change_needs_a_reason(listed, comms):
    with pytest.raises(ValidationError):
        targets.remove_target(listed, by=comms, reason="   ")
    with pytest.raises(ValidationError):
        targets.recategorise_target(listed, "divestment", by=comms, reason="")
    assert listed.changes.count() == 1


def test_removing_keeps_the_target_readable_with_its_history(client, listed, comms):
    targets.recategorise_target(listed, "divestment", by=comms, reason="Funds hold its shares.")
    targets.remove_target(listed, by=comms, reason="It ended the contract.")
    listed.refresh_from_db()
    assert (listed.status, listed.category) == ("removed", "divestment")
    page = client.get("/targets/palantir/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Removed from the list of targets on" in body
    assert "It ended the contract." in body
    assert "Moved from Pressure to Divestment and exclusion" in body
    assert "Its software runs the army" in body
    # Put back on the list: an "added" change again.
    targets.add_target(listed, by=comms, reason="It signed a new contract.")
    assert [c.kind for c in targets.target_history(listed)] == [
        "added", "recategorised", "removed", "added"
    ]  # fmt: skip
    assert (
        "Removed from the list of targets on"
        not in client.get("/targets/palantir/").content.decode()
    )


def test_a_removed_target_takes_no_new_commitments(drive, listed, comms):
    from commitments.forms import CommitmentForm

    targets.remove_target(listed, by=comms, reason="It ended the contract.")
    slugs = [value for value, _label in CommitmentForm(campaign=drive).fields["target"].choices]
    assert "palantir" not in slugs and "meta" in slugs


def test_the_changelog_lists_changes_newest_first_without_staff_names(client, listed, comms):
    targets.remove_target(listed, by=comms, reason="It ended the contract.")
    response = client.get("/targets/changes/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("It ended the contract.") < body.index("Its software runs the army")
    assert "comms" not in body
    assert client.get("/es/targets/changes/").status_code == 200


def test_changes_is_no_target_slug(comms):
    with pytest.raises(ValidationError):
        targets.add_target(Target(name="Changes", slug="changes"), by=comms, reason="A test")


def test_open_data_lists_the_changes_formula_safe(listed, comms):
    targets.remove_target(listed, by=comms, reason='=HYPERLINK("http://evil")')
    files = open_data.build()
    rows = list(csv.DictReader(io.StringIO(files["target_changes_csv"].decode())))
    assert [r["change"] for r in rows if r["target"] == "palantir"] == ["added", "removed"]
    removed = rows[-1]
    assert removed["reason"].startswith("'=")
    assert "changed_by" not in removed
    import json

    document = json.loads(files["json"])
    assert {c["change"] for c in document["target_changes"]} >= {"added", "removed"}


def test_list_changes_are_sent_to_partners(drive, comms, settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner_services.subscribe_webhook(
        partner, url="http://127.0.0.1:9/hook", events=["target.list_changed"]
    )
    target = targets.add_target(Target(name="Palantir", slug="palantir"), by=comms, reason="Why")
    targets.recategorise_target(target, "grassroots", by=comms, reason="Local groups lead it")
    payloads = [d.payload["data"] for d in WebhookDelivery.objects.order_by("pk")]
    assert [(p["change"], p["from_category"], p["category"]) for p in payloads] == [
        ("added", None, "pressure"),
        ("recategorised", "pressure", "grassroots"),
    ]
    assert "comms" not in str(payloads)


# The staff form ------------------------------------------------------------------------------


def test_the_staff_form_needs_a_reason_to_change_the_list(client, comms, listed):
    verified_login(client, comms)
    url = f"{ADMIN}campaigns/target/{listed.pk}/change/"
    form = {
        "name": "Palantir",
        "slug": "palantir",
        "category": "divestment",
        "headquarters_country": "",
        "description": "",
        "products": "",
        "listed": "on",
        "change_reason": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    assert Target.objects.get(pk=listed.pk).category == "pressure"
    response = client.post(url, form | {"change_reason": "Funds hold its shares.", "listed": ""})
    assert response.status_code == 302
    listed.refresh_from_db()
    assert (listed.category, listed.status) == ("divestment", "removed")
    assert [c.kind for c in targets.target_history(listed)] == ["added", "recategorised", "removed"]
    # Editing the description alone changes nothing on the list and needs no reason.
    edit = form | {"category": "divestment", "listed": "", "description": "New text"}
    assert client.post(url, edit).status_code == 302
    assert TargetChange.objects.filter(target=listed).count() == 3
    assert Target.objects.get(pk=listed.pk).description == "New text"


def test_adding_a_target_in_the_staff_area_records_the_addition(client, comms):
    verified_login(client, comms)
    form = {
        "name": "Palantir",
        "slug": "palantir",
        "category": "consumer_boycott",
        "headquarters_country": "US",
        "description": "",
        "products": "",
        "change_reason": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    assert client.post(f"{ADMIN}campaigns/target/add/", form).status_code == 200
    assert not Target.objects.filter(slug="palantir").exists()
    response = client.post(f"{ADMIN}campaigns/target/add/", form | {"change_reason": "Why"})
    assert response.status_code == 302
    (change,) = Target.objects.get(slug="palantir").changes.all()
    assert (change.kind, change.changed_by, change.reason) == ("added", comms, "Why")

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from openpyxl import load_workbook

from lib.mailboxes import email_hash
from pledges import contact, services
from pledges.models import ContactConfirmedPledge, OrgPledge, Signature, UpdateMailing
from tests.conftest import PERSONAS, run_tasks, verified_login
from tests.pledges.conftest import approved_org, org_data, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

Status = ContactConfirmedPledge.Status
QUEUE = "/staff/admin/pledges/orgpledge/"
EXPORT = "/staff/admin/pledges/signature/export/"


def awaiting(campaign, **overrides) -> OrgPledge:
    pledge = services.sign_on(campaign, org_data(**overrides)).pledge
    return contact.confirm_contact(pledge)[0]


QUEUE_STATUS = {"anonymous": 302, "outsider": 302, "comms": 200, "moderator": 200, "finance": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_moderation_queue_access(persona_client, campaign, persona):
    awaiting(campaign)
    assert persona_client(persona).get(QUEUE).status_code == QUEUE_STATUS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_can_approve(persona_client, campaign, persona):
    pledge = awaiting(campaign)
    persona_client(persona).post(QUEUE, {"action": "approve", "_selected_action": [pledge.pk]})
    pledge.refresh_from_db()
    expected = Status.APPROVED if persona == "moderator" else Status.AWAITING_MODERATION
    assert pledge.status == expected


def test_reject_asks_for_a_reason_on_an_intermediate_page(client, campaign, moderator):
    pledge = awaiting(campaign)
    verified_login(client, moderator)
    page = client.post(QUEUE, {"action": "reject", "_selected_action": [pledge.pk]})
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Status.AWAITING_MODERATION

    empty = client.post(
        QUEUE, {"action": "reject", "_selected_action": [pledge.pk], "apply": "1", "reason": ""}
    )
    assert empty.status_code == 400
    done = client.post(
        QUEUE,
        {"action": "reject", "_selected_action": [pledge.pk], "apply": "1", "reason": "Spam."},
    )
    assert done.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.status, pledge.rejection_reason) == (Status.REJECTED, "Spam.")
    run_tasks()
    assert "Spam." in mail.outbox[-1].body


def test_queue_hints_at_duplicate_organisations(client, campaign, moderator):
    awaiting(campaign, name="The Red Comunitaria")
    awaiting(campaign, name="Red Comunitaria Ltd", website="https://other.example")
    verified_login(client, moderator)
    body = client.get(QUEUE).content.decode()
    assert "Red Comunitaria Ltd (other.example)" in body
    assert "The Red Comunitaria (redcomunitaria.example)" in body


def test_moderator_merges_duplicates_from_the_organisation_list(client, campaign, moderator):
    a = awaiting(campaign).organisation
    b = awaiting(campaign, name="Red C.", website="https://other.example").organisation
    verified_login(client, moderator)
    client.post(
        "/staff/admin/pledges/organisation/", {"action": "merge", "_selected_action": [a.pk, b.pk]}
    )
    assert OrgPledge.objects.filter(organisation=a).count() == 1
    assert not type(b).objects.filter(pk=b.pk).exists()


def test_moderator_releases_suspect_signatures(client, campaign, moderator, rate_limits):
    for n in range(4):
        result = sign(campaign, email=f"p{n}@x{n}.example", ip="office")
    verified_login(client, moderator)
    client.post(
        "/staff/admin/pledges/signature/",
        {"action": "release_suspects", "_selected_action": [result.signature.pk]},
    )
    assert Signature.objects.get(pk=result.signature.pk).status == Signature.Status.PENDING


def test_signature_admin_hides_emails_without_the_personal_data_permission(
    client, campaign, moderator
):
    signature = signed_and_confirmed(campaign)
    verified_login(client, moderator)
    body = client.get(f"/staff/admin/pledges/signature/{signature.pk}/change/").content.decode()
    assert "Amina Yusuf" in body
    assert "amina@example.org" not in body


EXPORT_STATUS = {"anonymous": 302, "outsider": 302, "comms": 200, "moderator": 403, "finance": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_access(persona_client, campaign, persona):
    response = persona_client(persona).get(EXPORT, {"what": "signatures", "format": "csv"})
    assert response.status_code == EXPORT_STATUS[persona]


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_respects_consent_and_neutralises_formulas(client, campaign, comms):
    signed_and_confirmed(campaign, name="=HYPERLINK(1)", email="listed@example.org")
    signed_and_confirmed(
        campaign, name="Private Person", email="private@example.org", show_publicly=False
    )
    signed_and_confirmed(campaign, email="tab@example.org", affiliation="-2+3", name="+1")
    verified_login(client, comms)
    response = client.get(EXPORT, {"what": "signatures", "format": "csv", "campaign": campaign.pk})
    assert response.streaming
    rows = read_csv(response)
    assert len(rows) == 3
    assert {r["email"] for r in rows} == {""}
    names = {r["name"] for r in rows}
    assert "'=HYPERLINK(1)" in names
    assert "'+1" in names
    assert "Private Person" not in names
    assert "'-2+3" in {r["affiliation"] for r in rows}


def test_personal_data_permission_adds_emails_and_contacts(client, campaign, comms, moderator):
    signed_and_confirmed(campaign, show_publicly=False)
    approved_org(campaign, moderator=moderator)
    comms.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    verified_login(client, comms)
    rows = read_csv(client.get(EXPORT, {"what": "signatures", "format": "csv"}))
    assert rows[0]["email"] == "amina@example.org"
    assert rows[0]["name"] == "Amina Yusuf"
    rows = read_csv(client.get(EXPORT, {"what": "organisations", "format": "csv"}))
    assert rows[0]["contact_email"] == "luz@redcomunitaria.example"


def test_org_export_without_permission_has_no_contacts(client, campaign, comms, moderator):
    approved_org(campaign, moderator=moderator)
    verified_login(client, comms)
    rows = read_csv(client.get(EXPORT, {"what": "organisations", "format": "csv"}))
    assert rows[0]["organisation"] == "Red Comunitaria"
    assert rows[0]["contact_email"] == rows[0]["contact_name"] == ""


def test_export_filters_by_status_country_and_date(client, campaign, comms):
    signed_and_confirmed(campaign, email="a@example.org", country="BR")
    signed_and_confirmed(campaign, email="b@example.org", country="FR")
    sign(campaign, email="c@example.org", country="BR")
    verified_login(client, comms)
    base = {"what": "signatures", "format": "csv"}
    assert len(read_csv(client.get(EXPORT, {**base, "country": "BR"}))) == 2
    assert len(read_csv(client.get(EXPORT, {**base, "status": "pending"}))) == 1
    assert len(read_csv(client.get(EXPORT, {**base, "until": "2000-01-01"}))) == 0


def test_xlsx_export(client, campaign, comms):
    signed_and_confirmed(campaign, name="@SUM(A1)")
    verified_login(client, comms)
    response = client.get(EXPORT, {"what": "signatures", "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][0] == "id"
    assert rows[1][3] == "'@SUM(A1)"


@pytest.mark.parametrize("query", [{"what": "everything"}, {"since": "yesterday"}])
def test_export_with_bad_parameters_is_400(client, comms, db, query):
    verified_login(client, comms)
    assert client.get(EXPORT, {"format": "csv", "what": "signatures", **query}).status_code == 400


def test_update_email_preview_send_in_batches_and_unsubscribe(client, campaign, comms, settings):
    from pledges import tasks

    tasks.MAILING_BATCH_SIZE = 2
    try:
        for n in range(3):
            signed_and_confirmed(campaign, email=f"fan{n}@example.org", updates_consent=True)
        signed_and_confirmed(campaign, email="quiet@example.org", updates_consent=False)
        sign(campaign, email="pending@example.org", updates_consent=True)
        verified_login(client, comms)
        client.post(
            "/staff/admin/pledges/updatemailing/add/",
            {"campaign": campaign.pk, "subject": "News", "body": "We reached <b>1000</b>!"},
        )
        mailing = UpdateMailing.objects.get()
        change = client.get(f"/staff/admin/pledges/updatemailing/{mailing.pk}/change/")
        assert "We reached &lt;b&gt;1000&lt;/b&gt;!" in change.content.decode()  # the preview
        client.post(
            "/staff/admin/pledges/updatemailing/",
            {"action": "send", "_selected_action": [mailing.pk]},
        )
        mailing.refresh_from_db()
        assert mailing.status == UpdateMailing.Status.SENDING
        mail.outbox.clear()
        run_tasks()
    finally:
        tasks.MAILING_BATCH_SIZE = 200
    mailing.refresh_from_db()
    assert (mailing.status, mailing.total) == (UpdateMailing.Status.SENT, 3)
    sent = [m for m in mail.outbox if m.subject == "News"]
    assert sorted(m.to[0] for m in sent) == [f"fan{n}@example.org" for n in range(3)]
    message = sent[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body
    assert "3 / 3" in client.get("/staff/admin/pledges/updatemailing/").content.decode()

    # One click: the mail provider POSTs without a CSRF token.
    from django.test import Client

    provider = Client(enforce_csrf_checks=True)
    path = unsubscribe.removeprefix("http://testserver")
    assert provider.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    signature = Signature.objects.get(email_hash=email_hash(message.to[0]))
    assert not signature.updates_consent and signature.unsubscribed_at
    assert signature.status == Signature.Status.CONFIRMED  # still counted

    # A second mailing skips the unsubscribed signer.
    second = UpdateMailing.objects.create(campaign=campaign, subject="More", body="…")
    services.start_mailing(second, by=comms)
    assert services.prepare_mailing(second).total == 2


@pytest.mark.parametrize("persona", ["moderator", "finance", "outsider"])
def test_only_communications_sends_update_emails(persona_client, campaign, persona):
    mailing = UpdateMailing.objects.create(campaign=campaign, subject="News", body="Hi")
    persona_client(persona).post(
        "/staff/admin/pledges/updatemailing/", {"action": "send", "_selected_action": [mailing.pk]}
    )
    mailing.refresh_from_db()
    assert mailing.status == UpdateMailing.Status.DRAFT


def test_unsubscribe_link_get_changes_nothing(client, campaign):
    from pledges.tokens import make_token

    signature = signed_and_confirmed(campaign, updates_consent=True)
    response = client.get(f"/unsubscribe/{make_token('unsubscribe', signature.pk)}/")
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.updates_consent
    assert client.post("/unsubscribe/garbage/").status_code == 400


def test_statement_edit_in_the_admin_creates_a_new_version(client, campaign, comms):
    from pledges.models import StatementVersion

    sign(campaign)
    verified_login(client, comms)
    url = f"/staff/admin/campaigns/campaign/{campaign.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "statement": "We refuse, edited.",
            "targets": [],
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "1",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
        }
    )
    translation = campaign.translations.get()
    data.update(
        {
            "translations-0-id": translation.pk,
            "translations-0-campaign": campaign.pk,
            "translations-0-language": translation.language,
            "translations-0-title": translation.title,
            "translations-0-summary": translation.summary,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    versions = StatementVersion.objects.filter(campaign=campaign).order_by("number")
    assert [v.text for v in versions] == ["We **refuse**.", "We refuse, edited."]

"""The pledge form, the contact's private progress page and its magic-link security."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from commitments import services as commitment_services
from commitments.emails import commitment_update_url
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate
from pledges import contact, services, tokens
from pledges.models import Organisation
from tests.commitments.helpers import (
    approved_commitment,
    approved_pledge,
    boycott,
    create_drive,
    divestment,
    in_days,
    pledge,
)
from tests.conftest import run_tasks
from tests.pledges.conftest import last_email_to, link_to

pytestmark = pytest.mark.django_db

Status = Commitment.Status


@pytest.fixture
def drive(db):
    return create_drive()


def form_data(rows: list[dict], **org) -> dict:
    data = {
        "name": "Red Comunitaria",
        "kind": "community_network",
        "country": "MX",
        "website": "https://redcomunitaria.example",
        "contact_name": "Luz Pérez",
        "contact_email": "luz@redcomunitaria.example",
        "contact_language": "es",
        "commitments-TOTAL_FORMS": str(max(len(rows), 3)),
        "commitments-INITIAL_FORMS": "0",
        "commitments-MIN_NUM_FORMS": "1",
        "commitments-MAX_NUM_FORMS": "10",
        **org,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"commitments-{index}-{key}"] = value
    return data


BOYCOTT = {"target": "alphabet", "kind": "boycott", "action": "Leave Google Workspace"}
DIVEST = {
    "target": "all",
    "kind": "divestment",
    "action": "Move the treasury",
    "amount": "1200.50",
    "currency": "eur",
}


def test_campaign_page_calls_organisations_to_pledge_commitments(client, drive):
    body = client.get("/c/bds/").content.decode()
    assert 'href="/c/bds/commitments/pledge/"' in body
    assert 'href="/c/bds/tracker/"' in body


def test_statement_campaign_has_no_commitment_pages(client, campaign):
    assert "/commitments/pledge/" not in client.get("/c/refuse/").content.decode()
    assert client.get("/c/refuse/commitments/pledge/").status_code == 404
    assert client.get("/c/refuse/tracker/").status_code == 404


def test_pledge_form_end_to_end_through_confirmation_and_moderation(client, drive, moderator):
    page = client.get("/c/bds/commitments/pledge/")
    assert page.status_code == 200
    assert "Alphabet (Google)" in page.content.decode()
    response = client.post("/c/bds/commitments/pledge/", form_data([BOYCOTT, DIVEST]))
    assert response.status_code == 302
    assert response["Location"] == "/c/bds/commitments/pledge/check-your-email/"
    pledge_row = CommitmentPledge.objects.get()
    assert pledge_row.commitments.count() == 2
    divest = pledge_row.commitments.get(kind="divestment")
    assert (divest.target, divest.amount_minor, divest.currency) == (None, 120050, "EUR")

    confirm = link_to(last_email_to("luz@redcomunitaria.example"), "/confirm-contact/")
    assert "compromisos" in client.get(confirm).content.decode()  # in the contact's Spanish
    client.post(confirm)
    pledge_row.refresh_from_db()
    assert pledge_row.status == CommitmentPledge.Status.AWAITING_MODERATION
    contact.approve(pledge_row, by=moderator)
    report = link_to(last_email_to("luz@redcomunitaria.example"), "/commitments/report/")
    assert client.get(report).status_code == 200


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({**BOYCOTT, "target": "amazon"}, "Select a valid choice"),
        ({**BOYCOTT, "deadline": str(in_days(-1))}, "cannot be in the past"),
        ({**BOYCOTT, "action": "x" * 1001}, "at most 1000"),
        ({**BOYCOTT, "kind": "other"}, "in your words"),
        ({**BOYCOTT, "amount": "5", "currency": "EUR"}, "Only a divestment"),
        ({**DIVEST, "currency": "€€"}, "three-letter code"),
        ({**DIVEST, "amount": "1.234"}, "Not an amount in this currency"),
        ({**BOYCOTT, "deadline": "31/31/2031"}, "Enter a valid date"),
    ],
)
def test_bad_rows_are_form_errors_and_nothing_is_stored(client, drive, row, error):
    response = client.post("/c/bds/commitments/pledge/", form_data([BOYCOTT, row]))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CommitmentPledge.objects.exists()
    assert not Organisation.objects.exists()
    assert not Commitment.objects.exists()


def test_no_commitment_at_all_is_an_error(client, drive):
    response = client.post("/c/bds/commitments/pledge/", form_data([]))
    assert response.status_code == 400
    assert not CommitmentPledge.objects.exists()


def test_forged_management_form_is_a_400_not_a_500(client, drive):
    data = form_data([BOYCOTT])
    data["commitments-TOTAL_FORMS"] = "nonsense"
    assert client.post("/c/bds/commitments/pledge/", data).status_code == 400
    data["commitments-TOTAL_FORMS"] = "5000"
    assert client.post("/c/bds/commitments/pledge/", data).status_code == 400
    assert not CommitmentPledge.objects.exists()


# The private progress page ---------------------------------------------------------------------


def report_path(pledge_row) -> str:
    return commitment_update_url(pledge_row).removeprefix("http://testserver")


def test_contact_reports_progress_which_waits_for_review(client, drive, moderator):
    approved = approved_pledge(drive, boycott())
    commitment = approved.commitments.get()
    path = report_path(approved)
    page = client.get(path)
    assert page["Cache-Control"] == "no-store"
    assert "noindex" in page.content.decode()
    response = client.post(
        path,
        {
            "commitment": commitment.pk,
            "status": "in_progress",
            "note": "Half of the team moved",
            "evidence_url": "https://redcomunitaria.example/blog/leaving",
        },
    )
    assert response.status_code == 302
    update = CommitmentUpdate.objects.get()
    assert update.review == CommitmentUpdate.Review.PENDING
    body = client.get(path).content.decode()
    assert "Esperando revisión" in body
    # Not public until accepted.
    assert "Half of the team moved" not in client.get("/c/bds/tracker/").content.decode()
    commitment_services.review_commitment_update(update, accept=True, by=moderator)
    org_page = client.get(f"/organisations/{approved.organisation_id}/").content.decode()
    assert "Half of the team moved" in org_page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "in_progress", "evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"status": "in_progress", "evidence_url": "data:text/html,x"}, "evidence_url"),
        ({"status": "in_progress", "note": "x" * 2001}, "note"),
        ({"status": "lapsed"}, "status"),
        ({"status": "pledged-ish"}, "status"),
    ],
)
def test_bad_updates_are_form_errors(client, drive, fields, field):
    approved = approved_pledge(drive, boycott(), contact_language="en")
    commitment = approved.commitments.get()
    response = client.post(report_path(approved), {"commitment": commitment.pk, **fields})
    assert response.status_code == 400
    assert field in response.context["rows"][0][3].errors
    assert not CommitmentUpdate.objects.exists()


def test_a_link_for_one_organisation_cannot_update_another(client, drive):
    a = approved_pledge(drive, boycott())
    b = approved_pledge(drive, boycott(), website="https://other.example", name="Other org")
    response = client.post(
        report_path(a), {"commitment": b.commitments.get().pk, "status": "fulfilled"}
    )
    assert response.status_code == 404
    assert not CommitmentUpdate.objects.exists()
    assert "Other org" not in client.get(report_path(a)).content.decode()


@pytest.mark.parametrize("commitment", ["", "abc", "-1", "99999999999999999999"])
def test_odd_commitment_ids_are_404(client, drive, commitment):
    approved = approved_pledge(drive, boycott())
    response = client.post(report_path(approved), {"commitment": commitment, "status": "fulfilled"})
    assert response.status_code == 404


def test_tampered_and_foreign_tokens_do_not_open_the_page(client, drive):
    approved = approved_pledge(drive, boycott())
    path = report_path(approved)
    assert client.get(path[:-3] + "abc/").status_code == 400
    contact_token = tokens.make_token("contact", f"commitments.commitmentpledge:{approved.pk}")
    assert client.get(f"/commitments/report/{contact_token}/").status_code == 400
    assert client.post(path[:-3] + "abc/", {"status": "fulfilled"}).status_code == 400
    assert not CommitmentUpdate.objects.exists()


def test_expired_link_says_so(client, drive):
    approved = approved_pledge(drive, boycott())
    path = report_path(approved)
    with time_machine.travel(timezone.now() + timedelta(days=61), tick=False):
        response = client.get(path)
    assert response.status_code == 400
    # The link is in the contact's language (Spanish here).
    assert "Este enlace ha caducado" in response.content.decode()


def test_link_of_an_unapproved_or_rejected_pledge_does_not_work(client, drive, moderator):
    result = pledge(drive)
    token = tokens.make_token("commitment-update", result.pledge.pk)
    assert client.get(f"/commitments/report/{token}/").status_code == 404
    confirmed, _ = contact.confirm_contact(result.pledge)
    contact.reject(confirmed, by=moderator, reason="Spam")
    assert client.get(f"/commitments/report/{token}/").status_code == 404


def test_reminder_emails_carry_a_working_link(client, drive):
    approved_commitment(drive, boycott(deadline=in_days(5)))
    commitment_services.send_commitment_reminders()
    path = link_to(last_email_to("luz@redcomunitaria.example"), "/commitments/report/")
    assert client.get(path).status_code == 200


def test_fulfilled_commitment_offers_no_form(client, drive, moderator):
    approved = approved_pledge(drive, boycott(), divestment())
    first = approved.commitments.order_by("pk").first()
    commitment_services.fulfil_commitment(first, by=moderator)
    body = client.get(report_path(approved)).content.decode()
    assert body.count('name="commitment"') == 1
    run_tasks()
    assert all("luz@" not in m.body for m in mail.outbox)


def test_campaign_page_shows_organisations_and_commitments_fulfilled(client, drive, moderator):
    commitment = approved_commitment(drive)
    commitment_services.fulfil_commitment(commitment, by=moderator)
    body = client.get("/c/bds/").content.decode()
    # One of each: the labels agree with the count (not "1 commitments fulfilled").
    assert "<strong>1</strong> commitment fulfilled<" in body
    assert "<strong>1</strong> organisation<" in body


def test_contact_of_a_commitment_pledge_can_see_and_erase_their_data(client, drive):
    approved_commitment(drive, contact_language="en")
    client.post("/my-data/", {"email": "luz@redcomunitaria.example", "language": "en"})
    path = link_to(last_email_to("luz@redcomunitaria.example"), "/my-data/")
    assert "Commitment pledges you are the contact for" in client.get(path).content.decode()
    client.post(path + "erase/")
    row = CommitmentPledge.objects.get()
    assert (row.contact_name, row.contact_email) == ("", "")
    assert row.commitments.count() == 1  # the commitments are the organisation's


def test_merging_organisations_moves_their_commitment_pledges(drive):
    a = approved_pledge(drive, boycott()).organisation
    b = approved_pledge(drive, boycott(), website="https://dup.example", name="Dup").organisation
    services.merge_organisations(a, [b], by=None)
    assert CommitmentPledge.objects.filter(organisation=a).count() == 2
    assert not Organisation.objects.filter(pk=b.pk).exists()


def test_links_emailed_before_commitments_moved_app_still_open(client, drive):
    """Contact and personal-data links name the pledge by model label; links sent while the
    model was `pledges.commitmentpledge` keep working."""
    row = pledge(drive, boycott()).pledge
    confirm = tokens.make_token("contact", f"pledges.commitmentpledge:{row.pk}")
    assert client.get(f"/confirm-contact/{confirm}/").status_code == 200
    client.post(f"/confirm-contact/{confirm}/")
    row.refresh_from_db()
    assert row.status == CommitmentPledge.Status.AWAITING_MODERATION
    my_data = tokens.make_token("my-data", f"pledges.commitmentpledge:{row.pk}")
    page = client.get(f"/my-data/{my_data}/")
    assert page.status_code == 200
    assert "Commitment pledges you are the contact for" in page.content.decode()


def test_the_contacts_report_page_speaks_their_language_without_its_prefix(client, db):
    spanish = create_drive("bds-es", translations={"es": {"title": "Campaña BDS"}})
    approved = approved_pledge(spanish, boycott(), contact_language="es")
    path = report_path(approved)
    assert path.startswith("/es/commitments/report/")  # as the emails link it
    response = client.get(path.removeprefix("/es"))
    body = response.content.decode()
    assert '<html lang="es"' in body and response["Content-Language"] == "es"
    assert "<h1>Informar de los avances</h1>" in body
    assert '<bdi lang="es">Campaña BDS</bdi>' in body and "Campaign bds-es" not in body
    # A report with errors comes back in Spanish too, Django's own messages included.
    commitment = approved.commitments.get()
    refused = client.post(
        path.removeprefix("/es"), {"commitment": commitment.pk, "status": "pledged-ish"}
    )
    assert refused.status_code == 400
    assert '<html lang="es"' in refused.content.decode()
    assert "Escoja una opción válida" in refused.content.decode()
    # And so does the thank-you once it is sent.
    sent = client.post(
        path.removeprefix("/es"),
        {"commitment": commitment.pk, "status": "in_progress", "note": "Empezamos"},
        follow=True,
    )
    assert "Gracias. Nuestro equipo de moderación revisará" in sent.content.decode()

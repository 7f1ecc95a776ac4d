"""The lean sign path: an anonymous POST signs against the cached signing snapshot
(pledges/snapshots.py) in four statements, and a campaign change ends the snapshot at once."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client as Visitor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import pages
from campaigns import services as campaign_services
from campaigns.models import Campaign
from lib.mailboxes import email_hash
from pledges import snapshots
from pledges.models import PledgeEmail, RateCount, Signature, StatementVersion, Submission
from tests.conftest import create_campaign, take_signatures, verified_login
from tests.pledges.conftest import last_email_to, signed_and_confirmed

FORM = {
    "name": "Amina Yusuf",
    "email": "amina@example.org",
    "country": "KE",
    "affiliation": "",
    "language": "en",
    "show_publicly": "on",
}
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
# Transaction control that Django logs among the queries: not statements of ours.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def submit(client, slug="refuse", **overrides):
    """POST the sign form, and no more: the submission waits for the intake job."""
    return client.post(f"/c/{slug}/sign/", {**FORM, **overrides}, **SAME_ORIGIN)


def post_sign(client, slug="refuse", **overrides):
    """POST the sign form, then let the intake job take it, as it does within a second."""
    response = client.post(f"/c/{slug}/sign/", {**FORM, **overrides}, **SAME_ORIGIN)
    take_signatures()
    return response


def statements(captured) -> list[str]:
    return [q["sql"] for q in captured if not q["sql"].startswith(TRANSACTION_CONTROL)]


def tables_written(sql: list[str]) -> list[str]:
    """The table each statement inserts into (its first words otherwise)."""
    written = []
    for statement in sql:
        words = statement.split()
        written.append(
            words[words.index("INTO") + 1].strip('"') if "INTO" in words else statement[:40]
        )
    return written


def emails_for(signature: Signature, kind: str = "signature-confirm"):
    return PledgeEmail.objects.filter(object_id=signature.pk, kind=kind)


# Four statements ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sign_request_is_one_insert_with_a_warm_snapshot(client, django_assert_max_num_queries):
    """In autocommit, as a request runs: one INSERT of the submission. The intake job then
    signs it: the rate-limit upsert, the signature, its email and the email's task."""
    create_campaign("refuse")
    assert post_sign(client, email="warm@example.org").status_code == 302  # warms the snapshot

    with django_assert_max_num_queries(1) as captured:
        response = submit(client)

    assert response.status_code == 302
    assert response["Location"] == "/c/refuse/sign/check-your-email/"
    sql = statements(captured.captured_queries)
    assert tables_written(sql) == [Submission._meta.db_table]
    assert not Signature.objects.filter(email_hash=email_hash("amina@example.org")).exists()

    with CaptureQueriesContext(connection) as job:
        take_signatures()
    inserts = [sql for sql in statements(job.captured_queries) if sql.startswith("INSERT")]
    assert tables_written(inserts) == [
        RateCount._meta.db_table,
        Signature._meta.db_table,
        PledgeEmail._meta.db_table,
        DBTaskResult._meta.db_table,
    ]
    signature = Signature.objects.get(email_hash=email_hash("amina@example.org"))
    assert signature.status == Signature.Status.PENDING
    assert signature.statement_version == StatementVersion.objects.get()
    (email,) = emails_for(signature)
    assert DBTaskResult.objects.filter(args_kwargs__args=[email.pk]).exists()
    assert not Submission.objects.exists()  # taken in the transaction that signed it


@pytest.mark.django_db
def test_a_cold_snapshot_reads_the_campaign_and_version_once_then_keeps_them(
    client, django_assert_max_num_queries
):
    create_campaign("refuse")
    post_sign(client, email="first@example.org")  # content types and the first version
    cache.delete(snapshots._key("refuse"))
    with django_assert_max_num_queries(1 + 2) as cold:
        submit(client, email="second@example.org")
    with django_assert_max_num_queries(1) as warm:
        submit(client, email="third@example.org")
    assert len(cold.captured_queries) == len(warm.captured_queries) + 2
    take_signatures()
    assert Signature.objects.count() == 3


@pytest.mark.django_db
def test_a_repeat_signing_is_answered_as_before_through_the_snapshot(client, campaign):
    first, second = post_sign(client), post_sign(client, email=" AMINA@example.org")
    assert first["Location"] == second["Location"] == "/c/refuse/sign/check-your-email/"
    (signature,) = Signature.objects.all()
    assert emails_for(signature).count() == 2  # the link again
    signed_and_confirmed(campaign, email="kofi@example.org")
    assert post_sign(client, email="kofi@example.org").status_code == 302
    assert "/confirm/" not in last_email_to("kofi@example.org").body  # "you already signed"
    assert Signature.objects.count() == 2


@pytest.mark.django_db
def test_over_the_limit_is_stored_as_suspect_without_an_email(client, campaign, rate_limits):
    for n in range(3):
        post_sign(client, email=f"p{n}@p{n}.example")
    response = post_sign(client, email="p9@p9.example")  # the 4th from the test client's IP
    assert response["Location"] == "/c/refuse/sign/check-your-email/"
    suspect = Signature.objects.get(email_hash=email_hash("p9@p9.example"))
    assert suspect.status == Signature.Status.SUSPECT
    assert not PledgeEmail.objects.filter(object_id=suspect.pk).exists()
    assert PledgeEmail.objects.count() == 3


@pytest.mark.django_db
def test_signatures_moving_the_figures_leave_the_snapshot_warm(
    client, campaign, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Every signature moves the public pages' stamp (its counters changed), not the
    campaigns' one: the next signer still signs without reading the campaign."""
    with django_capture_on_commit_callbacks(execute=True):
        post_sign(client, email="first@example.org")
    assert cache.get(pages.CHANGED_KEY) is not None
    assert cache.get(pages.CAMPAIGN_CHANGED_KEY) is None
    with django_assert_max_num_queries(1) as captured:
        assert submit(client).status_code == 302
    assert tables_written(statements(captured.captured_queries)) == [Submission._meta.db_table]


# A campaign change ends the snapshot at once -----------------------------------------------


@pytest.mark.django_db
def test_a_closed_campaign_refuses_the_next_post(
    client, campaign, django_capture_on_commit_callbacks
):
    assert post_sign(client, email="before@example.org").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.close(campaign, by=None)
    response = post_sign(client)
    assert response.status_code == 400
    assert "not taking signatures" in response.content.decode()
    assert not Signature.objects.filter(email_hash=email_hash("amina@example.org")).exists()


@pytest.mark.django_db
def test_a_scheduled_campaign_back_to_draft_is_404_at_once(
    client, db, django_capture_on_commit_callbacks
):
    launch = timezone.now() + timedelta(hours=1)
    campaign = create_campaign("refuse", live=False)
    campaign = campaign_services.schedule(campaign, launch_at=launch, by=None)
    with time_machine.travel(launch + timedelta(minutes=1)):
        # Public from its launch time, before the scheduler command has run.
        assert post_sign(client, email="before@example.org").status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            campaign_services.unpublish_to_draft(campaign, by=None)
        assert post_sign(client).status_code == 404
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_campaign_past_its_close_time_refuses_whatever_the_snapshot_says(client, db):
    closes = timezone.now() + timedelta(hours=1)
    create_campaign("refuse", close_at=closes)
    assert post_sign(client, email="before@example.org").status_code == 302
    with time_machine.travel(closes + timedelta(minutes=1)):
        response = post_sign(client)
    assert response.status_code == 400
    assert "not taking signatures" in response.content.decode()
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_statement_edit_gives_the_next_signature_the_new_version(
    client, campaign, django_capture_on_commit_callbacks
):
    post_sign(client, email="before@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        Campaign.objects.filter(pk=campaign.pk).update(statement="We refuse, again.")
        campaign.refresh_from_db()
        campaign_services.statement_edited(campaign)
    post_sign(client)
    signature = Signature.objects.get(email_hash=email_hash("amina@example.org"))
    assert signature.statement_version.number == 2
    assert signature.statement_version.text == "We refuse, again."


@pytest.mark.django_db
def test_a_campaign_closed_by_an_admin_edit_refuses_the_next_post(
    client, campaign, comms, django_capture_on_commit_callbacks
):
    assert post_sign(client, email="before@example.org").status_code == 302
    staff = verified_login(Visitor(), comms)
    past = timezone.localtime(timezone.now() - timedelta(hours=1))
    form = {
        "title": campaign.title,
        "slug": campaign.slug,
        "kind": campaign.kind,
        "default_language": campaign.default_language,
        "summary": campaign.summary,
        "statement": campaign.statement,
        "signature_goal": "1000",
        "organisation_goal": "50",
        "close_at_0": past.strftime("%Y-%m-%d"),
        "close_at_1": past.strftime("%H:%M:%S"),
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff.post(f"/staff/admin/campaigns/campaign/{campaign.pk}/change/", form)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    campaign.refresh_from_db()
    assert campaign.close_at is not None
    assert post_sign(client).status_code == 400
    assert not Signature.objects.filter(email_hash=email_hash("amina@example.org")).exists()


# Who uses the snapshot, and without a cache ---------------------------------------------------


@pytest.mark.django_db
def test_anonymous_posts_to_a_draft_are_404_and_store_no_snapshot_or_version(client, db):
    create_campaign("draft", live=False)
    assert post_sign(client, slug="draft").status_code == 404
    assert cache.get(snapshots._key("draft")) is None
    assert not StatementVersion.objects.exists()


@pytest.mark.django_db
def test_staff_with_a_session_go_the_full_way(client, comms, db):
    create_campaign("draft", live=False)
    verified_login(client, comms)
    response = post_sign(client, slug="draft")  # a preview: the form, with its error
    assert response.status_code == 400
    assert "not taking signatures" in response.content.decode()


@pytest.mark.django_db
def test_an_invalid_form_is_sent_back_with_its_errors(client, campaign):
    post_sign(client, email="warm@example.org")
    response = post_sign(client, email="not an address")
    assert response.status_code == 400
    body = response.content.decode()
    assert campaign.title in body and 'name="email"' in body and "errorlist" in body
    assert Signature.objects.count() == 1


DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens there


@pytest.mark.django_db
def test_signing_reads_the_campaign_from_the_database_while_the_cache_is_down(
    client, campaign, settings
):
    settings.CACHES = {
        "default": {"BACKEND": "lib.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}
    }
    assert cache.ping() is not None  # really unreachable
    for email in ("one@example.org", "two@example.org"):
        assert post_sign(client, email=email)["Location"] == "/c/refuse/sign/check-your-email/"
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 2
    assert PledgeEmail.objects.filter(kind="signature-confirm").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads race only on PostgreSQL")
def test_racing_posts_of_one_address_leave_one_signature(settings):
    from tests.pledges.test_concurrency import run_together

    settings.PLEDGE_RATE_LIMITS = {"email": (100, 3600), "ip": (100, 3600)}
    create_campaign("race")
    Visitor().post("/c/race/sign/", {**FORM, "email": "warm@example.org"}, **SAME_ORIGIN)

    def post():
        return Visitor().post("/c/race/sign/", FORM, **SAME_ORIGIN).status_code

    assert run_together(8, post) == [302] * 8
    take_signatures()
    (signature,) = Signature.objects.filter(email_hash=email_hash("amina@example.org"))
    assert emails_for(signature).count() == 8  # the link, then the link again

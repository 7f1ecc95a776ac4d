"""The staff home, the queues and their counts: what each role sees, oldest first, the
service-level marks, waiting/decided, pages, and the number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from pledges import contact
from pledges.models import OrgPledge
from tests.conftest import verified_login
from tests.workspace.conftest import (
    WORKSPACE,
    item_url,
    queue_url,
    waiting_sign_on,
)
from workspace import moderation

pytestmark = pytest.mark.django_db

QUEUES = [
    "sign-ons", "commitment-pledges", "commitment-updates", "suspect-signatures", "target-replies"
]  # fmt: skip


def sign_ons_waiting_since(statement, *days_ago: int) -> list[OrgPledge]:
    """Sign-ons confirmed by their contacts `days_ago` days before now, one each."""
    pledges = []
    for n, days in enumerate(days_ago):
        with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
            pledges.append(
                waiting_sign_on(
                    statement,
                    name=f"Collective {n}",
                    website=f"https://collective{n}.example/",
                    contact_email=f"c@collective{n}.example",
                )
            )
    return pledges


def test_the_staff_home_shows_every_queue_with_its_counts_to_moderators(
    moderator_client, everything_waits
):
    response = moderator_client.get(WORKSPACE)
    assert response.status_code == 200
    body = response.content.decode()
    for slug in QUEUES:
        assert queue_url(slug) in body
    assert "5 waiting" in body  # in the menu and on the page: one of each kind
    assert "Organisational sign-ons" in body and "Suspect signatures" in body


@pytest.mark.parametrize("persona", ["comms", "finance"])
def test_other_staff_see_the_home_without_moderation(persona_client, everything_waits, persona):
    response = persona_client(persona).get(WORKSPACE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "waiting" not in body
    assert queue_url("sign-ons") not in body


def test_the_counts_say_how_many_wait_and_how_many_are_overdue(moderator_client, statement):
    sign_ons_waiting_since(statement, 20, 15, 12, 1)
    counts = moderation.counts(fresh=True)["sign-ons"]
    assert (counts.waiting, counts.overdue, counts.nearly_overdue) == (4, 2, 1)
    body = moderator_client.get(WORKSPACE).content.decode()
    assert "4 waiting" in body
    assert "2 overdue" in body
    assert "1 nearly overdue" in body


def test_the_service_level_follows_the_settings(settings, statement):
    settings.MODERATION_OVERDUE_DAYS = 3
    settings.MODERATION_NEARLY_OVERDUE_DAYS = 2
    sign_ons_waiting_since(statement, 4, 2, 1)
    counts = moderation.counts(fresh=True)["sign-ons"]
    assert (counts.waiting, counts.overdue, counts.nearly_overdue) == (3, 1, 1)


def test_every_queue_is_counted_in_one_query(django_assert_num_queries, everything_waits):
    with django_assert_num_queries(1):
        counts = moderation.counts(fresh=True)
    assert {slug: c.waiting for slug, c in counts.items()} == dict.fromkeys(QUEUES, 1)


def test_counts_are_cached_briefly_and_dropped_after_a_decision(
    moderator_client, statement, moderator, django_capture_on_commit_callbacks
):
    first, second = sign_ons_waiting_since(statement, 2, 1)
    assert moderation.counts()["sign-ons"].waiting == 2
    contact.approve(first, by=moderator)  # outside the workspace: the cache may lag a little
    assert moderation.counts()["sign-ons"].waiting == 2
    cache.delete(moderation.COUNTS_CACHE_KEY)
    assert moderation.counts()["sign-ons"].waiting == 1
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            item_url("sign-ons", second.pk) + "decide/", {"decision": "approve", "then": "stay"}
        )
    assert moderation.counts()["sign-ons"].waiting == 0


def test_a_queue_opens_on_what_waits_oldest_first_with_marks(moderator_client, statement):
    overdue, fresh, nearly = sign_ons_waiting_since(statement, 15, 1, 12)
    response = moderator_client.get(queue_url("sign-ons"))
    assert response.status_code == 200
    body = response.content.decode()
    positions = [body.index(item_url("sign-ons", p.pk)) for p in (overdue, nearly, fresh)]
    assert positions == sorted(positions)
    rows = body[body.index('<ol class="queue-items">') :]
    assert rows.count('<span class="mark overdue" dir="auto">overdue</span>') == 1
    assert rows.count('<span class="mark nearly-overdue" dir="auto">nearly overdue</span>') == 1
    assert "waiting 2\xa0weeks, 1\xa0day" in rows


def test_the_decided_filter_lists_decisions_with_who_and_when(
    moderator_client, statement, moderator
):
    decided, waiting = sign_ons_waiting_since(statement, 3, 2)
    contact.reject(decided, by=moderator, reason="Not an organisation")
    body = moderator_client.get(queue_url("sign-ons", "decided")).content.decode()
    assert item_url("sign-ons", decided.pk) in body
    assert item_url("sign-ons", waiting.pk) not in body
    assert "Rejected by moderator" in body
    waiting_body = moderator_client.get(queue_url("sign-ons", "waiting")).content.decode()
    assert item_url("sign-ons", waiting.pk) in waiting_body
    assert item_url("sign-ons", decided.pk) not in waiting_body


def test_a_bad_filter_falls_back_to_waiting(moderator_client, statement):
    (pledge,) = sign_ons_waiting_since(statement, 1)
    response = moderator_client.get(queue_url("sign-ons") + "?state=<script>&page=x")
    assert response.status_code == 200
    assert item_url("sign-ons", pledge.pk) in response.content.decode()


def test_long_queues_are_paginated(moderator_client, statement, monkeypatch):
    from workspace import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    pledges = sign_ons_waiting_since(statement, 5, 4, 3)
    first = moderator_client.get(queue_url("sign-ons")).content.decode()
    assert "Page 1 of 2" in first
    assert item_url("sign-ons", pledges[2].pk) not in first
    second = moderator_client.get(queue_url("sign-ons") + "?page=2").content.decode()
    assert item_url("sign-ons", pledges[2].pk) in second
    assert item_url("sign-ons", pledges[0].pk) not in second


@pytest.mark.parametrize("slug", QUEUES)
def test_queue_pages_take_a_fixed_number_of_queries(
    client, moderator, everything_waits, statement, drive, slug, django_assert_max_num_queries
):
    """Ten more waiting items cost no more queries than one (no query per row)."""
    from tests.workspace.conftest import (
        suspect_signature,
        waiting_commitment_pledge,
        waiting_reply,
        waiting_update,
    )

    makers = {
        "sign-ons": lambda n: waiting_sign_on(
            statement, website=f"https://more{n}.example/", contact_email=f"c@more{n}.example"
        ),
        "commitment-pledges": lambda n: waiting_commitment_pledge(
            drive, website=f"https://more{n}.example/", contact_email=f"c@more{n}.example"
        ),
        "commitment-updates": lambda n: waiting_update(
            drive, website=f"https://upd{n}.example/", contact_email=f"c@upd{n}.example"
        ),
        "suspect-signatures": lambda n: suspect_signature(statement, email=f"s{n}@example.org"),
        "target-replies": lambda n: waiting_reply(),
    }
    for n in range(10):
        makers[slug](n)
    verified_login(client, moderator)
    client.get(WORKSPACE)  # the session, once
    with django_assert_max_num_queries(9):
        response = client.get(queue_url(slug))
    assert response.status_code == 200
    assert response.content.decode().count('<li class="queue-item') == 11
    with django_assert_max_num_queries(9):
        assert client.get(queue_url(slug, "decided")).status_code == 200


def test_the_staff_home_takes_a_fixed_number_of_queries(
    moderator_client, everything_waits, django_assert_max_num_queries
):
    moderator_client.get(WORKSPACE)
    cache.delete(moderation.COUNTS_CACHE_KEY)
    # The session, the user and device, permissions (2), every queue's counts (1), and the
    # live campaigns of the dashboard links (1).
    with django_assert_max_num_queries(7):
        assert moderator_client.get(WORKSPACE).status_code == 200


def test_the_admin_index_and_menu_show_the_counts(moderator_client, everything_waits):
    from django.conf import settings

    body = moderator_client.get(f"/{settings.ADMIN_PATH}").content.decode()
    assert "Waiting for moderation" in body
    assert queue_url("sign-ons") in body
    assert 'class="staff-menu"' in body and "5 waiting" in body


def test_the_admin_shows_no_counts_to_staff_who_do_not_moderate(persona_client, everything_waits):
    from django.conf import settings

    body = persona_client("comms").get(f"/{settings.ADMIN_PATH}").content.decode()
    assert 'class="staff-menu"' in body  # the staff home link
    assert "waiting" not in body


def test_an_unknown_queue_is_not_found(moderator_client):
    assert moderator_client.get(queue_url("nope")).status_code == 404


def test_start_with_the_oldest_opens_the_oldest_waiting_item(moderator_client, statement):
    older, _newer = sign_ons_waiting_since(statement, 3, 1)
    response = moderator_client.get(f"{WORKSPACE}moderation/sign-ons/next/")
    assert response.status_code == 302
    assert response["Location"] == item_url("sign-ons", older.pk)


def test_start_on_an_empty_queue_lands_on_the_queue(moderator_client, statement):
    response = moderator_client.get(f"{WORKSPACE}moderation/sign-ons/next/", follow=True)
    assert response.redirect_chain[-1][0] == queue_url("sign-ons")
    assert "Nothing waits in this queue." in response.content.decode()

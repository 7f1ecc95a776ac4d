"""The evidence migration on PostgreSQL with data in it, both ways: update links become
evidence items and back, reminder stamps become reminder rows and back, lapsed commitments
get their lapse date, and commitments with accepted evidence their grade."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from commitments import services as commitment_services
from commitments.models import Commitment, CommitmentUpdate, DeadlineReminder, Evidence
from tests.commitments.helpers import (
    approved_commitment,
    boycott,
    contact_update,
    create_drive,
    in_days,
    moderator_update,
)

BEFORE = [("commitments", "0006_encrypt_existing_contacts")]
WITH_LINKS = [("commitments", "0007_grades_evidence_reminders")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _column(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test names
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_update_links_become_evidence_items_and_back(settings):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    drive = create_drive()
    shown = approved_commitment(drive)
    accepted = moderator_update(shown, "in_progress", evidence_url="https://org.example/minutes")
    pending = contact_update(shown, "in_progress", evidence_url="https://org.example/draft")
    reminded = approved_commitment(drive, boycott(deadline=in_days(5)), website="https://b.example")
    commitment_services.send_commitment_reminders()
    late = approved_commitment(drive, boycott(deadline=in_days(1)), website="https://c.example")
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        commitment_services.lapse_overdue_commitments()
    late.refresh_from_db()
    lapsed_at = late.lapsed_at
    assert Evidence.objects.count() == 2

    _migrate(WITH_LINKS)  # back: the links are on the updates again
    table = CommitmentUpdate._meta.db_table
    assert _column(table, "evidence_url", accepted.pk) == "https://org.example/minutes"
    assert _column(table, "evidence_url", pending.pk) == "https://org.example/draft"
    assert _column(Commitment._meta.db_table, "reminder_sent_at", reminded.pk) is not None

    _migrate(BEFORE)  # the old layout: no evidence table, no grade
    assert _column(table, "evidence_url", accepted.pk) == "https://org.example/minutes"

    _migrate("head")
    items = {e.update_id: e for e in Evidence.objects.all()}
    assert set(items) == {accepted.pk, pending.pk}
    assert items[accepted.pk].url == "https://org.example/minutes"
    assert items[accepted.pk].captured_on == timezone.localdate(accepted.created_at)
    shown.refresh_from_db()
    assert shown.grade == Commitment.Grade.EVIDENCE_ATTACHED  # the accepted link is public
    assert Commitment.objects.get(pk=reminded.pk).grade == Commitment.Grade.SELF_REPORTED
    assert list(
        DeadlineReminder.objects.filter(commitment=reminded).values_list("stage", flat=True)
    ) == ["30"]
    late.refresh_from_db()
    assert late.lapsed_at == late.status_changed_at == lapsed_at
    # Forward twice (back to 0007 and on again) makes no second copy of anything.
    _migrate(WITH_LINKS)
    _migrate("head")
    assert Evidence.objects.count() == 2
    assert DeadlineReminder.objects.filter(commitment=reminded).count() == 1

"""Each update's evidence link becomes an evidence item (captured the day it was posted);
commitments with accepted evidence are graded "evidence attached"; lapsed commitments get
their lapse date; the two reminder stamps become reminder rows. Reversible: going back
writes the first link of each update into its `evidence_url` again, and the stamps back."""

from django.db import migrations

BATCH = 2000


def links_to_evidence(apps, schema_editor):
    CommitmentUpdate = apps.get_model("commitments", "CommitmentUpdate")
    Evidence = apps.get_model("commitments", "Evidence")
    Commitment = apps.get_model("commitments", "Commitment")
    DeadlineReminder = apps.get_model("commitments", "DeadlineReminder")
    # Updates that already have items (migrated back to 0007 and forward again) keep theirs.
    updates = (
        CommitmentUpdate.objects.exclude(evidence_url="")
        .filter(evidence__isnull=True)
        .order_by("pk")
        .values_list("pk", "evidence_url", "created_at")
    )
    batch = []
    for pk, url, created_at in updates.iterator(chunk_size=BATCH):
        batch.append(
            Evidence(update_id=pk, url=url, captured_on=created_at.date(), created_at=created_at)
        )
        if len(batch) == BATCH:
            Evidence.objects.bulk_create(batch)
            batch = []
    Evidence.objects.bulk_create(batch)
    with_evidence = CommitmentUpdate.objects.filter(
        review="accepted", evidence__isnull=False
    ).values("commitment_id")
    Commitment.objects.filter(pk__in=with_evidence, grade="self_reported").update(
        grade="evidence_attached"
    )
    for pk, changed_at in (
        Commitment.objects.filter(status="lapsed", lapsed_at__isnull=True)
        .values_list("pk", "status_changed_at")
        .iterator(chunk_size=BATCH)
    ):
        Commitment.objects.filter(pk=pk).update(lapsed_at=changed_at)
    reminders = []
    stamps = Commitment.objects.exclude(reminder_sent_at=None, followup_sent_at=None)
    for pk, reminded, followed in stamps.values_list(
        "pk", "reminder_sent_at", "followup_sent_at"
    ).iterator(chunk_size=BATCH):
        # The old reminder went 14 days ahead: inside the 30-day stage, before the 7-day one.
        if reminded:
            reminders.append(DeadlineReminder(commitment_id=pk, stage="30", sent_at=reminded))
        if followed:
            reminders.append(DeadlineReminder(commitment_id=pk, stage="after", sent_at=followed))
    DeadlineReminder.objects.bulk_create(reminders, batch_size=BATCH, ignore_conflicts=True)


def evidence_to_links(apps, schema_editor):
    CommitmentUpdate = apps.get_model("commitments", "CommitmentUpdate")
    Evidence = apps.get_model("commitments", "Evidence")
    Commitment = apps.get_model("commitments", "Commitment")
    DeadlineReminder = apps.get_model("commitments", "DeadlineReminder")
    first_links = {}
    for update_id, url in (
        Evidence.objects.exclude(url="").order_by("update_id", "pk").values_list("update_id", "url")
    ):
        first_links.setdefault(update_id, url)
    for update_id, url in first_links.items():
        CommitmentUpdate.objects.filter(pk=update_id).update(evidence_url=url)
    for reminder in DeadlineReminder.objects.filter(stage__in=["60", "30", "7", "after"]).order_by(
        "sent_at"
    ):
        field = "followup_sent_at" if reminder.stage == "after" else "reminder_sent_at"
        Commitment.objects.filter(pk=reminder.commitment_id, **{f"{field}__isnull": True}).update(
            **{field: reminder.sent_at}
        )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0007_grades_evidence_reminders")]

    operations = [migrations.RunPython(links_to_evidence, evidence_to_links)]

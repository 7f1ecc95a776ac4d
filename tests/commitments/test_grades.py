"""Verification grades: moderators set them, evidence moves them, every listing shows them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commitments import services as commitment_services
from commitments import tracker
from commitments.models import Commitment
from staff.models import AuditEvent
from tests.commitments.helpers import (
    approved_commitment,
    contact_update,
    create_drive,
    moderator_update,
)
from tests.conftest import PERSONAS, verified_login

pytestmark = pytest.mark.django_db

Grade = Commitment.Grade
Status = Commitment.Status
COMMITMENTS = "/staff/admin/commitments/commitment/"


@pytest.fixture
def drive(db):
    return create_drive()


def test_a_moderator_verifies_a_commitment_and_it_is_audited(drive, moderator):
    commitment = approved_commitment(drive)
    assert commitment.grade == Grade.SELF_REPORTED
    graded = commitment_services.set_commitment_grade(
        commitment, Grade.VERIFIED, by=moderator, note="Saw the signed contract."
    )
    assert (graded.grade, graded.graded_by) == (Grade.VERIFIED, moderator)
    assert graded.grade_changed_at is not None
    event = AuditEvent.objects.get(action="commitment.grade")
    assert event.details["from"] == "self_reported" and event.details["to"] == "verified"


@pytest.mark.parametrize("persona", ["comms", "finance", "outsider"])
def test_roles_that_may_not_grade_are_refused(drive, request, persona):
    commitment = approved_commitment(drive)
    with pytest.raises(PermissionDenied):
        commitment_services.set_commitment_grade(
            commitment, Grade.VERIFIED, by=request.getfixturevalue(persona)
        )
    with pytest.raises(PermissionDenied):
        commitment_services.set_commitment_grade(commitment, Grade.VERIFIED, by=None)
    commitment.refresh_from_db()
    assert commitment.grade == Grade.SELF_REPORTED


def test_an_unknown_grade_or_evidence_attached_without_evidence_is_a_form_error(drive, moderator):
    commitment = approved_commitment(drive)
    with pytest.raises(ValidationError) as exc:
        commitment_services.set_commitment_grade(commitment, "trusted", by=moderator)
    assert "grade" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        commitment_services.set_commitment_grade(commitment, Grade.EVIDENCE_ATTACHED, by=moderator)
    assert "grade" in exc.value.message_dict


def test_public_evidence_moves_self_reported_to_evidence_attached(drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(
        commitment, Status.IN_PROGRESS, evidence_url="https://org.example/minutes"
    )
    commitment.refresh_from_db()
    assert commitment.grade == Grade.SELF_REPORTED  # not before a moderator accepts it
    commitment_services.review_commitment_update(update, accept=True, by=moderator)
    commitment.refresh_from_db()
    assert commitment.grade == Grade.EVIDENCE_ATTACHED
    assert commitment.graded_by is None  # moved by the evidence, not by a person


def test_rejected_evidence_moves_nothing_and_verified_never_comes_by_itself(drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, Status.IN_PROGRESS, evidence_url="https://org.example/x")
    commitment_services.review_commitment_update(update, accept=False, by=moderator, reason="No")
    commitment.refresh_from_db()
    assert commitment.grade == Grade.SELF_REPORTED
    moderator_update(commitment, Status.IN_PROGRESS, by=moderator, evidence_url="https://a.example")
    commitment.refresh_from_db()
    assert commitment.grade == Grade.EVIDENCE_ATTACHED
    commitment_services.set_commitment_grade(commitment, Grade.VERIFIED, by=moderator)
    moderator_update(commitment, Status.FULFILLED, by=moderator, evidence_url="https://b.example")
    commitment.refresh_from_db()
    assert commitment.grade == Grade.VERIFIED  # evidence never moves a grade down


def test_the_tracker_filters_and_counts_by_grade(drive, moderator):
    verified = approved_commitment(drive)
    approved_commitment(drive, website="https://other.example")
    commitment_services.set_commitment_grade(verified, Grade.VERIFIED, by=moderator)
    filters = tracker.CommitmentFilters(grade=Grade.VERIFIED)
    assert list(tracker.filter_commitments(drive, filters)) == [verified]
    totals = tracker.commitment_totals(drive)
    assert {t.key: t.count for t in totals.by_grade} == {
        "self_reported": 1,
        "evidence_attached": 0,
        "verified": 1,
    }


def test_every_public_listing_shows_the_grade(client, drive, moderator):
    commitment = approved_commitment(drive)
    commitment_services.set_commitment_grade(commitment, Grade.VERIFIED, by=moderator)
    organisation = commitment.pledge.organisation
    for url in ("/c/bds/tracker/", "/targets/alphabet/", f"/organisations/{organisation.pk}/"):
        assert "Verified by the coalition" in client.get(url).content.decode(), url
    row = client.get("/api/v1/campaigns/bds/commitments/").json()["results"][0]
    assert row["grade"] == "verified"
    assert client.get("/api/v1/campaigns/bds/commitments/?grade=verified").json()["count"] == 1
    assert client.get("/api/v1/campaigns/bds/commitments/?grade=nope").status_code == 400


GRADE_STATUS = {"anonymous": 302, "outsider": 302, "comms": 403, "moderator": 302, "finance": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_grade_action_is_for_moderators_only(persona_client, drive, persona):
    commitment = approved_commitment(drive)
    response = persona_client(persona).post(
        COMMITMENTS,
        {
            "action": "set_grade",
            "_selected_action": [commitment.pk],
            "apply": "1",
            "grade": "verified",
        },
    )
    commitment.refresh_from_db()
    if persona == "moderator":
        assert commitment.grade == Grade.VERIFIED
    else:
        assert commitment.grade == Grade.SELF_REPORTED
        assert response.status_code in (302, 403, 200)


def test_the_admin_grade_action_refuses_evidence_attached_without_evidence(
    client, drive, moderator
):
    commitment = approved_commitment(drive)
    verified_login(client, moderator)
    client.post(
        COMMITMENTS,
        {
            "action": "set_grade",
            "_selected_action": [commitment.pk],
            "apply": "1",
            "grade": "evidence_attached",
        },
    )
    commitment.refresh_from_db()
    assert commitment.grade == Grade.SELF_REPORTED

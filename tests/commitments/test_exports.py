"""The staff export and the open data carry the grade, the lapse date and the evidence,
formula-safe."""

import csv
import hashlib
import io

import pytest

from commitments import services as commitment_services
from commitments.models import Commitment
from commitments.services import EvidenceData, UpdateData
from tests.commitments.helpers import approved_commitment, boycott, contact_update, create_drive
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

EXPORT = "/staff/admin/pledges/signature/export/"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def graded(db, moderator):
    drive = create_drive()
    commitment = approved_commitment(drive, boycott(action="=HYPERLINK(1)"))
    commitment_services.post_commitment_update(
        commitment,
        UpdateData(
            status="in_progress",
            evidence=(EvidenceData(url="https://org.example/minutes", document=PDF),),
        ),
        source="moderator",
        by=moderator,
    )
    contact_update(commitment, "in_progress", evidence_url="https://org.example/pending-secret")
    commitment_services.set_commitment_grade(commitment, Commitment.Grade.VERIFIED, by=moderator)
    return commitment


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_staff_export_has_grade_lapse_and_accepted_evidence(client, graded, comms):
    verified_login(client, comms)
    response = client.get(EXPORT, {"what": "commitments", "format": "csv"})
    (row,) = read_csv(b"".join(response.streaming_content))
    assert row["grade"] == "verified" and row["grade_changed_at"]
    assert row["lapsed_at"] == ""
    assert row["evidence_urls"] == "https://org.example/minutes"  # not the pending one
    assert row["evidence_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert row["action"] == "'=HYPERLINK(1)"


def test_open_data_has_the_new_columns_formula_safe(client, graded):
    (row,) = read_csv(client.get("/api/v1/open-data/commitments.csv").content)
    assert row["grade"] == "verified"
    assert row["evidence_urls"] == "https://org.example/minutes"
    assert row["evidence_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert row["lapsed_at"] == ""
    assert row["action"].startswith("'=")
    assert "pending-secret" not in client.get("/api/v1/open-data/campaigns.json").content.decode()

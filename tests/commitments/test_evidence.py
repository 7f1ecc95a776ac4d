"""Evidence items: links with the day they were captured, documents checked by content and
kept with their SHA-256, served only as downloads."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commitments import services as commitment_services
from commitments.emails import commitment_update_url
from commitments.evidence import MAX_DOCUMENT_BYTES
from commitments.models import Commitment, CommitmentUpdate, Evidence
from commitments.services import EvidenceData, UpdateData
from tests.commitments.helpers import approved_pledge, boycott, create_drive

pytestmark = pytest.mark.django_db

Status = Commitment.Status
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def drive(db):
    return create_drive()


@pytest.fixture
def commitment(drive):
    return approved_pledge(drive, boycott()).commitments.get()


def post(commitment, *items, source="moderator", by=None, status=Status.IN_PROGRESS):
    return commitment_services.post_commitment_update(
        commitment, UpdateData(status=status, evidence=tuple(items)), source=source, by=by
    )


@pytest.mark.parametrize(("content", "kind"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_a_document_is_kept_with_its_hash_and_type(commitment, moderator, content, kind):
    update = post(
        commitment,
        EvidenceData(url="https://org.example/a", captured_on=date(2026, 11, 2), document=content),
        by=moderator,
    )
    item = update.evidence.get()
    assert (item.document_type, item.document_size) == (kind, len(content))
    assert item.document_sha256 == hashlib.sha256(content).hexdigest()
    assert item.captured_on == date(2026, 11, 2)
    assert item.document.name.startswith("evidence/") and item.document.name.endswith(kind)
    assert item.document_sha256 not in item.document.name  # the public hash names no path
    assert item.document.read() == content


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (b"<html><script>alert(1)</script></html>", "evidence_document"),
        (b"", "evidence_document"),
        (b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "evidence_document"),
    ],
)
def test_documents_are_checked_by_content_and_size(commitment, moderator, document, field):
    upload = SimpleUploadedFile("minutes.pdf", document, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        post(commitment, EvidenceData(document=upload), by=moderator)
    assert field in exc.value.message_dict
    assert not CommitmentUpdate.objects.exists() and not Evidence.objects.exists()


def test_evidence_needs_a_link_or_a_document_and_a_past_capture_date(commitment, moderator):
    with pytest.raises(ValidationError) as exc:
        post(commitment, EvidenceData(), by=moderator)
    assert "evidence_url" in exc.value.message_dict
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        post(commitment, EvidenceData(url="https://a.example", captured_on=tomorrow), by=moderator)
    assert "evidence_captured_on" in exc.value.message_dict


def test_public_documents_download_as_attachments_and_pending_ones_are_404(
    client, commitment, moderator
):
    pending = post(commitment, EvidenceData(document=PDF), source="contact").evidence.get()
    assert client.get(f"/commitments/evidence/{pending.pk}/download/").status_code == 404
    commitment_services.review_commitment_update(pending.update, accept=True, by=moderator)
    response = client.get(f"/commitments/evidence/{pending.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert client.get("/commitments/evidence/999999/download/").status_code == 404


def test_rejected_evidence_stays_private(client, commitment, moderator):
    item = post(commitment, EvidenceData(document=PNG), source="contact").evidence.get()
    commitment_services.review_commitment_update(item.update, accept=False, by=moderator)
    assert client.get(f"/commitments/evidence/{item.pk}/download/").status_code == 404
    assert item.document_sha256 not in client.get("/c/bds/tracker/").content.decode()


def test_pages_and_the_api_show_the_hash_and_the_capture_date(client, commitment, moderator):
    item = post(
        commitment,
        EvidenceData(url="https://org.example/proof", captured_on=date(2026, 11, 2), document=PDF),
        by=moderator,
    ).evidence.get()
    organisation_page = client.get(f"/organisations/{commitment.pledge.organisation_id}/")
    body = organisation_page.content.decode()
    assert item.document_sha256 in body
    assert f"/commitments/evidence/{item.pk}/download/" in body
    assert "https://org.example/proof" in body
    row = client.get("/api/v1/campaigns/bds/commitments/").json()["results"][0]
    step = row["history"][-1]
    assert step["evidence_url"] == "https://org.example/proof"
    assert step["evidence"] == [
        {
            "url": "https://org.example/proof",
            "captured_on": "2026-11-02",
            "document_url": f"http://testserver/commitments/evidence/{item.pk}/download/",
            "document_type": "pdf",
            "document_size": len(PDF),
            "document_sha256": hashlib.sha256(PDF).hexdigest(),
        }
    ]
    assert row["grade"] == "evidence_attached"


def test_the_contact_uploads_a_document_with_the_update_form(client, drive):
    approved = approved_pledge(drive, boycott(), contact_language="en")
    commitment = approved.commitments.get()
    path = commitment_update_url(approved).removeprefix("http://testserver")
    page = client.get(path).content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = client.post(
        path,
        {
            "commitment": commitment.pk,
            "status": "in_progress",
            "note": "Contract cancelled",
            "evidence_captured_on": "2026-11-02",
            "evidence_document": SimpleUploadedFile("letter.pdf", PDF),
        },
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.update.review, item.document_type) == ("pending", "pdf")
    bad = client.post(
        path,
        {
            "commitment": commitment.pk,
            "status": "in_progress",
            "evidence_document": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert bad.status_code == 400
    assert "evidence_document" in bad.context["rows"][0][3].errors

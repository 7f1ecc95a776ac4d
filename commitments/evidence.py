"""Evidence documents: what an uploaded file is (by its bytes, never its name or the type the
browser claims), its size limit and its SHA-256, and how it is served back (as a download).

A document is kept so a claim can be checked later: anyone who downloads it can compare its
SHA-256 with the one the tracker shows.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib import documents
from lib.documents import MAX_DOCUMENT_BYTES

# The stored kind of each format (`Evidence.DocumentType`: JPEG is stored as "jpg").
KINDS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


@dataclass(frozen=True)
class CheckedDocument:
    content: ContentFile
    kind: str  # "pdf", "png" or "jpg"
    size: int
    sha256: str


def _read(document) -> bytes:
    """The bytes of an upload, a File or bytes, reading at most one byte past the limit."""
    if isinstance(document, bytes | bytearray):
        return bytes(document[: MAX_DOCUMENT_BYTES + 1])
    if hasattr(document, "seek"):
        document.seek(0)
    return document.read(MAX_DOCUMENT_BYTES + 1)


def too_large_message() -> str:
    megabytes = MAX_DOCUMENT_BYTES // (1024 * 1024)
    return ngettext(
        "The document is larger than %(n)d MB.", "The document is larger than %(n)d MB.", megabytes
    ) % {"n": megabytes}


def check_document(document) -> CheckedDocument:
    """A PDF, PNG or JPEG of at most 5 MB, recognised by its first bytes; raises
    ValidationError otherwise (an empty file, an HTML page renamed .pdf, a 6 MB scan)."""
    size = getattr(document, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    data = _read(document)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    kind = KINDS.get(documents.sniff(data) or "")
    if kind is None:
        raise ValidationError(_("Upload a PDF, PNG or JPEG document."), code="not_a_document")
    return CheckedDocument(
        content=ContentFile(data),
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def download_response(evidence) -> FileResponse:
    """The document as a download, never shown inline (`lib.documents`)."""
    response = documents.attachment_response(
        evidence.document.open("rb"),
        filename=f"evidence-{evidence.pk}.{evidence.document_type}",
        format_name=evidence.document_type,
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response

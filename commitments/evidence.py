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

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# The first bytes of each accepted format, and its extension (`Evidence.DocumentType`).
SIGNATURES = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
)
CONTENT_TYPES = {kind: content_type for _magic, kind, content_type in SIGNATURES}


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
    kind = next((kind for magic, kind, _type in SIGNATURES if data.startswith(magic)), None)
    if kind is None:
        raise ValidationError(_("Upload a PDF, PNG or JPEG document."), code="not_a_document")
    return CheckedDocument(
        content=ContentFile(data),
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def download_response(evidence) -> FileResponse:
    """The document as a download, never shown inline: `Content-Disposition: attachment`,
    the type it was recognised as, and `nosniff` so no browser reads it as anything else."""
    handle = evidence.document.open("rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"evidence-{evidence.pk}.{evidence.document_type}",
        content_type=CONTENT_TYPES[evidence.document_type],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response

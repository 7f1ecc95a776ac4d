"""Uploaded documents the public may download (evidence of a commitment, a target's reply).

What a file is comes from its first bytes, never from its name or the type the browser claims;
it is served back only as a download (`Content-Disposition: attachment`, `nosniff`, a sandboxing
CSP), so a PDF or an image from outside is opened by the reader's own application, never by
our pages.
"""

from django.http import FileResponse

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Format -> (its first bytes, its content type).
FORMATS = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
EXTENSIONS = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}


def sniff(head: bytes) -> str | None:
    """ "pdf", "png" or "jpeg" from a file's first bytes; None for anything else."""
    return next((name for name, (magic, _type) in FORMATS.items() if head.startswith(magic)), None)


def content_type(format_name: str) -> str:
    return FORMATS["jpeg" if format_name == "jpg" else format_name][1]


def attachment_response(handle, *, filename: str, format_name: str) -> FileResponse:
    """The open file `handle` as a download of the type its bytes showed."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type(format_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

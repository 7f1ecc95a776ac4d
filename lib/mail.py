"""Templated email, rendered in the recipient's language and sent through Django's email API.

Templates live in `templates/emails/<name>-subject.txt`, `-body.txt` and `-body.html`.
The `.txt` ones are plain text and render without autoescaping (here, once for all of
them): "Big Tech's" and "O'Brien & <Co>" arrive as typed, not as `&#x27;` and `&amp;`. The
`.html` one is escaped as every page is, and sent as a whole document whose
`<html lang dir>` names the email's language and direction (an Arabic email reads right to
left in every mail client, whatever its own language).

Callers are tasks: nothing here is ever called inside a web request.
"""

import email.policy

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString


def render_plain_text(template_name: str, context: dict) -> str:
    """A plain-text template, rendered with autoescaping off (text is not HTML)."""
    template = get_template(template_name).template  # the Django engine's own Template
    return template.render(Context(context, autoescape=False))


def html_document(body: SafeString, *, subject: str) -> str:
    """An HTML email body as a document in the active language: `<html lang dir>`."""
    return format_html(
        '<!doctype html>\n<html lang="{}" dir="{}">\n<head>\n<meta charset="utf-8">\n'
        "<title>{}</title>\n</head>\n<body>\n{}</body>\n</html>\n",
        translation.get_language(),
        "rtl" if translation.get_language_bidi() else "ltr",
        subject,
        body,  # rendered, so escaped, by the template engine: a SafeString
    )


def render_email(name: str, context: dict, *, language: str | None = None) -> tuple[str, str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_plain_text(f"emails/{name}-subject.txt", context).split())
        text = render_plain_text(f"emails/{name}-body.txt", context)
        html = html_document(render_to_string(f"emails/{name}-body.html", context), subject=subject)
    return subject, text, html


def send_templated_email(
    name: str,
    to: list[str],
    context: dict,
    *,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    subject, text, html = render_email(name, context, language=language)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    message.send()


# Lines up to RFC 5322's limit stay whole: the email package quotes-printable (and so splits)
# any body with a line over 78 characters, which a signed link always is.
EIGHT_BIT = email.policy.default.clone(utf8=True, max_line_length=998)


class ConsoleEmailBackend(DjangoConsoleBackend):
    """The console backend of `make run`, printing mail as 8-bit UTF-8.

    Django's prints what it would send over SMTP: bodies quoted-printable, so "é" reads
    "=C3=A9" and a confirmation link is cut into lines with "=" at their ends (not
    clickable), subjects in RFC 2047 words. Here every body is 8-bit UTF-8, each line whole,
    and the headers are UTF-8 too: a link is one line to click, Arabic reads as Arabic.
    """

    def write_message(self, message) -> None:
        self.stream.write(message_bytes(message).decode("utf-8") + "\n")
        self.stream.write("-" * 79 + "\n")


def message_bytes(message: EmailMultiAlternatives) -> bytes:
    """The message as the console backend prints it: 8-bit UTF-8, lines whole."""
    return message.message(policy=EIGHT_BIT).as_bytes()

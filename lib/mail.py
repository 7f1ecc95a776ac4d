"""Templated email, rendered in the recipient's language and sent through Django's email API.

Templates live in `templates/emails/<name>-subject.txt`, `-body.txt` and `-body.html`.
Callers are tasks: nothing here is ever called inside a web request.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict, *, language: str | None = None) -> tuple[str, str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    return " ".join(subject.split()), text, html


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

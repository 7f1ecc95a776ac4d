"""Templated email: plain text as typed, HTML as a document in its language, and the local
console printing mail that a person can read and click."""

import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives

from lib.mail import ConsoleEmailBackend, message_bytes, render_email

ROOT = Path(__file__).resolve().parent.parent.parent
EMAILS = ROOT / "templates" / "emails"
NAMES = sorted(path.name.removesuffix("-subject.txt") for path in EMAILS.glob("*-subject.txt"))
TYPED = "O'Brien & <Co>"
ESCAPES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")
# Names the templates format as dates: a date answers them.
DATES = {"deadline", "received_on", "lapses_on", "expires_at", "asked_on", "due_on"}


class Typed:
    """Whatever a template asks of it (an attribute, an item, a loop), it answers itself,
    and it prints as TYPED: one context fits every email template."""

    def __str__(self) -> str:
        return TYPED

    def __getattr__(self, name: str):
        if name.startswith("_"):  # __html__ and friends: it is not markup
            raise AttributeError(name)
        return date(2026, 12, 31) if name in DATES else self

    def __getitem__(self, key):  # templates try `obj[name]` before `obj.name`
        return getattr(self, key) if isinstance(key, str) else self

    def __iter__(self):
        return iter([self])

    def __len__(self) -> int:
        return 1


def names_used(template_name: str) -> set[str]:
    """Every name a template's tags and variables could look up (generously)."""
    source = "".join(
        (EMAILS / f"{template_name}{suffix}").read_text()
        for suffix in ("-subject.txt", "-body.txt", "-body.html")
    )
    tags = " ".join(re.findall(r"\{[{%](.*?)[%}]\}", source, re.S))
    tags = re.sub(r"\"[^\"]*\"|'[^']*'", " ", tags)  # quoted strings are not names
    return set(re.findall(r"(?<![\w.|:])([a-z_]\w*)", tags))


def typed_context(template_name: str) -> dict:
    context = {name: Typed() for name in names_used(template_name)}
    return context | {name: datetime(2026, 12, 31, tzinfo=UTC) for name in DATES & set(context)}


def test_every_email_has_its_three_templates():
    assert len(NAMES) > 15
    for name in NAMES:
        assert (EMAILS / f"{name}-body.txt").exists(), name
        assert (EMAILS / f"{name}-body.html").exists(), name


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", NAMES)
def test_plain_text_emails_are_never_html_escaped(name, language):
    subject, text, html = render_email(name, typed_context(name), language=language)
    for part in (subject, text):
        assert not [escape for escape in ESCAPES if escape in part], (name, part)
    assert TYPED in subject + text or name in ("my-data",), (name, subject, text)
    assert TYPED not in html  # the HTML part escapes it, as it must
    if "Brien" in html:
        assert "O&#x27;Brien &amp; &lt;Co&gt;" in html


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("es", "ltr"), ("en", "ltr")])
@pytest.mark.parametrize("name", NAMES)
def test_html_emails_are_documents_in_their_language(name, language, direction):
    subject, _text, html = render_email(name, typed_context(name), language=language)
    assert html.startswith(f'<!doctype html>\n<html lang="{language}" dir="{direction}">\n')
    assert html.count("<html") == 1 and html.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in html
    assert "<title>" in html


def test_an_english_title_in_an_arabic_email_keeps_its_own_direction():
    context = {**typed_context("signature-confirm"), "title": "We refuse (all of it)"}
    _subject, _text, html = render_email("signature-confirm", context, language="ar")
    assert "<bdi>We refuse (all of it)</bdi>" in html


LINK = (
    "https://coalition.example/es/c/refuse-extraction/confirm/"
    "Mg:1xYOql:Ajt1GeRoiA3HlQZex0o63hhuG1i7Ejri5CIKYmBCkV8/"
)


def confirmation() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Confirma tu firma para «Rechazamos»",
        body=f"Hola Lucía:\n\n{LINK}\n",
        from_email="noreply@coalition.example",
        to=["lucia@example.org"],
    )
    message.attach_alternative(
        f'<p>Hola Lucía:</p><p><a href="{LINK}">Confirmar</a></p>', "text/html"
    )
    return message


def test_the_default_encoding_splits_a_link_across_lines():
    """What the console printed before: quoted-printable, the link cut with "=" line ends."""
    printed = confirmation().message().as_bytes()
    assert LINK.encode() not in printed
    assert b"Content-Transfer-Encoding: quoted-printable" in printed


def test_console_mail_is_8bit_utf8_with_each_link_on_one_line():
    printed = message_bytes(confirmation())
    lines = printed.splitlines()
    assert LINK.encode() in lines  # one line, whole: a terminal makes it clickable
    assert "Hola Lucía:".encode() in lines  # UTF-8, not "Hola Luc=C3=ADa:"
    assert printed.count(b"Content-Transfer-Encoding: 8bit") == 2  # text and HTML
    assert b"quoted-printable" not in printed and b"base64" not in printed
    assert "Subject: Confirma tu firma para «Rechazamos»".encode() in lines


def test_the_console_backend_prints_those_bytes():
    stream = StringIO()
    ConsoleEmailBackend(stream=stream).send_messages([confirmation()])
    printed = stream.getvalue()
    assert LINK in printed.splitlines()
    assert "Hola Lucía:" in printed


def test_make_run_uses_the_8bit_console_backend():
    """DEBUG=1 without EMAIL_BACKEND (the demo of `make run`) picks it; production does not."""
    code = "from config import settings as s; print(s.MAILERS['default']['BACKEND'])"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "lib.mail.ConsoleEmailBackend"

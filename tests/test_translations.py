"""Every string of the interface is translated into every language, to the last one.

The catalogues are compared with a fresh extraction from the source (so a string added
without updating them fails here), and `msgfmt` must find nothing fuzzy or untranslated.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["es", "fr", "pt", "ar"]
SKIP = {".git", ".venv", "var", "node_modules", "__pycache__", "tests", "bench"}

MSGFMT = shutil.which("msgfmt")
pytestmark = pytest.mark.skipif(MSGFMT is None, reason="needs gettext (msgfmt)")


def msgids(po: Path) -> set[str]:
    """The msgids of a catalogue (joined across continuation lines), header excluded."""
    ids, current, reading = set(), [], False
    for line in po.read_text().splitlines() + [""]:
        if line.startswith("msgid "):
            current, reading = [line[6:]], True
        elif reading and line.startswith('"'):
            current.append(line)
        else:
            if reading:
                text = "".join(part.strip()[1:-1] for part in current)
                if text:
                    ids.add(text)
            reading = False
    return ids


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    copy = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, copy, ignore=lambda _dir, names: [n for n in names if n in SKIP])
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return msgids(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_source_is_in_the_catalogue(extracted, language):
    catalogue = msgids(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert sorted(extracted - catalogue) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_string_is_fuzzy_or_untranslated(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr
    assert re.search(r"\d+ translated messages?\.?$", stats.strip()), stats

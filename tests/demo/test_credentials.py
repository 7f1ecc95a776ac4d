"""The demo logins keep one password and one set of backup codes across restarts."""

import json
import stat
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken

pytestmark = pytest.mark.django_db

USERNAMES = ["admin", "comms", "moderator", "finance"]


def load_demo(*args: str) -> dict[str, tuple[str, list[str]]]:
    """Run the command; return what it printed for each login: password, backup codes."""
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    lines = out.getvalue().splitlines()
    passwords = lines[lines.index("Staff logins (user / password):") + 1 :][: len(USERNAMES)]
    codes = next(i for i, line in enumerate(lines) if line.startswith("Staff also confirm"))
    printed = {}
    for password_line, codes_line in zip(passwords, lines[codes + 1 :], strict=False):
        username, *rest = password_line.split()
        assert codes_line.split()[0] == username
        printed[username] = (" ".join(rest[:-1]), codes_line.split()[1:])
    return printed


def credentials_file():
    return settings.VAR_DIR / "demo-credentials.json"


def opens(username: str, password: str) -> bool:
    return get_user_model().objects.get(username=username).check_password(password)


def test_the_password_and_codes_are_generated_once_and_kept_in_a_file_only_the_owner_reads():
    first = load_demo()
    assert load_demo() == first
    password = first["admin"][0]
    assert {p for p, _codes in first.values()} == {password} and len(password) >= 16
    assert all(opens(username, password) for username in USERNAMES)
    assert stat.S_IMODE(credentials_file().stat().st_mode) == 0o600
    kept = json.loads(credentials_file().read_text())
    assert kept == {
        "password": password,
        "backup_codes": {username: codes for username, (_p, codes) in first.items()},
    }


def test_a_fresh_database_gets_the_same_logins_again():
    first = load_demo()
    get_user_model().objects.filter(username__in=USERNAMES).delete()
    assert load_demo() == first


def test_a_chosen_password_is_set_and_printed_and_the_file_is_left_alone(monkeypatch):
    generated = load_demo()
    kept = credentials_file().read_bytes()
    chosen = load_demo("--password", "chosen-pass-123")
    assert {p for p, _codes in chosen.values()} == {"chosen-pass-123"}
    assert all(opens(username, "chosen-pass-123") for username in USERNAMES)
    assert [c for _p, c in chosen.values()] == [c for _p, c in generated.values()]
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-env-456")
    assert load_demo()["comms"][0] == "from-the-env-456"
    assert opens("comms", "from-the-env-456")
    assert credentials_file().read_bytes() == kept


def test_a_chosen_password_on_a_first_run_writes_no_file():
    load_demo("--password", "chosen-pass-123")
    assert not credentials_file().exists()


def test_a_password_staff_changed_is_neither_reset_nor_printed():
    generated = load_demo()["moderator"][0]
    moderator = get_user_model().objects.get(username="moderator")
    moderator.set_password("the moderator's own")
    moderator.save()
    again = load_demo()
    assert generated not in again["moderator"][0] and "not shown" in again["moderator"][0]
    assert opens("moderator", "the moderator's own")
    assert again["comms"][0] == generated


def test_a_used_backup_code_is_not_printed_again():
    codes = load_demo()["finance"][1]
    StaticToken.objects.filter(token=codes[0], device__user__username="finance").delete()
    assert load_demo()["finance"][1] == codes[1:]


def test_a_file_with_wider_rights_is_narrowed():
    load_demo()
    credentials_file().chmod(0o644)
    load_demo()
    assert stat.S_IMODE(credentials_file().stat().st_mode) == 0o600

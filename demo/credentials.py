"""The demo staff logins' password and backup codes, kept in `var/` across restarts.

`make run` loads the demo at every start. The password is generated once and kept in
`var/demo-credentials.json` (readable by its owner only; `var/` is git-ignored) together with
the backup codes first given to each login, so a fresh database gets the same ones again.
`DEMO_PASSWORD` (or `--password`) chooses the password instead; the file is then neither read
nor written.
What is printed is read back from the accounts: a password staff changed, or a backup code
used, is never shown as if it still worked.
"""

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

FILE_NAME = "demo-credentials.json"


def path() -> Path:
    return Path(settings.VAR_DIR) / FILE_NAME


@dataclass
class Credentials:
    password: str = ""
    backup_codes: dict[str, list[str]] = field(default_factory=dict)


def read() -> Credentials:
    """What an earlier run stored, or nothing (no file yet, or one this code cannot read)."""
    source = path()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return Credentials()
    if source.stat().st_mode & 0o077:
        source.chmod(0o600)  # copied in by hand with wider rights: the owner's alone again
    if not isinstance(data, dict):
        return Credentials()
    codes = data.get("backup_codes")
    return Credentials(
        password=data.get("password") if isinstance(data.get("password"), str) else "",
        backup_codes={
            str(user): [str(code) for code in user_codes]
            for user, user_codes in (codes.items() if isinstance(codes, dict) else [])
            if isinstance(user_codes, list)
        },
    )


def write(credentials: Credentials) -> None:
    """Store the credentials in a file only its owner can read, replaced in one step."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # even where a left-over file had other rights
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(
            {"password": credentials.password, "backup_codes": credentials.backup_codes},
            stream,
            indent=2,
        )
        stream.write("\n")
    os.replace(partial, target)


def new_password() -> str:
    return secrets.token_urlsafe(12)

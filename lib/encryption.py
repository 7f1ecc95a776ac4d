"""Encryption at rest for personal data we must read back: emails still owed a message, names
of signers who are not listed, contact people, donors.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under `FIELD_ENCRYPTION_KEYS`: the
first key encrypts, every key decrypts, so a key can be rotated without downtime and
`manage.py reencrypt_fields` then rewrites old values under the new key. The database holds
only tokens: a dump or a stolen backup without the keys reveals no address or name.

Encrypted columns can be compared with "" (blank: never held, or erased) and nothing else:
a token differs every time, so look-ups go through the keyed hashes (`lib/hashing.py`).
"""

import json
import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks, validators
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import DatabaseError, models
from django.db.models import lookups

logger = logging.getLogger(__name__)


@cache
def _cipher(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return _cipher(keys)


def primary_cipher() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0])


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return cipher().decrypt(token.encode()).decode()


def is_token(value: str) -> bool:
    """Whether a stored value is a token one of our keys opens (not plain text)."""
    try:
        cipher().decrypt(value.encode())
    except (InvalidToken, ValueError):
        return False
    return True


class Undecryptable(str):
    """A stored token no configured key opens (a key was removed too early).

    Reads as "", so pages still render; saving the row writes the token back unchanged, so
    restoring the key restores the value.
    """

    token: str

    def __new__(cls, token: str) -> "Undecryptable":
        value = super().__new__(cls, "")
        value.token = token
        return value


def _open(token: str, *, field: str) -> str:
    try:
        return decrypt(token)
    except (InvalidToken, ValueError):
        logger.error("%s holds a value no FIELD_ENCRYPTION_KEYS key opens", field)
        return Undecryptable(token)


class EncryptedMixin:
    """Encrypts on the way in, decrypts on the way out; "" stays "" (blank, or erased)."""

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return self.to_python(_open(value, field=f"{self.model._meta.label}.{self.name}"))

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            return value.token
        value = self.encode_plain(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def encode_plain(self, value):
        value = super().get_prep_value(value)
        return None if value is None else str(value)

    def get_lookup(self, lookup_name):
        # A token differs every time it is made: only "is it blank?" can be asked in SQL.
        if lookup_name in {"exact", "isnull", "in"}:
            return super().get_lookup(lookup_name)
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short text kept encrypted. `max_length` bounds the plain text, not the column."""

    def cast_db_type(self, connection):
        return self.db_type(connection)


class EncryptedEmailField(EncryptedCharField):
    default_validators = [validators.validate_email]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"form_class": forms.EmailField, **kwargs})


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON document kept encrypted as a whole (e.g. a webhook payload naming a signer)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is dict:
            del kwargs["default"]
        return name, path, args, kwargs

    def to_python(self, value):
        if isinstance(value, str) and value and not isinstance(value, Undecryptable):
            return json.loads(value)
        return value

    def from_db_value(self, value, expression, connection):
        if not value:
            return {}
        opened = _open(value, field=f"{self.model._meta.label}.{self.name}")
        return opened if isinstance(opened, Undecryptable) else json.loads(opened)

    def encode_plain(self, value):
        if value is None:
            return None
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


class _BlankOnlyExact(lookups.Exact):
    """`field=""` (or None) only: any other value can never match a fresh token."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted: compare its keyed hash instead"
            )
        return self.rhs


class _BlankOnlyIn(lookups.In):
    def get_prep_lookup(self):
        if any(value not in ("", None) for value in self.rhs):
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted: compare its keyed hash instead"
            )
        return list(self.rhs)


for _field in (EncryptedCharField, EncryptedJSONField):
    _field.register_lookup(_BlankOnlyExact)
    _field.register_lookup(_BlankOnlyIn)


def encrypted_fields() -> list[models.Field]:
    from django.apps import apps

    # Proxy models share their concrete model's table: listing them too would visit (and
    # report) the same column twice.
    return [
        field
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedMixin)
    ]


def mask_email(email: str) -> str:
    """`a…@example.org`: enough for staff to tell addresses apart, not to read one."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


@checks.register(checks.Tags.database)
def check_keys_open_stored_data(app_configs=None, **kwargs):
    """`check --database default` (and `migrate`): the keys open the newest stored values.

    Catches a deployment started with the wrong keys before anyone signs."""
    problems = []
    for field in encrypted_fields():
        model = field.model
        column = models.functions.Cast(field.name, models.TextField())
        try:
            token = (
                model._default_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .annotate(_token=column)
                .order_by("-pk")
                .values_list("_token", flat=True)
                .first()
            )
        except DatabaseError:  # noqa: S112 - a table not migrated yet is the migrate command's job
            continue
        if token and not is_token(token):
            problems.append(
                checks.Error(
                    f"{model._meta.label}.{field.name}: no key in FIELD_ENCRYPTION_KEYS opens "
                    "the stored values",
                    hint="Start with the keys the data was encrypted with (README, "
                    "'Encryption keys').",
                    id="lib.E001",
                )
            )
    return problems


# Migrations ----------------------------------------------------------------------------------


def seal(value: str | None) -> str | None:
    """Encrypt a stored plain value; blanks and values already encrypted stay as they are."""
    if not value or is_token(value):
        return value
    return encrypt(value)


def unseal(value: str | None) -> str | None:
    """Back to plain text (migrating backwards); blanks and plain values stay as they are."""
    if not value:
        return value
    try:
        return decrypt(value)
    except (InvalidToken, ValueError):
        return value


def rewrite_rows(schema_editor, table: str, columns: list[str], change, *, batch: int = 2000):
    """Rewrite `columns` of every row of `table` in batches of `batch` rows, by id.

    `change(row)` gets a dict of the columns (and `id`) as stored and returns the columns to
    write. Raw SQL, so the values are written exactly as given: the model fields would
    encrypt or decrypt them a second time. Used by the migrations that encrypt in place."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in ["id", *columns])
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {names} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608  # nosec B608 - names quoted, values bound
                [last, batch],
            )
            rows = [dict(zip(["id", *columns], values, strict=True)) for values in cursor]
            if not rows:
                return
            changed = [(row, change(row)) for row in rows]
            written = sorted({column for _, values in changed for column in values})
            if written:
                values = [[{**row, **new}[c] for c in written] for row, new in changed]
                ids = [row["id"] for row, _ in changed]
                _write_batch(connection, table, written, ids, values)
            last = rows[-1]["id"]


def _write_batch(connection, table: str, columns: list[str], ids: list, values: list) -> None:
    """One UPDATE for the whole batch on PostgreSQL (one per row elsewhere)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            assignments = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in columns)
            rows = ", ".join(["(%s" + ", %s" * len(columns) + ")"] * len(ids))
            names = ", ".join(["id", *(quote(c) for c in columns)])
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {assignments} "  # noqa: S608  # nosec B608 - names quoted, values bound
                f"FROM (VALUES {rows}) AS v({names}) WHERE t.id = v.id::bigint",
                [item for row_id, row in zip(ids, values, strict=True) for item in (row_id, *row)],
            )
        else:
            assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608  # nosec B608 - names quoted, values bound
                [[*row, row_id] for row_id, row in zip(ids, values, strict=True)],
            )

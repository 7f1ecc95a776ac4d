"""Rewrite every encrypted value under the first key of FIELD_ENCRYPTION_KEYS, in batches.

After adding a new key at the front of FIELD_ENCRYPTION_KEYS (and deploying), run this; once
it reports nothing left under an old key, the old key can be removed."""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from lib.encryption import cipher, encrypted_fields, primary_cipher


class Command(BaseCommand):
    help = "Re-encrypt stored personal data under the first FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")

    def handle(self, *args, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        primary, every_key = primary_cipher(), cipher()
        total = 0
        for field in encrypted_fields():
            model, name = field.model, field.name
            rewritten = last = 0
            while True:
                with transaction.atomic():
                    rows = list(
                        model._default_manager.filter(pk__gt=last)
                        .exclude(**{name: ""})
                        .exclude(**{f"{name}__isnull": True})
                        .annotate(_token=Cast(name, models.TextField()))
                        .order_by("pk")
                        .values_list("pk", "_token")[:batch]
                    )
                    if not rows:
                        break
                    for pk, token in rows:
                        try:
                            primary.decrypt(token.encode())
                            continue  # already under the first key
                        except InvalidToken:
                            pass
                        try:
                            fresh = every_key.rotate(token.encode()).decode()
                        except InvalidToken as exc:
                            raise CommandError(
                                f"{model._meta.label}.{name} #{pk}: no key opens it"
                            ) from exc
                        model._default_manager.filter(pk=pk).update(
                            **{name: models.Value(fresh, output_field=models.TextField())}
                        )
                        rewritten += 1
                    last = rows[-1][0]
            self.stdout.write(f"{model._meta.label}.{name}: {rewritten} re-encrypted")
            total += rewritten
        self.stdout.write(f"{total} value(s) re-encrypted")

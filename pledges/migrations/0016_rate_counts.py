"""Rate limits become fixed-window counters (`RateCount`, pledges/abuse.py) instead of a log
of attempts counted on every submission. The last hour of the log is carried over as counts
per window, so nobody gets a fresh allowance from the deploy; the email domain, stored in
plain text in the log, is keyed as its hash. Backwards the log comes back empty: it only
ever held the last day, and the counters are no log to rebuild it from."""

from collections import Counter
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# The module, not the function by name: bench/sign_crypto.py patches every module of ours
# that holds `keyed_hash` under its own name, and a migration's name is no module path.
from lib import hashing

# The windows of pledges.abuse.DEFAULT_RATE_LIMITS when this migration was written (seconds);
# PLEDGE_RATE_LIMITS overrides them as it does there.
WINDOWS = {"email": 3600, "domain": 3600, "ip": 3600}
CARRIED_OVER = timedelta(hours=1)


def _window_start(moment: datetime, seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def carry_over_the_last_hour(apps, schema_editor):
    SigningAttempt = apps.get_model("pledges", "SigningAttempt")
    RateCount = apps.get_model("pledges", "RateCount")
    windows = dict(WINDOWS)
    for scope, (_limit, seconds) in getattr(settings, "PLEDGE_RATE_LIMITS", {}).items():
        windows[scope] = seconds
    domains: dict[str, str] = {}
    counts: Counter = Counter()
    recent = SigningAttempt.objects.filter(created_at__gt=timezone.now() - CARRIED_OVER)
    rows = recent.values_list("email_hash", "email_domain", "ip_hash", "created_at")
    for email_hash, domain, ip_hash, created_at in rows.iterator(chunk_size=5000):
        if domain and domain not in domains:
            domains[domain] = hashing.keyed_hash(domain, purpose="domain")
        for scope, key in (
            ("email", email_hash),
            ("domain", domains.get(domain, "")),
            ("ip", ip_hash),
        ):
            if key:
                counts[scope, key, _window_start(created_at, windows[scope])] += 1
    RateCount.objects.bulk_create(
        [
            RateCount(scope=scope, key=key, window_start=start, count=count)
            for (scope, key, start), count in counts.items()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("pledges", "0015_signature_tallies"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(choices=[("email", "email"), ("domain", "domain"), ("ip", "ip")], max_length=10)),
                ("key", models.CharField(max_length=64)),
                ("window_start", models.DateTimeField()),
                ("count", models.PositiveIntegerField(default=1)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "key", "window_start"), name="rate_count_unique_window"
                    )
                ],
            },
        ),
        migrations.RunPython(carry_over_the_last_hour, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="SigningAttempt"),
    ]

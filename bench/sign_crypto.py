"""What hashing and encryption cost the sign path, in process: `python -m bench.sign_crypto`.

Calls the real sign service (`pledges.services.sign`, with the client made from a request by
`Client.from_request`, as the sign view does) `--signs` times as it is, and as many times with
Fernet encryption (`lib.encryption.encrypt`, which the encrypted fields call when they save)
and the keyed hash (`lib.hashing.keyed_hash`, under every name a module imported it as:
`lib.mailboxes`, `pledges.abuse`) replaced by cheap stand-ins through `unittest.mock.patch`,
in this process only. Each sign is its own transaction, as a request's is. The two modes take
turns of `--turn` signs (ABBA…: each round starts with the mode the last one ended with), so
a noisy machine slows both alike; each sign is timed on its own.

The stand-ins keep the shape of what they replace: the "token" is a real token made once per
plain-text length (the same column sizes), the "hash" 64 hex digits from Python's `hash()`
(distinct per address, so every sign is still a new signature). They count their calls: the
report says how many encryptions and hashes a sign makes, and that the patches reached them.

Prints a JSON line: the rate of each mode, their ratio, the share of the sign path hashing and
encryption cost (1 - ratio; also per quarter of the run, and from the median sign), a direct
estimate of that share (calls per sign × the cost of one call), and `ok` (every sign was
new, the stand-ins ran). Every row it wrote is deleted again: the stand-in
rows hold made-up hashes, and their queued emails must not reach the drain scenario.

Run by bench/run.py with the bench environment, against the loaded data set's viral campaign.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import pairwise
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import BigIntegerField, Max  # noqa: E402
from django.db.models.fields.json import KT  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from campaigns import progress  # noqa: E402
from campaigns.models import Campaign  # noqa: E402
from lib import encryption, hashing  # noqa: E402
from pledges import services  # noqa: E402
from pledges.abuse import Client  # noqa: E402
from pledges.models import EMAIL_MAX, PledgeEmail, RateCount, Signature  # noqa: E402
from pledges.services import SignatureData  # noqa: E402
from pledges.tasks import send_pledge_email  # noqa: E402

REAL = "real"
STAND_IN = "stand_in"
MASK = (1 << 64) - 1
# The packages whose modules may have imported `encrypt` or `keyed_hash` by name.
OURS = ("lib", "pledges", "campaigns", "partners", "donations", "commitments", "api", "staff")


class StandIns:
    """Cheap stand-ins for `encrypt` and `keyed_hash` with the same output shape; they count."""

    def __init__(self, real_encrypt: Callable[[str], str]) -> None:
        # A real token per plain-text length (bytes), made now: stored rows keep their size.
        self.real_encrypt = real_encrypt
        self.tokens = {n: real_encrypt("x" * n) for n in range(EMAIL_MAX + 1)}
        self.encrypts = 0
        self.hashes = 0

    def encrypt(self, value: str) -> str:
        self.encrypts += 1
        size = len(value.encode())
        token = self.tokens.get(size)
        if token is None:  # longer than any address: made once, then reused
            token = self.tokens[size] = self.real_encrypt("x" * size)
        return token

    def keyed_hash(self, value: str, *, purpose: str) -> str:
        self.hashes += 1
        return f"{hash((purpose, value)) & MASK:016x}" * 4


def importers(function: Callable) -> list[str]:
    """`module.name` of every loaded module of ours holding `function` under its own name:
    where it is looked up, so where it must be patched."""
    name = function.__name__
    return sorted(
        f"{module_name}.{name}"
        for module_name, module in list(sys.modules.items())
        if module is not None
        and module_name.split(".")[0] in OURS
        and vars(module).get(name) is function
    )


@contextlib.contextmanager
def patched(stand_ins: StandIns, targets: list[str]) -> Iterator[None]:
    fakes = {"encrypt": stand_ins.encrypt, "keyed_hash": stand_ins.keyed_hash}
    with contextlib.ExitStack() as stack:
        for target in targets:
            stack.enter_context(mock.patch(target, fakes[target.rpartition(".")[2]]))
        yield


def request_from(n: int) -> HttpRequest:
    """A request as the sign view sees it behind our proxy (TRUSTED_PROXY_COUNT=1)."""
    request = HttpRequest()
    request.method = "POST"
    request.META = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": f"2001:db8::c:{n % 4096:x}",
    }
    return request


class Signer:
    """Signs the campaign as new signers, one transaction each; keeps what it made."""

    def __init__(self, campaign: Campaign, run: str) -> None:
        self.campaign = campaign
        self.run = run
        self.made: list[int] = []
        self.outcomes: Counter[str] = Counter()

    def batch(self, label: str, count: int) -> list[tuple[HttpRequest, SignatureData]]:
        """What `count` signers send: made before the clock starts."""
        return [
            (
                request_from(n),
                SignatureData(
                    name=f"Bench Signer {n}",
                    email=f"crypto-{self.run}-{label}-{n}@d{n % 997}.bench.example",
                    country="FR",
                    language="en",
                    show_publicly=True,
                ),
            )
            for n in range(1, count + 1)
        ]

    def sign(self, batch: list[tuple[HttpRequest, SignatureData]]) -> list[float]:
        """Sign each; the seconds each sign took."""
        sign, from_request, campaign = services.sign, Client.from_request, self.campaign
        clock = time.perf_counter
        results, seconds = [], []
        for request, data in batch:
            began = clock()
            results.append(sign(campaign, data, client=from_request(request)))
            seconds.append(clock() - began)
        self.made.extend(result.signature.pk for result in results)
        self.outcomes.update(result.outcome for result in results)
        return seconds


def cost_of_one_call(real_encrypt, real_hash, repeat: int = 2000) -> dict:
    """Microseconds per call of the real functions on a sign's values (direct estimate)."""
    email = "crypto-000000-real-1234@d1234.bench.example"
    began = time.perf_counter()
    for _ in range(repeat):
        real_encrypt(email)
        real_encrypt("Bench Signer 1234")
    encrypt_us = (time.perf_counter() - began) / (2 * repeat) * 1e6
    began = time.perf_counter()
    for _ in range(repeat):
        real_hash(email, purpose="email")
    return {"encrypt_us": encrypt_us, "hash_us": (time.perf_counter() - began) / repeat * 1e6}


def last_rate_count() -> int:
    """The newest rate counter's id: the ones a run adds come after it."""
    return RateCount.objects.aggregate(last=Max("pk"))["last"] or 0


def clean_up(campaign: Campaign, ids: list[int], *, rate_counts_after: int) -> int:
    """Delete the signatures, the rate counters the run started (ids above
    `rate_counts_after`), queued emails and tasks; mark counters stale."""
    signatures = Signature.objects.filter(pk__in=ids)
    with transaction.atomic():
        emails = PledgeEmail.objects.filter(
            content_type=ContentType.objects.get_for_model(Signature), object_id__in=ids
        )
        DBTaskResult.objects.annotate(
            email_id=Cast(KT("args_kwargs__args__0"), BigIntegerField())
        ).filter(
            task_path=send_pledge_email.module_path,
            email_id__in=list(emails.values_list("pk", flat=True)),
        ).delete()
        emails.delete()
        RateCount.objects.filter(pk__gt=rate_counts_after).delete()
        deleted, _ = signatures.delete()
        progress.moved(campaign.pk, "pending_signatures")
    return deleted


def share_pct(real: list[float], stand_in: list[float]) -> float:
    """How much of the real sign path's time the stand-ins saved, in per cent."""
    return (1 - sum(stand_in) / sum(real)) * 100


def measure(slug: str, signs: int, turn: int, warmup: int, run: str) -> dict:
    campaign = Campaign.objects.get(slug=slug)
    real_encrypt, real_hash = encryption.encrypt, hashing.keyed_hash
    stand_ins = StandIns(real_encrypt)
    signer = Signer(campaign, run)
    rate_counts_after = last_rate_count()
    try:
        # Warm up (not measured): connections, caches, lazily imported modules.
        signer.sign(signer.batch("warm", warmup))
        targets = importers(real_encrypt) + importers(real_hash)
        with patched(stand_ins, targets):
            signer.sign(signer.batch("warm-stand-in", warmup))
        stand_ins.encrypts = stand_ins.hashes = 0

        # The modes take turns of `turn` signs, ABBA…: each goes first as often as last, and
        # whatever else the machine does lands on both alike.
        turns = [min(turn, signs - start) for start in range(0, signs, turn)]
        seconds: dict[str, list[float]] = {REAL: [], STAND_IN: []}
        order = [REAL, STAND_IN]
        for i, count in enumerate(turns):
            for mode in order:
                batch = signer.batch(f"{mode[0]}{i}", count)
                if mode == REAL:
                    seconds[REAL].extend(signer.sign(batch))
                    continue
                with patched(stand_ins, targets):
                    seconds[STAND_IN].extend(signer.sign(batch))
            order.reverse()
        one_call = cost_of_one_call(real_encrypt, real_hash)
    finally:
        deleted = clean_up(campaign, signer.made, rate_counts_after=rate_counts_after)

    real, stand_in = seconds[REAL], seconds[STAND_IN]
    real_rate, stand_in_rate = signs / sum(real), signs / sum(stand_in)
    quarters = [signs * k // 4 for k in range(5)]
    encrypts, hashes = stand_ins.encrypts / signs, stand_ins.hashes / signs
    direct_us = encrypts * one_call["encrypt_us"] + hashes * one_call["hash_us"]
    real_us = 1e6 / real_rate
    outcomes = dict(signer.outcomes)
    return {
        "slug": slug,
        "signs": signs,
        "turn": turn,
        "turns": len(turns),
        "warmup": warmup,
        "real_per_s": real_rate,
        "stand_in_per_s": stand_in_rate,
        "ratio": real_rate / stand_in_rate,
        "share_pct": share_pct(real, stand_in),
        # The same figure over each quarter of the run: how steady it was.
        "quarter_share_pct": [
            share_pct(real[a:b], stand_in[a:b]) for a, b in pairwise(quarters) if b > a
        ],
        "real_ms_per_sign": real_us / 1000,
        "stand_in_ms_per_sign": 1000 / stand_in_rate,
        # Medians shrug off the stalls (a slow fsync) that land in one mode by chance.
        "real_ms_median": statistics.median(real) * 1000,
        "stand_in_ms_median": statistics.median(stand_in) * 1000,
        "median_share_pct": (1 - statistics.median(stand_in) / statistics.median(real)) * 100,
        "encrypts_per_sign": encrypts,
        "hashes_per_sign": hashes,
        **one_call,
        "direct_us_per_sign": direct_us,
        "direct_share_pct": direct_us / real_us * 100,
        "patched": targets,
        "outcomes": outcomes,
        "rows_deleted": deleted,
        "ok": set(outcomes) == {"new"} and encrypts >= 2 and hashes >= 2,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slug", default="bench-00")
    parser.add_argument("--signs", type=int, default=600, help="signs per mode")
    parser.add_argument("--turn", type=int, default=10, help="signs per turn of one mode")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured signs per mode")
    parser.add_argument("--run", default=time.strftime("%H%M%S"), help="marks the addresses")
    args = parser.parse_args(argv)
    result = measure(args.slug, args.signs, args.turn, args.warmup, args.run)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

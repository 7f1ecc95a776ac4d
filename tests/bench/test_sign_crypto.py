"""The in-process sign path measurement (bench/sign_crypto.py): its stand-ins reach the real
sign path, keep the shape of what they replace, and it leaves no row behind."""

import pytest
from django_tasks_db.models import DBTaskResult

from bench import sign_crypto
from lib import encryption, hashing, mailboxes
from lib.encryption import decrypt
from pledges import abuse
from pledges.models import PledgeEmail, RateCount, Signature
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


def test_stand_ins_keep_the_size_of_a_token_and_the_shape_of_a_hash():
    stand_ins = sign_crypto.StandIns(encryption.encrypt)
    address = "crypto-1-real0-7@d7.bench.example"
    token = stand_ins.encrypt(address)
    assert len(token) == len(encryption.encrypt(address))
    assert decrypt(token) == "x" * len(address)  # a real token: a stored row still opens
    assert len(stand_ins.encrypt("é" * 300)) == len(encryption.encrypt("é" * 300))
    hashed = stand_ins.keyed_hash(address, purpose="email")
    assert len(hashed) == 64 and int(hashed, 16) >= 0
    assert hashed == stand_ins.keyed_hash(address, purpose="email")
    assert hashed != stand_ins.keyed_hash(address, purpose="ip")
    assert (stand_ins.encrypts, stand_ins.hashes) == (2, 3)


def test_the_functions_are_patched_where_the_sign_path_looks_them_up():
    hash_importers = set(sign_crypto.importers(hashing.keyed_hash))
    assert {"lib.mailboxes.keyed_hash", "pledges.abuse.keyed_hash"} <= hash_importers
    assert "lib.encryption.encrypt" in sign_crypto.importers(encryption.encrypt)
    stand_ins = sign_crypto.StandIns(encryption.encrypt)
    targets = sign_crypto.importers(encryption.encrypt) + sign_crypto.importers(hashing.keyed_hash)
    with sign_crypto.patched(stand_ins, targets):
        assert mailboxes.keyed_hash == abuse.keyed_hash == stand_ins.keyed_hash
        assert encryption.encrypt == stand_ins.encrypt
    assert encryption.encrypt is sign_crypto.encryption.encrypt
    assert mailboxes.keyed_hash is abuse.keyed_hash is hashing.keyed_hash


def test_a_short_measurement_signs_in_both_modes_and_deletes_what_it_made():
    campaign = create_campaign("bench-00")
    tasks_before = DBTaskResult.objects.count()
    real_encrypt, real_hash = encryption.encrypt, hashing.keyed_hash

    result = sign_crypto.measure("bench-00", signs=6, turn=2, warmup=2, run="t")

    assert result["ok"], result
    assert result["outcomes"] == {"new": 16}  # 2 + 2 warm-up, 6 + 6 measured
    # Per sign: the name and the email are encrypted; the email is hashed by the service and by
    # the rate limit, the email's domain (for its rate limit) and the client's IP address once.
    assert (result["encrypts_per_sign"], result["hashes_per_sign"]) == (2, 4)
    assert result["real_per_s"] > 0 and result["stand_in_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["real_per_s"] / result["stand_in_per_s"])
    assert result["share_pct"] == pytest.approx((1 - result["ratio"]) * 100)
    assert (result["turns"], len(result["quarter_share_pct"])) == (3, 4)
    assert result["share_pct"] == pytest.approx(
        (1 - result["stand_in_ms_per_sign"] / result["real_ms_per_sign"]) * 100
    )
    assert result["rows_deleted"] >= 16
    assert not Signature.objects.filter(campaign=campaign).exists()
    assert not RateCount.objects.exists()
    assert not PledgeEmail.objects.filter(kind="signature-confirm").exists()
    assert DBTaskResult.objects.count() == tasks_before
    assert (encryption.encrypt, hashing.keyed_hash) == (real_encrypt, real_hash)

"""Keyed hashes for what we only ever compare: email addresses, phone numbers, IP addresses.

HMAC-SHA256 under `HASH_KEY`, a key of its own (not `SECRET_KEY`: rotating the key that signs
links must not break dedupe and rate limits, and the other way round). Each purpose mixes in
its own label, so the hash of an address as an email and as a rate-limit key never match.
A stolen database holds these hashes, not the values; without the key they cannot be
reversed by hashing every address in a list.
"""

import hashlib
import hmac

from django.conf import settings


def keyed_hash(value: str, *, purpose: str) -> str:
    key = settings.HASH_KEY.encode()
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()

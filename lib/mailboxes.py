"""One mailbox, one identity: the canonical form of an email address, for comparing only.

People (and scripts) write the same mailbox many ways: `Amina.Yusuf+petition@googlemail.com`
reaches `aminayusuf@gmail.com`. Dedupe and rate limits compare the canonical form; what the
person typed is what we store and write to.

Rules, after trimming and case-folding:
- everything from the first `+` in the local part is a tag (RFC 5233 subaddressing, which
  Gmail, Outlook, iCloud, Proton, Fastmail and most servers honour) and is dropped;
- Gmail ignores dots in the local part, and `googlemail.com` is `gmail.com`.
"""

from lib.hashing import keyed_hash

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def normalise_email(email: str) -> str:
    """What we store: the address as typed, trimmed and case-folded."""
    return email.strip().casefold()


def canonical_email(email: str) -> str:
    local, at, domain = normalise_email(email).rpartition("@")
    if not at or not local:
        return normalise_email(email)
    local = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


def mailbox_domains(email: str) -> set[str]:
    """The domains an address of this mailbox can be written with."""
    domain = canonical_email(email).rpartition("@")[2]
    return set(GMAIL_DOMAINS) if domain == "gmail.com" else {domain}


def same_mailbox(a: str, b: str) -> bool:
    return bool(a) and bool(b) and canonical_email(a) == canonical_email(b)


def email_hash(email: str) -> str:
    """The keyed hash of the canonical address: what uniqueness and look-ups use."""
    return keyed_hash(canonical_email(email), purpose="email")

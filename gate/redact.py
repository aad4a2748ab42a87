"""Taking credentials out of URLs before they reach a report or a log."""

from __future__ import annotations

import re

# `scheme://user:password@` or `scheme://token@`; scp-style `git@host:path` has no secret.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


def mask_url_credentials(text: str) -> str:
    """`git+https://user:token@host/x` -> `git+https://***@host/x`: the reader still sees
    that the requirement carried a credential."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)


def strip_url_credentials(text: str) -> str:
    """`https://user:token@github.com/o/r.git` -> `https://github.com/o/r.git`."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>", text)


# A run of token characters long enough to be a key; whether it is one is decided below.
_CANDIDATE = re.compile(r"[A-Za-z0-9+/_=-]{20,}")
_AWS_KEY_ID = re.compile(r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}")
MASK = "***"


def mask_secret_tokens(text: str) -> str:
    """`text` with every token that looks like a credential (an AWS access key id, or a
    long run of letters and digits mixed the way generated keys are) replaced by `***`.
    For what the gate keeps of a flagged line of code (a finding's anchor and message):
    names and ordinary words are left as they are, so fingerprints of findings without a
    secret do not change."""
    text = _AWS_KEY_ID.sub(MASK, text)
    return _CANDIDATE.sub(lambda m: MASK if _looks_generated(m[0]) else m[0], text)


def _looks_generated(token: str) -> bool:
    """Both cases mixed with digits or `/+` (`AbC9xYz...`, an AWS secret key), or mostly
    digits (hex): not `get_customer_orders_from_the_table` or `CONSTANT_NAME_OF_LENGTH`."""
    digits = sum(c.isdigit() for c in token)
    mixed = any(c.isupper() for c in token) and any(c.islower() for c in token)
    return (mixed and (digits > 0 or "/" in token or "+" in token)) or (
        digits >= 2 and digits * 4 >= len(token)
    )

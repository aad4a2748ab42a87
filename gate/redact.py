"""Taking credentials out of URLs before they reach a report or a log."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# `scheme://user:password@` or `scheme://token@`, up to the last `@` before the host (a
# user name may hold one: `alice@corp.com:token@host`); scp-style `git@host:path` has no
# secret.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s]+@", re.IGNORECASE)


def mask_url_credentials(text: str) -> str:
    """`git+https://user:token@host/x` -> `git+https://***@host/x`: the reader still sees
    that the requirement carried a credential."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)


BANDIT_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})
"""Bandit's hard-coded password tests: their text quotes the password."""


def holds_secret(rule_id: str) -> bool:
    """Whether findings of `rule_id` are secrets found in plaintext: checkov's secret
    checks, bandit's hard-coded passwords, the gate's GATE-IAC-012."""
    return (
        rule_id.startswith("CKV_SECRET_")
        or rule_id in BANDIT_PASSWORD_TESTS
        or rule_id == "GATE-IAC-012"
    )


def url_origin(url: str) -> str:
    """Where a URL points, and nothing that may be a credential: `https://u:t@host:8443/
    TOKEN/simple?x` -> `https://host:8443/…`. A package index may carry its token in the
    user name, the path (Gemfury, Cloudsmith) or the query. Text that is no URL (a
    variable, `${PIP_INDEX_URL}`) is returned as it is."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return "…"
    if not parts.scheme or not host:
        return url if "://" not in url else "…"
    origin = f"{parts.scheme}://{host}{f':{port}' if port else ''}"
    return origin + ("/…" if parts.path.strip("/") or parts.query or parts.fragment else "/")


def strip_url_credentials(text: str) -> str:
    """`https://user:token@github.com/o/r.git` -> `https://github.com/o/r.git`."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>", text)


# A run of token characters long enough to be a key; whether it is one is decided below.
_CANDIDATE = re.compile(r"[A-Za-z0-9+/_=-]{20,}")
_AWS_KEY_ID = re.compile(r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}")
MASK = "***"


def mask_secret_tokens(text: str) -> str:
    """`text` with every token that looks like a credential (an AWS access key id, or a
    long run of characters as random as a generated key) replaced by `***`. For what the
    gate keeps of a flagged line of code (a finding's anchor and message): names, words
    and CloudFormation ids are left as they are, so fingerprints of findings without a
    secret do not change."""
    text = _AWS_KEY_ID.sub(MASK, text)
    return _CANDIDATE.sub(lambda m: MASK if _looks_generated(m[0]) else m[0], text)


# A name splits into humps of a few letters (`Process`, `Payments`, `orders`); a generated
# key into many of one or two (`w`, `Jalr`, `X`, `Utn`, `K`, `7`, `b`, `Px`).
_HUMP = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _looks_generated(token: str) -> bool:
    humps = _HUMP.findall(token)
    short = sum(len(hump) <= 2 for hump in humps)
    digits = sum(c.isdigit() for c in token)
    return (short >= 4 and short * 2 >= len(humps)) or digits * 2 >= len(token)

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

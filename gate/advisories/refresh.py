"""`advisories.source: refresh` (the default): keep the cached advisory database fresh, and
audit offline from it.

At most once a day (the attempt is recorded, so a network that is down costs one try
a day, not one a run), with a short connect timeout, the gate downloads osv.dev's PyPI
export (`all.zip`; GATE_ADVISORY_URL names a mirror). The download is accepted only if it
parses, holds at least as many advisories as the database it replaces and is not older;
then it replaces the cache atomically. Anything else keeps what is there, and the run
says why (`advisories-not-refreshed`). `--offline` (or GATE_OFFLINE=1) forbids the
network: the audit uses what is there.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gate.advisories.osv import builtin_snapshot, read_snapshot
from gate.advisories.update import download, import_records, public_url
from gate.errors import AdvisoryError

EXPORT_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
"""osv.dev's export of every PyPI advisory, refreshed by osv.dev continuously."""
URL_VARIABLE = "GATE_ADVISORY_URL"
OFFLINE_VARIABLE = "GATE_OFFLINE"
EVERY = dt.timedelta(days=1)
CONNECT_TIMEOUT_S = 5.0
"""How long a socket may wait (to connect, or for the next chunk) before the refresh is
given up for the day."""
STAMP = "last-refresh"


@dataclass(frozen=True)
class Refreshed:
    """What one refresh did."""

    changed: bool
    """The cache now holds a newer database."""
    problem: str | None = None
    """Why the download was not taken (the run warns), or None."""


def export_url(environ: os._Environ[str] | dict[str, str] = os.environ) -> str:
    return environ.get(URL_VARIABLE) or EXPORT_URL


def offline_forced(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    """GATE_OFFLINE set to anything but empty or 0: the network is forbidden."""
    return environ.get(OFFLINE_VARIABLE, "") not in ("", "0")


def refresh(cache: Path, url: str, now: dt.datetime | None = None) -> Refreshed | None:
    """Refresh the cache at `cache` from `url` if the last attempt is a day old; None when
    it was not due."""
    now = now or dt.datetime.now(dt.timezone.utc)
    stamp = cache.with_name(STAMP)
    try:
        last = dt.datetime.fromtimestamp(stamp.stat().st_mtime, dt.timezone.utc)
        if now - last < EVERY:
            return None
    except OSError:
        pass  # never tried
    cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp.touch()
    os.utime(stamp, (now.timestamp(), now.timestamp()))
    label = public_url(url)
    try:
        with tempfile.TemporaryDirectory(prefix="gate-refresh-", dir=cache.parent) as scratch:
            archive = Path(scratch) / "all.zip"
            download(url, archive, label, timeout_s=CONNECT_TIMEOUT_S)
            candidate = Path(scratch) / cache.name
            imported = import_records(archive, label, candidate)
            records, date = _current(cache)
            if imported.records < records or imported.date < date:
                return Refreshed(
                    False,
                    f"{label} holds {imported.records} advisories dated {imported.date}, "
                    f"fewer or older than the {records} of {date} in use: not taken",
                )
            candidate.replace(cache)
    except AdvisoryError as exc:
        return Refreshed(False, str(exc))
    except OSError as exc:
        return Refreshed(False, f"{cache.parent}: cannot write the cache: {exc.strerror}")
    return Refreshed(True)


def _current(cache: Path) -> tuple[int, str]:
    """The advisory count and date of the database a download must not fall below: the
    cache's, else the built-in snapshot's."""
    try:
        current = read_snapshot(cache)
    except AdvisoryError:
        current = builtin_snapshot()
    return len(current.records), current.date or ""

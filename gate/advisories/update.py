"""`gate db update`: import OSV records into the cache, all validated or none written.

The input is osv.dev's per-ecosystem export (`all.zip`, flat `PYSEC-…json`/`GHSA-…json`
records), a directory of OSV records (such as the PyPA advisory-database tree), or an
http(s) URL of such a zip. The cache holds one compact snapshot, replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gate.advisories.osv import raw_records
from gate.advisories.parse import timestamp_date
from gate.advisories.snapshot import collect, write_snapshot
from gate.errors import AdvisoryError

DOWNLOAD_TIMEOUT_S = 60.0
# osv.dev's PyPI all.zip is tens of megabytes; the cap only stops an endless answer.
MAX_DOWNLOAD_BYTES = 512 << 20
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Imported:
    """What one `gate db update` wrote."""

    origin: str
    """The zip, directory or URL the records came from (a URL without credentials)."""
    path: Path
    """The snapshot written."""
    records: int
    """PyPI advisories kept."""
    skipped: int
    """Records dropped: withdrawn, or without a PyPI entry."""
    date: str
    """The data's date: the newest `modified` among the records kept."""


def update_cache(origin: str, target: Path) -> Imported:
    """Import the records at `origin` (path or URL) into the snapshot `target`."""
    if "://" in origin:
        label = public_url(origin)
        with tempfile.TemporaryDirectory(prefix="gate-db-") as scratch:
            archive = Path(scratch) / "download.zip"
            download(origin, archive, label)
            return import_records(archive, label, target)
    path = Path(origin).absolute()
    return import_records(path, str(path), target)


def import_records(source: Path, label: str, target: Path) -> Imported:
    """Validate every record under `source` before writing any; then replace `target`."""
    records, dropped = collect(raw_records(source, label))
    if not records:
        raise AdvisoryError(f"{label}: no PyPI advisories found; the cache was not changed")
    dates = [d for d in (timestamp_date(r.get("modified")) for r in records) if d]
    if not dates:
        raise AdvisoryError(f"{label}: no record has a `modified` date, so its age is unknown")
    date = max(dates)
    meta = {
        "from": label,
        "date": date,
        "imported": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "records": len(records),
    }
    write_snapshot({"meta": meta, "records": records}, target)
    return Imported(label, target, len(records), sum(dropped.values()), date)


def _is_http(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme.lower() in ("http", "https")


def public_url(url: str) -> str:
    """`url` without user info, query or fragment, which may carry credentials (a signed
    URL's signature); that is the form recorded in the cache and shown in reports."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        raise AdvisoryError(f"{parts.scheme}://{host}: the URL's port is not a number") from None
    netloc = f"{host}:{port}" if port else host
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, parts.path, "", ""))


def download(url: str, out: Path, label: str, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> None:
    """Fetch `url` into `out` with a deadline (on connecting and on each read) and a size
    cap; one-line errors name `label`."""
    if not _is_http(url):
        raise AdvisoryError(f"{label}: only http:// and https:// URLs are downloaded")
    import urllib.error  # here, not above: most runs never download, and this costs
    import urllib.request  # every run the time to load http.client and email

    # S310: the scheme is checked above, so no file:// or ftp:// reaches urllib.
    request = urllib.request.Request(url, headers={"User-Agent": "serverless-gate"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310
            length = answer.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_DOWNLOAD_BYTES:
                raise AdvisoryError(f"{label}: {length} bytes is over the download cap")
            with out.open("wb") as sink:
                _copy_capped(answer, sink, label)
    except urllib.error.HTTPError as exc:
        raise AdvisoryError(f"{label}: download failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise AdvisoryError(f"{label}: download failed: {_reason(exc.reason, timeout_s)}") from None
    except (OSError, ValueError) as exc:
        raise AdvisoryError(f"{label}: download failed: {_reason(exc, timeout_s)}") from None


def _copy_capped(answer: IO[bytes], sink: IO[bytes], label: str) -> None:
    total = 0
    while chunk := answer.read(_CHUNK):
        total += len(chunk)
        if total > MAX_DOWNLOAD_BYTES:
            raise AdvisoryError(f"{label}: more than {MAX_DOWNLOAD_BYTES} bytes; not an OSV zip")
        sink.write(chunk)


def _reason(reason: object, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout_s:g}s"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split()) or type(reason).__name__

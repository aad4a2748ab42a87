"""Which advisory data an audit uses: the settings the pip-audit worker gets, the cache that
`gate db update` fills, and the choice between that cache and the built-in snapshot.

Imported by the main process and by the worker; never imports pip-audit.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gate.advisories.osv import AdvisoryDatabase, Snapshot, builtin_snapshot, read_snapshot
from gate.errors import AdvisoryError
from gate.places import cache_dir

CACHE_NAME = "osv-pypi.json.gz"
# pip-audit's own default; the live service's URL is an internal setting (tests point it at
# a local server), never a policy key, so a policy cannot send queries elsewhere.
OSV_QUERY_URL = "https://api.osv.dev/v1/query"
LIVE_TIMEOUT_S = 15.0
# `auto` waits this long for the first answer before it settles for the offline data.
PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class AdvisorySettings:
    """How the pip-audit worker looks advisories up; crosses to it as JSON."""

    source: str = "offline"
    """`offline`, `live` or `auto` (policy `advisories.source`)."""
    db: str | None = None
    """Absolute path of the database named by --advisory-db or `advisories.db`."""
    cache: str | None = None
    """The snapshot `gate db update` wrote, when no database is named. The worker runs with
    a scrubbed environment and a temporary HOME, so it is told rather than left to look."""
    osv_url: str = OSV_QUERY_URL
    """The live service's query URL (`live`, `auto`)."""
    timeout_s: float = LIVE_TIMEOUT_S
    """Deadline of each live query."""
    probe_timeout_s: float = PROBE_TIMEOUT_S
    """`auto`: deadline of the first query, after which the offline data stands in."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AdvisorySettings:
        return cls(**data)


def advisory_settings(source: str, db: str | None) -> AdvisorySettings:
    """The settings for a run under `advisories.source` = `source`, offline data from `db`
    or else from the newer of the built-in snapshot and the cache."""
    cache = cache_snapshot_path()
    return AdvisorySettings(
        source=source,
        db=db,
        cache=str(cache) if db is None and cache.exists() else None,
        osv_url=OSV_QUERY_URL,
        timeout_s=LIVE_TIMEOUT_S,
        probe_timeout_s=PROBE_TIMEOUT_S,
    )


def cache_snapshot_path() -> Path:
    """Where `gate db update` keeps the advisories it imported."""
    return cache_dir() / "advisories" / CACHE_NAME


@dataclass(frozen=True)
class OfflineChoice:
    """The database an offline audit uses, and why the cache was passed over if it was."""

    database: AdvisoryDatabase
    cache_error: str | None = None
    """Set when a cache exists but cannot be trusted or read; the built-in data is used."""

    def describe(self) -> dict[str, Any]:
        """The report's `advisories`: which data answered."""
        database = self.database
        info: dict[str, Any] = {
            "mode": "offline",
            "source": database.source,
            "date": database.date,
            "records": database.count,
        }
        if self.cache_error is not None:
            info["cache_error"] = self.cache_error
        return info


def offline_database(settings: AdvisorySettings) -> OfflineChoice:
    """The named database, else the newer (by data date) of the cache and the built-in
    snapshot; a bad cache falls back to the built-in one with the reason."""
    if settings.db:
        return OfflineChoice(AdvisoryDatabase.load(Path(settings.db)))
    if settings.cache is None:
        return OfflineChoice(AdvisoryDatabase.builtin())
    try:
        cached = read_cache(Path(settings.cache))
        if not newer_than_builtin(cached.date):
            return OfflineChoice(AdvisoryDatabase.builtin())
        return OfflineChoice(cached.database(cache_source(cached)))
    except AdvisoryError as exc:
        return OfflineChoice(AdvisoryDatabase.builtin(), str(exc))


def read_cache(path: Path) -> Snapshot:
    """The cached snapshot at `path`, refused when another user could have written it: it
    decides which vulnerabilities the gate knows about."""
    try:
        info = path.stat()
    except OSError as exc:
        raise AdvisoryError(f"{path}: unreadable: {exc.strerror or exc}") from None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise AdvisoryError(f"{path}: writable by another user, so not trusted")
    return read_snapshot(path)


def newer_than_builtin(date: str | None) -> bool:
    """Whether data of `date` is strictly newer than the built-in snapshot's."""
    return (date or "") > (builtin_snapshot().date or "")


def cache_source(cached: Snapshot) -> str:
    """`cache:<where the data was imported from>`."""
    origin = cached.meta.get("from")
    return f"cache:{origin if isinstance(origin, str) else cached.where}"


def describe_mode(settings: AdvisorySettings) -> str:
    """One line on how `advisories.source` looks advisories up."""
    if settings.source == "live":
        return f"live: {settings.osv_url} (the offline data below is not used)"
    if settings.source == "auto":
        return (
            f"auto: live at {settings.osv_url} if it answers within "
            f"{settings.probe_timeout_s:g}s, else the offline data below"
        )
    return "offline"


def describe_database(database: AdvisoryDatabase) -> str:
    return f"{database.source}, {database.date or 'undated'}, {database.count} records"


def describe_cache(path: Path, used: bool) -> str:
    """One line on the cache of `gate db update` at `path`."""
    if not path.exists():
        return f"none at {path} (`gate db update --from URL_OR_FILE` imports one)"
    try:
        cached = read_cache(path)
    except AdvisoryError as exc:
        return f"unusable: {exc}"
    mark = "used" if used else "not used"
    return (
        f"{cache_source(cached)}, {cached.date or 'undated'}, {len(cached.records)} records, "
        f"at {path} ({mark})"
    )

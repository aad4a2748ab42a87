"""A pip-audit vulnerability service that answers from a local `AdvisoryDatabase`, and
`open_service`, which picks it or a live one as `advisories.source` says.

Imported only inside the worker process that runs pip-audit: it needs pip-audit's private
service interface, which the gate pins to one minor series.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from packaging.version import Version
from pip_audit._service.interface import (
    Dependency,
    ResolvedDependency,
    VulnerabilityID,
    VulnerabilityResult,
    VulnerabilityService,
)

from gate.advisories.osv import Advisory, AdvisoryDatabase
from gate.advisories.records import parse_version
from gate.advisories.sources import AdvisorySettings, OfflineChoice, offline_database
from gate.errors import AdvisoryError

LIVE_ADVICE = (
    " (advisories.source live fails closed; `auto` falls back to the offline database, "
    "a proxy is set with HTTPS_PROXY)"
)


# pip-audit ships no type information, so its base class is `Any` to mypy.
class OfflineVulnerabilityService(VulnerabilityService):  # type: ignore[misc]
    """Answers pip-audit's queries from OSV records on disk; never touches the network."""

    def __init__(self, database: AdvisoryDatabase, cache_error: str | None = None) -> None:
        self.database = database
        self.choice = OfflineChoice(database, cache_error)
        """The data, and why the cache of `gate db update` was passed over, if it was."""

    def query(self, spec: Dependency) -> tuple[Dependency, list[VulnerabilityResult]]:
        """The advisories affecting a resolved dependency; none for a skipped one."""
        if not isinstance(spec, ResolvedDependency):
            return spec, []
        name = spec.canonical_name
        found = self.database.query(name, str(spec.version))
        return spec, [to_result(advisory, name) for advisory in found]

    def advisory_for(self, vuln_id: str) -> Advisory | None:
        """The advisory behind a result's id or alias, for its CVSS vectors and references."""
        return self.database.get(vuln_id)

    def describe(self) -> dict[str, Any]:
        """The report's `advisories`: which data answered."""
        return self.choice.describe()


@contextmanager
def open_service(settings: AdvisorySettings) -> Iterator[Any]:
    """The vulnerability service for `settings.source`: offline, live (pip-audit's OSV
    service; failures are errors) or auto (live if it answers, else offline). Each has
    `query`, `advisory_for` and `describe`."""

    @cache
    def offline() -> OfflineVulnerabilityService:
        choice = offline_database(settings)
        return OfflineVulnerabilityService(choice.database, choice.cache_error)

    if settings.source == "offline":
        yield offline()
        return
    from gate.advisories.live import AutoVulnerabilityService, LiveVulnerabilityService

    with tempfile.TemporaryDirectory(prefix="gate-osv-") as http_cache:
        if settings.source == "live":
            yield LiveVulnerabilityService(
                settings.osv_url, settings.timeout_s, Path(http_cache), LIVE_ADVICE
            )
        elif settings.source == "auto":
            probe = LiveVulnerabilityService(
                settings.osv_url, settings.probe_timeout_s, Path(http_cache)
            )
            yield AutoVulnerabilityService(probe, offline, settings.timeout_s)
        else:
            raise AdvisoryError(f"advisories.source {settings.source!r}: not offline, live or auto")


def to_result(advisory: Advisory, package: str) -> VulnerabilityResult:
    """pip-audit's view of `advisory` for `package`, shaped as its OSV service shapes it."""
    fixes = (parse_version(text) for text in advisory.fixed_versions(package))
    fix_versions: list[Version] = [version for version in fixes if version is not None]
    return VulnerabilityResult(
        id=VulnerabilityID(advisory.id),
        description=advisory.description,
        fix_versions=fix_versions,
        aliases={VulnerabilityID(alias) for alias in advisory.aliases if alias != advisory.id},
        published=published_at(advisory.published),
    )


def published_at(text: str | None) -> dt.datetime | None:
    """A record's RFC 3339 timestamp as a naive UTC datetime, which is what pip-audit's own
    OSV service returns; None if absent or unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        # Python 3.10 only reads 3 or 6 fraction digits; the seconds are precise enough.
        try:
            moment = dt.datetime.fromisoformat(text[:19])
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment

"""A pip-audit vulnerability service that answers from a local `AdvisoryDatabase`
(gate.advisories.choice picks it or a live one, as `advisories.source` says).

Imported only inside the worker process that runs pip-audit: it needs pip-audit's private
service interface, which the gate pins to one minor series.
"""

from __future__ import annotations

import datetime as dt
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
from gate.advisories.sources import OfflineChoice

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

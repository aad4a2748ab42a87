"""OSV advisory records as the gate keeps them, and how they decide what is affected.

Only what the gate needs survives: identifiers, text, CVSS vectors, reference URLs and the
PyPI `affected` entries with ECOSYSTEM or SEMVER ranges. Versions are compared as PEP 440
versions, which is how OSV orders the PyPI ecosystem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ECOSYSTEM = "PyPI"
RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})
# Also the tie-break at equal versions: an `introduced` and a `fixed` at the same version
# make an empty range, as OSV intends.
EVENT_KINDS = ("introduced", "fixed", "last_affected")
_ZERO = Version("0")


@lru_cache(maxsize=65536)
def parse_version(text: str) -> Version | None:
    """`text` as a PEP 440 version, or None when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


@dataclass(frozen=True)
class Event:
    """One event of an OSV range."""

    kind: str
    """`introduced`, `fixed` (exclusive) or `last_affected` (inclusive)."""
    version: str
    """The version as written; `introduced: "0"` means from the first release."""


@dataclass(frozen=True)
class VersionRange:
    """One ECOSYSTEM or SEMVER range of an `affected` entry."""

    type: str
    events: tuple[Event, ...]

    @cached_property
    def _ordered(self) -> tuple[tuple[str, Version | None], ...] | None:
        """(kind, version) sorted by version, None for the beginning; None if any bound
        does not parse, since such a range cannot be placed on the version line."""
        keyed: list[tuple[tuple[int, Version, int], str, Version | None]] = []
        for event in self.events:
            if event.kind == "introduced" and event.version == "0":
                keyed.append(((0, _ZERO, 0), event.kind, None))
                continue
            version = parse_version(event.version)
            if version is None:
                return None
            keyed.append(((1, version, EVENT_KINDS.index(event.kind)), event.kind, version))
        keyed.sort(key=lambda item: item[0])
        return tuple((kind, version) for _, kind, version in keyed)

    def contains(self, version: Version) -> bool:
        """Whether `version` is affected, replaying the events in order as OSV specifies."""
        ordered = self._ordered
        if ordered is None:
            return False
        affected = False
        for kind, bound in ordered:
            if kind == "introduced":
                affected = affected or bound is None or version >= bound
            elif (bound is not None and kind == "fixed" and version >= bound) or (
                bound is not None and kind == "last_affected" and version > bound
            ):
                affected = False
        return affected

    def covers(self, floor: Version | None, ceiling: Version, inclusive: bool) -> bool:
        """Whether every version from `floor` (None: the first) up to `ceiling` (itself
        too when `inclusive`) is affected: one stretch of the range, from an `introduced`
        at or below the floor to a `fixed` above the ceiling (or at it, when it is
        excluded) or a `last_affected` at or above it, or no end at all."""
        ordered = self._ordered
        if ordered is None:
            return False
        affected, start = False, None
        for kind, bound in ordered:
            if kind == "introduced" and not affected:
                affected, start = True, bound
            elif kind != "introduced" and affected and bound is not None:
                reaches = ceiling < bound if kind == "fixed" and inclusive else ceiling <= bound
                if reaches and _from(start, floor):
                    return True
                affected = False
        return affected and _from(start, floor)


def _from(introduced: Version | None, floor: Version | None) -> bool:
    """Whether a stretch introduced at `introduced` (None: the first version) holds every
    version from `floor` on (None: the first)."""
    return introduced is None or (floor is not None and introduced <= floor)


@dataclass(frozen=True)
class Affected:
    """One PyPI `affected` entry."""

    package: str
    """Canonical (PEP 503) package name."""
    versions: tuple[str, ...]
    """Versions listed explicitly, as written."""
    ranges: tuple[VersionRange, ...]

    @cached_property
    def _listed(self) -> frozenset[Version]:
        parsed = (parse_version(text) for text in self.versions)
        return frozenset(version for version in parsed if version is not None)

    def includes(self, version: str) -> bool:
        """Whether `version` is listed explicitly or falls inside one of the ranges."""
        if version in self.versions:
            return True
        parsed = parse_version(version)
        if parsed is None:
            return False
        return parsed in self._listed or any(r.contains(parsed) for r in self.ranges)

    def covers(self, floor: Version | None, ceiling: Version, inclusive: bool) -> bool:
        """Whether one of the ranges affects every version from `floor` to `ceiling`
        (`VersionRange.covers`)."""
        return any(r.covers(floor, ceiling, inclusive) for r in self.ranges)

    def fixes(self) -> Iterator[tuple[Version, str]]:
        """Every parseable `fixed` event as (version, text)."""
        for version_range in self.ranges:
            for event in version_range.events:
                parsed = parse_version(event.version) if event.kind == "fixed" else None
                if parsed is not None:
                    yield parsed, event.version


@dataclass(frozen=True)
class Advisory:
    """One OSV advisory that affects at least one PyPI package."""

    id: str
    aliases: tuple[str, ...]
    """Other identifiers (CVE, GHSA), as listed in the record."""
    summary: str
    details: str
    published: str | None
    """RFC 3339 timestamp, as in the record."""
    modified: str | None
    severity: tuple[tuple[str, str], ...]
    """OSV severity entries as (type, score), e.g. ("CVSS_V3", "CVSS:3.1/AV:N/...")."""
    affected: tuple[Affected, ...]
    references: tuple[str, ...]
    """Reference URLs, for help links."""
    rated: str | None = None
    """The database's own severity label (`database_specific.severity`, as GitHub's
    records carry it: `CRITICAL`, `HIGH`, `MODERATE`, `LOW`), when there is one."""

    @property
    def packages(self) -> frozenset[str]:
        """Canonical names of the packages the advisory is about."""
        return frozenset(entry.package for entry in self.affected)

    @property
    def description(self) -> str:
        """One line: the summary, else the first paragraph of the details."""
        text = self.summary or self.details.strip().split("\n\n", 1)[0]
        return " ".join(text.split()) or "N/A"

    def affects(self, package: str, version: str) -> bool:
        """Whether `version` of `package` (any spelling of the name) is affected."""
        name = canonicalize_name(package)
        return any(e.package == name and e.includes(version) for e in self.affected)

    def affects_every(
        self, package: str, floor: Version | None, ceiling: Version, inclusive: bool
    ) -> bool:
        """Whether every version of `package` from `floor` (None: the first) to `ceiling`
        (itself too when `inclusive`) is affected, by one of the advisory's ranges."""
        name = canonicalize_name(package)
        return any(e.package == name and e.covers(floor, ceiling, inclusive) for e in self.affected)

    def fixed_versions(self, package: str) -> tuple[str, ...]:
        """The versions that fix `package`, lowest first; unparseable ones are left out."""
        name = canonicalize_name(package)
        found = {
            parsed: text for e in self.affected if e.package == name for parsed, text in e.fixes()
        }
        return tuple(found[version] for version in sorted(found))

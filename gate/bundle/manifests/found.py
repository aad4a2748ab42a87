"""What the manifest readers record: pins, dependencies they cannot audit, and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gate.bundle.manifests.builds import runs_a_build
from gate.bundle.manifests.versions import requirement_name


@dataclass(frozen=True)
class Pin:
    """A dependency pinned to exactly one version."""

    name: str
    """Canonical name (PEP 503)."""
    version: str
    """Normalised version (PEP 440)."""
    path: str
    """The manifest or metadata file, relative to the bundle root, posix."""
    line: int
    """Where in `path`; 0 where the file gives no line."""


@dataclass(frozen=True)
class Unauditable:
    """A dependency the gate will not resolve: why, and where."""

    text: str
    reason: str
    path: str
    line: int
    name: str | None = None
    """The dependency's name when the manifest gives one."""
    admits: str | None = None
    """For a range of an index's releases, its PEP 440 specifiers (`~=2.19.0`): the audit
    reports an advisory that affects every version they admit."""
    source: str | None = None
    """For a dependency from a folder or file of the disk, that place as the manifest names
    it (a lock beside it stands for it only where it takes it from the same place)."""

    @property
    def ranged(self) -> bool:
        """Whether it is a range of an index's releases (`Found.unpinned`), which a lock
        pins, rather than a dependency from elsewhere."""
        return self.reason == UNPINNED


UNPINNED = "not pinned to one version"
"""Why a range of an index's releases is not audited."""

DYNAMIC = "dynamic = dependencies"
"""The name dependencies only the build backend knows are reported under (a manifest's
dynamic dependencies read from no file): a lock that resolved them stands for them."""
BUILD_CODE = "build code"
"""The name dependencies that code of the bundle may set as the build runs it are
reported under (a setting that makes a backend import or run the project's code): no
lock stands for them, since it pins no code and pip ignores it."""


@dataclass(frozen=True)
class Manifest:
    """Everything read from one bundle's dependency manifests or vendored metadata."""

    pins: tuple[Pin, ...]
    unauditable: tuple[Unauditable, ...]
    problems: tuple[Unauditable, ...]
    """What could not be read at all: the audit is incomplete."""
    indexes: tuple[Unauditable, ...] = ()
    """Package indexes other than PyPI that a manifest installs from (the URL as `text`)."""


@dataclass
class Found:
    """What the readers have found so far."""

    pins: list[Pin] = field(default_factory=list)
    unauditable: list[Unauditable] = field(default_factory=list)
    problems: list[Unauditable] = field(default_factory=list)
    indexes: list[Unauditable] = field(default_factory=list)
    root: Path | None = None
    """The bundle's root, where the local folders a manifest installs are judged; None
    where no folder can be (a manifest read on its own)."""

    def build_refusal(self, manifest: str, where: str) -> str | None:
        """Why the local folder `where` that the manifest `manifest` (relative to the
        root) installs is refused (`runs_a_build`); None where its build only copies."""
        if self.root is None:
            return None
        return runs_a_build(self.root, (self.root / manifest).parent, where)

    def pin(self, name: str, version: str, path: str, line: int) -> None:
        """Record an exact version; a name or version packaging cannot read is a problem,
        never a pass (no advisory names what is not a package's name)."""
        if requirement_name(name) != name:
            reason = f"{name!r} is not a package name, so it is not audited: name it as PyPI does"
            self.problems.append(Unauditable(f"{name} {version}", reason, path, line))
            return
        try:
            normalised = str(Version(version))
        except InvalidVersion:
            reason = f"{name} {version}: not a valid version, so it is not audited"
            self.problems.append(Unauditable(f"{name} {version}", reason, path, line))
            return
        self.pins.append(Pin(canonicalize_name(name), normalised, path, line))

    def unpinned(self, text: str, name: str, admits: str, path: str, line: int) -> None:
        """A dependency from an index whose constraint (`admits`, PEP 440 specifiers; empty
        for any version) admits more than one version: it is not audited as a pin."""
        self.unauditable.append(Unauditable(text, UNPINNED, path, line, name, admits or None))

    def names(self) -> set[str]:
        """The canonical names of the packages found (not `DYNAMIC` nor `BUILD_CODE`)."""
        named = [u.name for u in self.unauditable + self.indexes if u.name]
        packages = {canonicalize_name(n) for n in named if n not in (DYNAMIC, BUILD_CODE)}
        return {p.name for p in self.pins} | packages

    def extend(self, other: Found) -> None:
        """Add what `other` found."""
        self.pins.extend(other.pins)
        self.unauditable.extend(other.unauditable)
        self.problems.extend(other.problems)
        self.indexes.extend(i for i in other.indexes if i not in self.indexes)

    def manifest(self) -> Manifest:
        """What was found, each the once: two readings of one file (pip's and pbr's of a
        pbr project's `requirements.txt`) find most of it twice."""
        return Manifest(
            tuple(dict.fromkeys(self.pins)),
            tuple(dict.fromkeys(self.unauditable)),
            tuple(dict.fromkeys(self.problems)),
            tuple(self.indexes),
        )

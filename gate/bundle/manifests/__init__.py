"""Reading dependency declarations without pip: which dependencies are pinned, which are not.

Requirements files, `pyproject.toml`, `Pipfile` and the poetry, uv, pdm and pipenv
lock files are read as text (TOML, JSON), and vendored packages by their metadata
headers. Nothing here installs, builds or imports anything, so no code of the
bundle runs. A dependency the gate cannot audit from that text alone (unpinned,
editable, from git, a URL or a local path) is reported so the policy can judge
it; it is never handed to pip. A file that parses but is not shaped as its tool writes
it (`gate.bundle.manifests.shapes`) is a problem naming the file and key, never "no packages";
what a `pyproject.toml` or `Pipfile` declares beyond the lock beside it is read from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from gate.bundle.manifests.backends import HATCH_TOML, build_system, load_pyproject
from gate.bundle.manifests.declared import (
    SETUP_CFG,
    SETUP_PY,
    backend_files,
    read_pbr_projects,
)
from gate.bundle.manifests.found import DYNAMIC, Found, Manifest, Pin, Unauditable
from gate.bundle.manifests.lockfiles import LOCKS_OF, READERS
from gate.bundle.manifests.pbr import pbr_files
from gate.bundle.manifests.requirements import (
    REQUIREMENTS_GLOB,
    read_requirements,
    requirement_files,
    requirement_includes,
)
from gate.bundle.manifests.shapes import Malformed, table
from gate.bundle.manifests.sources import taken_alike
from gate.bundle.manifests.vendored import read_vendored

__all__ = [
    "MANIFEST_PATTERNS",
    "Manifest",
    "Pin",
    "Unauditable",
    "audited_requirement_files",
    "includers",
    "read_manifests",
    "read_vendored",
]

MANIFEST_PATTERNS: tuple[str, ...] = (
    REQUIREMENTS_GLOB,
    "pyproject.toml",
    "Pipfile",
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile.lock",
    "uv.toml",
    "pdm.toml",
    SETUP_CFG,
    SETUP_PY,
    HATCH_TOML,
)
"""File name globs of every dependency manifest the gate reads."""


def read_manifests(root: Path, named: Iterable[str] = ()) -> Manifest:
    """Read every dependency manifest under `root` (MANIFEST_PATTERNS), and the files
    `named` (relative to `root`) that a build setting makes it install as requirements
    files: requirements files first (and pbr's, as pbr reads them), then the others in
    path order. A `pyproject.toml` or `Pipfile` beside the lock of the tool that installs
    it is left to that lock, whose exact versions are what gets installed, for what the
    lock pins (`_beyond_lock`); what it does not pin, and a dependency the manifest takes
    from elsewhere than an index, is read from the manifest."""
    found = Found(root=root)
    read_requirements(root, found, [root / name for name in named])
    read_pbr_projects(root, found)
    others = sorted({path for name in READERS for path in root.rglob(name) if path.is_file()})
    locks = {path: _locks_beside(path) for path in others}
    reads = {path: _read(root, path) for path in others if not locks[path]}
    for read in reads.values():
        found.extend(read)
    for path in (p for p in others if locks[p]):
        beside = [reads[lock] for lock in locks[path] if lock in reads]
        found.extend(_beyond_lock(_read(root, path), beside))
    return found.manifest()


def audited_requirement_files(root: Path, named: Iterable[str] = ()) -> list[str]:
    """The requirements files `read_manifests` reads under `root` (relative to it): those
    found by name, those `named`, those a build backend reads (`_backend_reads`), and
    every file they include."""
    read = [file for files in _backend_reads(root).values() for file in files]
    return requirement_files(root, [*(root / name for name in named), *read])


def includers(root: Path, named: Iterable[str] = ()) -> dict[str, frozenset[str]]:
    """Each requirements file the audit reads under `root` (with those `named`) that another
    includes (`-r`, `-c`, spelt any way pip reads them) or a manifest's build backend reads
    (`_backend_reads`), and each manifest whose reading a file beside it decides
    (`_READ_WITH`), with every file above it: those including, naming or deciding it,
    directly or through others (all relative to `root`). What such a file pins, each
    file above it installs."""
    top = root.resolve()
    reads = _backend_reads(root)
    edges = [
        (manifest.relative_to(root).as_posix(), file.resolve().relative_to(top).as_posix())
        for manifest, files in reads.items()
        for file in files
        if file.resolve().is_relative_to(top)  # one outside is refused by the manifest's reader
    ]
    # The file that decides how a manifest is read is above it, there or not (a change
    # may delete it).
    edges += [
        (path.with_name(beside).relative_to(root).as_posix(), path.relative_to(root).as_posix())
        for name, beside in _READ_WITH.items()
        for path in sorted(root.rglob(name))
    ]
    read = [*(root / n for n in named), *(file for files in reads.values() for file in files)]
    for relative, included in requirement_includes(root, read).items():
        edges += [(relative, target) for target in included]
    direct: dict[str, set[str]] = {}
    for above, target in edges:
        direct.setdefault(target, set()).add(above)
    return {included: _above(included, direct) for included in direct}


_READ_WITH = {SETUP_CFG: "pyproject.toml", SETUP_PY: "pyproject.toml", "pyproject.toml": HATCH_TOML}
"""The file beside a manifest that decides whether or how its build backend reads it:
the `pyproject.toml` (its backend) for a `setup.cfg` or `setup.py`, the `hatch.toml`
(updating its `[tool.hatch]`) for a `pyproject.toml`."""


def _backend_reads(root: Path) -> dict[Path, list[Path]]:
    """Each `pyproject.toml`, `setup.cfg` and `setup.py` under `root`, with the
    requirements files its build backend reads its dependencies from (`backend_files`,
    and pbr's, `pbr_files`, for a project whose `setup.py` or `pyproject.toml` runs pbr):
    what the audit reads and what diff mode holds their pins to."""
    return {
        path: [
            *(backend_files(path) if path.name != SETUP_PY else []),
            *pbr_files(path.parent, root),
        ]
        for manifest in ("pyproject.toml", SETUP_CFG, SETUP_PY)
        for path in sorted(root.rglob(manifest))
    }


def _above(included: str, direct: dict[str, set[str]]) -> frozenset[str]:
    """The files that include or name `included` through any chain of `direct` ones."""
    found: set[str] = set()
    pending = [included]
    while pending:
        for parent in direct.get(pending.pop(), set()) - found:
            found.add(parent)
            pending.append(parent)
    return frozenset(found)


def _locks_beside(path: Path) -> list[Path]:
    """The lock files beside a `pyproject.toml` or `Pipfile` that pin its dependencies:
    only the lock of the tool that installs it, which another tool's lock never stands
    for (`_lock_of_tool`)."""
    names = LOCKS_OF.get(path.name, ())
    if path.name == "pyproject.toml":
        names = tuple(lock for lock in names if lock == _lock_of_tool(path))
    beside = [path.parent / lock for lock in names]
    return [lock for lock in beside if lock.is_file()]


def _lock_of_tool(pyproject: Path) -> str | None:
    """The lock of the one tool a `pyproject.toml` is written for: Poetry, PDM or uv by
    its `[tool.X]` table or build backend (its package, as pip imports it), uv where none
    is named (it works a plain project); None where several are, or the file cannot be
    read: then no lock stands for it, and it is read whole (its reader reports a file it
    cannot read)."""
    try:
        data = load_pyproject(pyproject)
        tools = set(table(data, "tool")) & _LOCKS_BY_TOOL.keys()
        package = build_system(data).package
    except (OSError, Malformed):
        return None
    if package in _BACKEND_TOOLS:
        tools.add(_BACKEND_TOOLS[package])
    if len(tools) > 1:
        return None
    return _LOCKS_BY_TOOL[tools.pop() if tools else "uv"]


_LOCKS_BY_TOOL = {"poetry": "poetry.lock", "pdm": "pdm.lock", "uv": "uv.lock"}
_BACKEND_TOOLS = {"poetry": "poetry", "pdm": "pdm", "uv_build": "uv"}
"""A build backend's top-level package (of `poetry.core.masonry.api`, `pdm.backend`,
`uv_build:`), and the tool whose backend it is."""


def _read(root: Path, path: Path) -> Found:
    """One manifest; one its reader cannot read is a problem naming the file and key."""
    found = Found(root=root)
    relative = path.relative_to(root).as_posix()
    try:
        READERS[path.name](path.read_text("utf-8", errors="replace"), relative, found)
    except Malformed as e:
        return Found(problems=[Unauditable(relative, str(e), relative, e.line)])
    return found


def _beyond_lock(declared: Found, locks: list[Found]) -> Found:
    """What a manifest declares that its locks do not hold. A lock excuses only what it
    pins: an exact pin at a version it pins; a range of an index's releases where it pins
    a version the range admits, wherever a source takes the package from (else the lock
    is stale, or pins no release, and pip installs from the range); a dependency from
    elsewhere (a URL, a repository, a folder) where it takes it from the same place, and
    so reports it (pip ignores the lock; a tool relocks a stale one); dynamic
    dependencies (it resolved them), never what build code may set (`BUILD_CODE`: a lock
    pins no code). An index the manifest names stands whatever the lock holds. Only
    locks that stand for the manifest at all (`_stands_for`) excuse."""
    locks = [lock for lock in locks if _stands_for(lock, declared)]
    if not locks:
        return declared
    pinned = {(pin.name, pin.version) for lock in locks for pin in lock.pins}
    alike = taken_alike(declared, locks)
    beyond = Found(problems=declared.problems)
    beyond.indexes = [i for i in declared.indexes if i not in alike]
    beyond.pins = [p for p in declared.pins if (p.name, p.version) not in pinned]
    beyond.unauditable = [u for u in declared.unauditable if not _locked(u, pinned, alike)]
    return beyond


def _stands_for(lock: Found, declared: Found) -> bool:
    """Whether a lock stands for the manifest beside it at all: it locks some package,
    and one at least of those the manifest names, where it names any. A lock of none of
    them (empty, stale, another project's) leaves the manifest read whole."""
    locked, named = lock.names(), declared.names()
    return bool(locked) and (not named or bool(locked & named))


def _locked(dependency: Unauditable, pinned: set[tuple[str, str]], alike: set[Unauditable]) -> bool:
    """Whether the locks stand for a manifest's `dependency` that is no pin: its dynamic
    dependencies; a range of which they pin a version it admits, whatever place the
    manifest (its `[tool.uv.sources]`, which pip never reads, and which a marker may
    limit to other platforms) or they take its package from; one from elsewhere they
    take from the same place (`alike`)."""
    if dependency.name == DYNAMIC:
        return True
    if dependency.ranged:
        return _admitted(dependency, pinned)
    return dependency in alike


def _admitted(ranged: Unauditable, pinned: set[tuple[str, str]]) -> bool:
    """Whether a version `pinned` of a range's package is one the range admits."""
    try:
        specifiers = SpecifierSet(ranged.admits or "")
    except InvalidSpecifier:
        return False
    name = canonicalize_name(ranged.name or "")
    return any(n == name and specifiers.contains(version) for n, version in pinned)

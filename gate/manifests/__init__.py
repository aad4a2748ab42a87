"""Reading dependency declarations without pip: which dependencies are pinned, which are not.

Requirements files, `pyproject.toml`, `Pipfile` and the poetry, uv, pdm and pipenv
lock files are read as text (TOML, JSON), and vendored packages by their metadata
headers. Nothing here installs, builds or imports anything, so no code of the
bundle runs. A dependency the gate cannot audit from that text alone (unpinned,
editable, from git, a URL or a local path) is reported so the policy can judge
it; it is never handed to pip.
"""

from __future__ import annotations

import email.parser
from pathlib import Path

from gate.manifests.found import Found, Manifest, Pin, Unauditable
from gate.manifests.lockfiles import LOCKS_OF, READERS
from gate.manifests.requirements import REQUIREMENTS_GLOB, read_requirements

__all__ = ["MANIFEST_PATTERNS", "Manifest", "Pin", "Unauditable", "read_manifests", "read_vendored"]

MANIFEST_PATTERNS: tuple[str, ...] = (
    REQUIREMENTS_GLOB,
    "pyproject.toml",
    "Pipfile",
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile.lock",
)
"""File name globs of every dependency manifest the gate reads."""


def read_manifests(root: Path) -> Manifest:
    """Read every dependency manifest under `root` (MANIFEST_PATTERNS): requirements files
    first, then the others in path order. A `pyproject.toml` or `Pipfile` beside its lock
    file is left to the lock, whose exact versions are what gets installed."""
    found = Found()
    read_requirements(root, found)
    others = {path for name in READERS for path in root.rglob(name) if path.is_file()}
    for path in sorted(others):
        if any((path.parent / lock).is_file() for lock in LOCKS_OF.get(path.name, ())):
            continue
        relative = path.relative_to(root).as_posix()
        READERS[path.name](path.read_text("utf-8", errors="replace"), relative, found)
    return found.manifest()


def read_vendored(root: Path) -> Manifest:
    """Packages vendored into the bundle (beside the code, or in a layer's `python/` or
    `site-packages/`), from their `*.dist-info/METADATA` or `*.egg-info/PKG-INFO` alone."""
    found = Found()
    for info in sorted([*root.rglob("*.dist-info"), *root.rglob("*.egg-info")]):
        metadata = _metadata_file(info)
        headers = _headers(metadata) if metadata else {}
        relative = (metadata or info).relative_to(root).as_posix()
        name, version = headers.get("Name", "").strip(), headers.get("Version", "").strip()
        if name and version:
            found.pin(name, version, relative, 0)
        else:
            reason = "vendored package without a metadata Name and Version: not audited"
            found.problems.append(Unauditable(info.name, reason, relative, 0))
    return found.manifest()


def _metadata_file(info: Path) -> Path | None:
    """A dist-info's METADATA or an egg-info's PKG-INFO; an old single-file egg-info is
    itself PKG-INFO."""
    if info.is_file():
        return info if info.suffix == ".egg-info" else None
    metadata = info / ("METADATA" if info.suffix == ".dist-info" else "PKG-INFO")
    return metadata if metadata.is_file() else None


def _headers(metadata: Path) -> dict[str, str]:
    """The RFC 822 headers of a METADATA or PKG-INFO file (the body is the description)."""
    text = metadata.read_text("utf-8", errors="replace")
    return {key: str(value) for key, value in email.parser.HeaderParser().parsestr(text).items()}

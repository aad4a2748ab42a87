"""What a `*.dist-info` folder says of its distribution: its name and version, what it
requires, and which of its files are the metadata installers write."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

# Files of a dist-info folder that are code, never metadata.
_CODE_SUFFIXES = (".py", ".pyc", ".so", ".pyd")
# What pip and the wheel spec put in a dist-info folder.
_METADATA_NAMES = frozenset(
    {
        "METADATA",
        "RECORD",
        "RECORD.jws",
        "RECORD.p7s",
        "WHEEL",
        "INSTALLER",
        "REQUESTED",
        "top_level.txt",
        "entry_points.txt",
        "direct_url.json",
        "zip-safe",
        "namespace_packages.txt",
        "dependency_links.txt",
        "metadata.json",
        "DESCRIPTION.rst",
    }
)
_LICENSE_PREFIXES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def required_names(info: Path) -> list[str]:
    """The canonical names a dist-info's METADATA lists as `Requires-Dist`, whatever
    their markers (an extra pip installed is required just the same)."""
    names: list[str] = []
    for key, value in headers(info):
        if key == "requires-dist":
            try:
                names.append(canonicalize_name(Requirement(value).name))
            except InvalidRequirement:
                continue
    return names


def metadata_files(root: Path, info: Path) -> set[str]:
    """The dist-info folder's own files that installers write (metadata, never code or
    IaC); anything else in it is third-party only if the RECORD proves it."""
    return {
        p.relative_to(root).as_posix()
        for p in info.rglob("*")
        if p.is_file()
        and not p.name.endswith(_CODE_SUFFIXES)
        and (p.name in _METADATA_NAMES or p.name.startswith(_LICENSE_PREFIXES))
    }


def name_version(info: Path) -> tuple[str, str]:
    """The distribution's name and version from METADATA, else from the folder name."""
    fields: dict[str, str] = {}
    for key, value in headers(info):
        fields.setdefault(key, value)
    stem = info.name.removesuffix(".dist-info")
    name, _, version = stem.partition("-")
    return fields.get("name") or name, fields.get("version") or version


def headers(info: Path) -> list[tuple[str, str]]:
    """The METADATA header fields of a dist-info, keys lower-cased; [] if unreadable."""
    try:
        text = (info / "METADATA").read_text("utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        found.append((key.strip().lower(), value.strip()))
    return found

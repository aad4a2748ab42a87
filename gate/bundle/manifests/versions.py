"""What a manifest's text names, read as the installers read it: the versions a
constraint admits (one that admits a single version is that pin, however it is spelt),
the package and version a wheel's or sdist's file name states, and the package a
table's key names."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version


def single_version(specifiers: SpecifierSet) -> str | None:
    """The one version `specifiers` admits, as written: an `==` or `===` it satisfies
    (`==1.2`, `==1.2,>=1`), or equal `>=` and `<=` bounds (`>=1.2,<=1.2`). None for a
    set that admits more than one version, or none."""
    held = list(specifiers)
    if len(held) == 1 and held[0].operator == "===":
        return held[0].version  # arbitrary equality: any string, matched as written
    exact = [s.version for s in held if s.operator in ("==", "===") and "*" not in s.version]
    ceilings = {_version(s.version) for s in held if s.operator == "<="}
    floors = [s.version for s in held if s.operator == ">=" and _version(s.version) in ceilings]
    return next(
        (v for v in exact + floors if _version(v) and specifiers.contains(v, prereleases=True)),
        None,
    )


def constraint_specifiers(constraint: str) -> SpecifierSet | None:
    """A Poetry or Pipenv version constraint as PEP 440 specifiers: `1.2.3` and `=1.2.3`
    are `==1.2.3`, Poetry's `^1.2` is `>=1.2,<2` and `~1.2` is `>=1.2,<1.3`; `*` is any
    version. None for a constraint that is neither (a typo; a `||` union is read as its
    parts by the caller)."""
    # Poetry allows a space after an operator, and a space or a comma between parts.
    parts = re.sub(r"(?<=[<>=!~^])\s+", "", constraint).replace(",", " ").split()
    try:
        return SpecifierSet(",".join(_specifier(part) for part in parts if part != "*"))
    except (InvalidSpecifier, InvalidVersion):
        return None


def _specifier(part: str) -> str:
    """One part of a constraint as PEP 440 specifiers: a bare version (or Poetry's
    `=1.2.3`) is that version exactly."""
    if part.startswith(("^", "~")) and not part.startswith("~="):
        return _caret_or_tilde(part[0], part[1:])
    if part.startswith("=") and not part.startswith("=="):
        part = part[1:]
    if not part[:1].isdigit():
        return part
    # A version PEP 440 cannot read is kept as written, so its pin says so.
    return f"=={part}" if "*" in part or _version(part) else f"==={part}"


def _caret_or_tilde(operator: str, version: str) -> str:
    """Poetry's `^1.2.3` (`>=1.2.3,<2`: up to the first non-zero part) or `~1.2.3`
    (`>=1.2.3,<1.3`: up to the minor part). Raises InvalidVersion for no version."""
    release = Version(version).release
    nonzero = next((i for i, n in enumerate(release) if n), len(release) - 1)
    last = min(1, len(release) - 1) if operator == "~" else nonzero
    return f">={version},<{_next(release[: last + 1])}"


Bounds = tuple[Version | None, Version, bool]
"""A range's floor (None for none), its ceiling, and whether the ceiling is admitted."""


def bounds(specifiers: str) -> Bounds | None:
    """The bounds of the versions a range admits (PEP 440 `specifiers`): its floor (None
    for none), its ceiling, and whether the ceiling itself is admitted; None for a range
    without a ceiling, or one that is not versions. `~=1.2.3` and `==1.2.*` are
    `>=1.2.3,<1.3` and `>=1.2,<1.3`."""
    floors: list[Version] = []
    ceilings: list[tuple[Version, bool]] = []
    try:
        for spec in SpecifierSet(specifiers):
            version = spec.version.removesuffix(".*")
            if spec.operator in (">=", ">", "~=", "==", "==="):
                floors.append(Version(version))
            if spec.operator in ("<", "<="):
                ceilings.append((Version(version), spec.operator == "<="))
            elif spec.operator == "~=":
                ceilings.append((_next(Version(version).release[:-1]), False))
            elif spec.operator == "==" and spec.version.endswith(".*"):
                ceilings.append((_next(Version(version).release), False))
            elif spec.operator in ("==", "==="):
                ceilings.append((Version(version), True))
    except (InvalidSpecifier, InvalidVersion):
        return None
    if not ceilings:
        return None
    ceiling, inclusive = min(ceilings)  # at one version, excluding it is the tighter
    return max(floors, default=None), ceiling, inclusive


def _next(release: tuple[int, ...]) -> Version:
    """The release after every one that starts with `release`: `1.2` for `1.1`."""
    return Version(".".join(str(n) for n in [*release[:-1], release[-1] + 1]))


def file_version(url: str) -> tuple[str, str] | None:
    """The package and version that a wheel's or sdist's file name states (the last part
    of `url`'s path), which pip checks the file against; None for another name."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    try:
        if name.endswith(".whl"):
            project, version, *_ = parse_wheel_filename(name)
        else:
            project, version = parse_sdist_filename(name)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return project, str(version)


def requirement_name(key: str) -> str | None:
    """The package a manifest's key names, read as the installers read it (pipenv joins
    the key and the version into a requirement line): `requests[socks]` and `requests `
    are requests. None for a key that is not a name with extras."""
    try:
        requirement = Requirement(key)
    except InvalidRequirement:
        return None
    plain = not (requirement.specifier or requirement.url or requirement.marker)
    return requirement.name if plain else None


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None

"""Packages vendored into a bundle, known by their `*.dist-info/METADATA` or
`*.egg-info/PKG-INFO` headers alone.

pip and `importlib.metadata` read these headers with `email.parser`, where
`message["Version"]` is the FIRST `Version:` header; a dict of the headers keeps the
last. A file with two `Name:` or `Version:` headers could show a reviewer one version
and pip another, and only a forged or broken package has them, so it is refused rather
than read either way. So is metadata whose Name (or, for a dist-info, Version) is not
the one its directory is named for: `importlib.metadata` finds a distribution by its
directory name and reports the METADATA's, and the two must be the same package.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gate.bundle.manifests.found import Found, Manifest, Unauditable
from gate.bundle.manifests.shapes import Malformed

if TYPE_CHECKING:
    from email.message import Message

_IDENTITY = ("Name", "Version")


def read_vendored(root: Path) -> Manifest:
    """Packages vendored into the bundle (beside the code, or in a layer's `python/` or
    `site-packages/`), from their `*.dist-info/METADATA` or `*.egg-info/PKG-INFO` alone."""
    found = Found()
    for info in sorted([*root.rglob("*.dist-info"), *root.rglob("*.egg-info")]):
        metadata = _metadata_file(info)
        relative = (metadata or info).relative_to(root).as_posix()
        try:
            name, version = _identity(info, _headers(metadata))
        except Malformed as e:
            found.problems.append(Unauditable(info.name, str(e), relative, 0))
            continue
        found.pin(name, version, relative, 0)
    return found.manifest()


def _identity(info: Path, headers: Message) -> tuple[str, str]:
    """The Name and Version a package's metadata gives, checked against its directory."""
    values = {key: [str(v).strip() for v in headers.get_all(key) or []] for key in _IDENTITY}
    for key, found in values.items():
        if len(found) > 1:
            shown = ", ".join(repr(v) for v in found)
            raise Malformed(
                key,
                f"header appears {len(found)} times ({shown}): pip reads the first, a reviewer "
                "may read another; a package's metadata has one, so it is not audited",
            )
    name, version = (next(iter(values[key]), "") for key in _IDENTITY)
    if not name or not version:
        raise Malformed("", "vendored package without a metadata Name and Version: not audited")
    _check_directory(info, name, version)
    return name, version


def _check_directory(info: Path, name: str, version: str) -> None:
    """The directory `NAME-VERSION.dist-info` (or `NAME[-VERSION[-pyX.Y]].egg-info`) must
    name the package its metadata describes."""
    stem = info.name.rsplit(".", 1)[0]
    if info.suffix == ".dist-info":
        named, _, named_version = stem.rpartition("-") if "-" in stem else (stem, "", "")
    else:
        named, _, rest = stem.partition("-")
        named_version = rest.split("-", 1)[0]
    if canonicalize_name(named) != canonicalize_name(name):
        raise Malformed(
            "Name", f"is {name!r}, but the directory is named for {named!r}: not audited"
        )
    if named_version and not _same_version(named_version, version):
        raise Malformed(
            "Version",
            f"is {version!r}, but the directory is named for {named_version!r}: not audited",
        )


def _same_version(one: str, other: str) -> bool:
    try:
        return Version(one) == Version(other)
    except InvalidVersion:
        return one == other


def _metadata_file(info: Path) -> Path | None:
    """A dist-info's METADATA or an egg-info's PKG-INFO; an old single-file egg-info is
    itself PKG-INFO."""
    if info.is_file():
        return info if info.suffix == ".egg-info" else None
    metadata = info / ("METADATA" if info.suffix == ".dist-info" else "PKG-INFO")
    return metadata if metadata.is_file() else None


def _headers(metadata: Path | None) -> Message:
    """The RFC 822 headers of a METADATA or PKG-INFO file (the body is the description);
    none without one."""
    import email.parser  # here: a bundle without vendored packages never needs it

    text = metadata.read_text("utf-8", errors="replace") if metadata else ""
    return email.parser.HeaderParser().parsestr(text)

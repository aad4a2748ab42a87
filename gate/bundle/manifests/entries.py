"""One dependency as a lock file or a Poetry/Pipenv table writes it: a name, a version,
and perhaps a source that is not a package index."""

from __future__ import annotations

import re
from typing import Any

from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.requirements import FROM_BUNDLE, from_bundle, from_url, local_place
from gate.bundle.manifests.shapes import Malformed, join, kind
from gate.bundle.manifests.versions import constraint_specifiers, requirement_name, single_version

# Where a dependency comes from when it is not a package index, as the lock files and
# Poetry/Pipenv tables name it: the gate cannot tell which code that is, so it is not audited.
LOCAL_SOURCES = {
    "git": "git dependency",
    "url": "URL dependency",
    "file": "local file dependency",
    "path": "local path dependency",
    "directory": "local path dependency",
    "virtual": "local path dependency",
    "editable": "editable dependency",
}

# Of those, the sources that name a folder pip builds.
_FOLDERS = ("path", "directory", "file")
# Poetry's union of constraints: `||`, or a single `|`.
_UNION = re.compile(r"\|\|?")


def read_dependency(
    name: str,
    entry: dict[str, Any],
    at: str,
    where: tuple[str, int],
    found: Found,
    locked: bool = False,
    text: str = "",
) -> None:
    """One dependency `entry` (its `version` and source keys) at key `at` of the file:
    a pin if its version admits one version and it names no git, URL or local source
    (`LOCAL_SOURCES`), else why it cannot be audited, shown as `text`. A source is judged
    by its value: a remote URL under any of those keys is from elsewhere. In a lock
    (`locked`), a dependency from an index must have an exact version."""
    path, line = where
    package = requirement_name(name)
    if package is None:
        raise Malformed(at, "is not a package name (a name, then any [extras])", line)
    version = entry.get("version")
    if version is not None and not isinstance(version, str):
        raise Malformed(join(at, "version"), f"must be a string, not {kind(version)}", line)
    if version is not None and len(alternatives := _UNION.split(version)) > 1:
        # Poetry's `2.19.0 || 2.19.1`: the resolver may take any of them, so each is
        # judged as if written alone (a pin audited, a range as ranges are).
        for alternative in alternatives:
            read_dependency(name, {**entry, "version": alternative}, at, where, found, locked, text)
        return
    local = _source_key(entry, at, line)
    source = entry.get(local) if local else None
    text = text or shown(name, version, source)
    specifiers = constraint_specifiers(version or "*")
    exact = single_version(specifiers) if specifiers is not None else None
    # Refusals name the key, as a manifest's shape errors do.
    key = f'"{join(at, str(local))}" '
    if isinstance(source, str) and from_bundle(source, repository=local == "git"):
        found.problems.append(Unauditable(text, key + FROM_BUNDLE, path, line))
    elif _remote(source):
        from_url(text, str(source), LOCAL_SOURCES[str(local)], (path, line), package, found)
    elif (
        local in _FOLDERS
        and isinstance(source, str)
        and (refusal := found.build_refusal(path, source))
    ):
        found.problems.append(Unauditable(text, key + refusal, path, line))
    elif local:
        place = source if isinstance(source, str) else None
        found.unauditable.append(
            Unauditable(text, LOCAL_SOURCES[local], path, line, package, source=place)
        )
    elif exact is None and locked:
        problem = "is missing" if version is None else f"is not one exact version ({version!r})"
        raise Malformed(join(at, "version"), f"{problem}: a lock pins every package", line)
    elif exact is None:
        found.unpinned(text, package, str(specifiers or ""), path, line)
    else:
        found.pin(package, exact, path, line)


def _source_key(entry: dict[str, Any], at: str, line: int) -> str | None:
    """Which of `LOCAL_SOURCES` the entry takes the dependency from: the first holding a
    remote URL, else the first set."""
    keys = [key for key in LOCAL_SOURCES if entry.get(key)]
    for key in keys:
        if not isinstance(entry[key], (str, bool)):
            raise Malformed(join(at, key), f"must be a string, not {kind(entry[key])}", line)
    return next((key for key in keys if _remote(entry[key])), next(iter(keys), None))


def _remote(source: object) -> bool:
    """Whether a source key's value is a place off the local disk (a URL, a repository)."""
    return isinstance(source, str) and not local_place(source)


def shown(name: str, version: object, where: object) -> str:
    """`name 1.2 @ https://...`, as much of it as the lock says."""
    text = f"{name} {version}" if version else name
    return f"{text} @ {where}" if isinstance(where, str) else text

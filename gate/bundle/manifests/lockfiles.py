"""The poetry, uv, pdm and pipenv lock files, read as TOML or JSON text. Line numbers are
found in the text, since the parsers give none.

A lock must be shaped as its tool writes it: a lock that parses but holds, say, a
list where its packages belong is refused (`Malformed`, naming the key), never read
as "no packages".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from gate.bundle.manifests.declared import (
    SETUP_CFG,
    SETUP_PY,
    read_pipfile,
    read_pyproject,
    read_setup_cfg,
    read_setup_py,
)
from gate.bundle.manifests.entries import read_dependency
from gate.bundle.manifests.found import Found
from gate.bundle.manifests.indexes import (
    LOCKED,
    SOURCE,
    files_elsewhere,
    line_of,
    read_pdm_toml,
    read_uv_toml,
    record,
)
from gate.bundle.manifests.shapes import Malformed, join, kind, load_toml, string, table, tables

# A manifest of ranges beside one of its lock files is pinned by that lock, which is audited.
LOCKS_OF = {"pyproject.toml": ("poetry.lock", "uv.lock", "pdm.lock"), "Pipfile": ("Pipfile.lock",)}


def _read_poetry_lock(text: str, path: str, found: Found) -> None:
    for at, package, line in _lock_packages(text, "metadata"):
        name = _name(package, at, line)
        source = table(package, "source", at)
        # Poetry names the kind of source in `type` (git, directory, file, url, legacy).
        kind_of = string(source, "type", join(at, "source")) or ""
        url = string(source, "url", join(at, "source"))
        if kind_of == "legacy":  # an index of Poetry's sources, not PyPI
            record(found, url or "", LOCKED, path, line)
            kind_of = ""
        entry = {"version": package.get("version"), kind_of: url or True}
        read_dependency(name, entry, at, (path, line), found, locked=True)


def _read_uv_lock(text: str, path: str, found: Found) -> None:
    """uv.lock; the project itself (its editable or virtual root, `.`) is the bundle's own
    code, not a dependency. A lock has one project root: a second package calling itself
    the root would be a package nobody audits."""
    root = None
    for at, package, line in _lock_packages(text, "version"):
        name = _name(package, at, line)
        source = table(package, "source", at)
        for key, value in source.items():
            if not isinstance(value, str):
                problem = f"must be a string, not {kind(value)}"
                raise Malformed(join(join(at, "source"), key), problem, line)
        if "registry" in source:
            record(found, source["registry"], LOCKED, path, line)
        sdist = table(package, "sdist", at)
        files = [sdist, *tables(package, "wheels", at)] if sdist else tables(package, "wheels", at)
        files_elsewhere(files, source.get("registry"), at, (path, line), found)
        if "." not in (source.get("editable"), source.get("virtual")):
            entry = {**source, "version": package.get("version")}
            read_dependency(name, entry, at, (path, line), found, locked=True)
        elif root is not None:
            problem = f"is a second project root (`.`) after {root!r}: a lock has one"
            raise Malformed(join(at, "source"), problem, line)
        else:
            root = name


def _read_pdm_lock(text: str, path: str, found: Found) -> None:
    for at, package, line in _lock_packages(text, "metadata"):
        name = _name(package, at, line)
        files_elsewhere(tables(package, "files", at), None, at, (path, line), found)
        read_dependency(name, package, at, (path, line), found, locked=True)


def _read_pipfile_lock(text: str, path: str, found: Found) -> None:
    """Pipfile.lock: every section but `_meta` (`default`, `develop`, custom categories)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise Malformed("", f"not valid JSON ({e})", e.lineno) from e
    if not isinstance(data, dict):
        raise Malformed("", f"must be a JSON object of sections, not {kind(data)}")
    if "default" not in data:  # pipenv writes it even when it locks nothing
        raise Malformed("default", "is missing (must be a table of packages)")
    meta = table(data, "_meta")
    for n, source in enumerate(tables(meta, "sources", "_meta")):
        url = string(source, "url", join("_meta.sources", n), required=True) or ""
        record(found, url, SOURCE, path, line_of(text.splitlines(), url))
    lines = _json_key_lines(text)
    for section in data:
        if section == "_meta":
            continue
        packages = data[section]
        if not isinstance(packages, dict):
            raise Malformed(section, f"must be a table of packages, not {kind(packages)}")
        for name in packages:
            line = lines.get((section, name), 0)
            entry = table(packages, name, section)
            read_dependency(name, entry, join(section, name), (path, line), found, locked=True)


def _name(package: dict[str, Any], at: str, line: int) -> str:
    """A lock package's name: a dependency without one cannot be audited."""
    name = package.get("name")
    if not isinstance(name, str) or not name.strip():
        present = "name" in package
        problem = f"must be a string, not {kind(name)}" if present else "is missing"
        raise Malformed(join(at, "name"), f"{problem}: a dependency without a name", line)
    return name


def _lock_packages(text: str, header: str) -> list[tuple[str, dict[str, Any], int]]:
    """A TOML lock's `[[package]]` tables, each with its key and the line of its `name =`.
    A lock that locks nothing still has its tool's `header` (`metadata`, or uv's
    `version`); a file with neither that nor packages is refused, never read as locking
    nothing. (What the manifest beside a lock declares beyond it is read from the
    manifest, so an empty lock hides nothing.)"""
    data = load_toml(text)
    if not data:
        raise Malformed("", "the lock file is empty: it pins nothing, so nothing is audited")
    if "package" not in data and header in data:
        return []
    packages = tables(data, "package", required=True)
    lines = _package_lines(text)
    return [
        (join("package", i), p, lines[i] if i < len(lines) else 0) for i, p in enumerate(packages)
    ]


def _package_lines(text: str) -> list[int]:
    """The line of each `[[package]]`'s `name =`, in order: tomllib gives no positions."""
    numbers: list[int] = []
    in_package = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_package = stripped == "[[package]]"
        elif in_package and re.match(r"name\s*=", stripped):
            numbers.append(number)
            in_package = False
    return numbers


def _json_key_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, package) -> line of `"package": {` in a Pipfile.lock, as pipenv writes it:
    one key a line, sections at the top level."""
    numbers: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        key = re.match(r'(?P<indent>\s*)"(?P<key>[^"]+)":\s*\{', line)
        if key and len(key["indent"]) <= 4:
            section = key["key"]
        elif key:
            numbers.setdefault((section, key["key"]), number)
    return numbers


READERS: dict[str, Callable[[str, str, Found], None]] = {
    "pyproject.toml": read_pyproject,
    "Pipfile": read_pipfile,
    "poetry.lock": _read_poetry_lock,
    "uv.lock": _read_uv_lock,
    "pdm.lock": _read_pdm_lock,
    "Pipfile.lock": _read_pipfile_lock,
    "uv.toml": read_uv_toml,
    "pdm.toml": read_pdm_toml,
    SETUP_CFG: read_setup_cfg,
    SETUP_PY: read_setup_py,
}
"""Each manifest's reader, by file name; each raises `Malformed` for a file it cannot read."""

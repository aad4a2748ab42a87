"""Package indexes other than PyPI that a manifest makes pip, uv, Poetry, PDM or pipenv
install from.

The audit looks each pinned package up by name and version in PyPI's advisories. A
package taken from another index is that index's code under the name: nothing says it is
PyPI's release, and with an extra index (`--extra-index-url`, a supplemental source) the
installer takes whichever index offers the newest version, so anyone who can publish the
name there decides what is installed (dependency confusion). Each such index is reported
once per file where it is named (GATE-DEP-002), so a reviewer accepts a private index on
purpose, by waiving its finding, never by default. A folder or file of the disk named as
an index is refused: what pip installs from it is the bundle's code, unscanned.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.shapes import join, string, strings, table, tables

_PYPI_HOSTS = ("pypi.org", "pypi.python.org")

# What each kind of index does, as GATE-DEP-002 says it after the index's URL.
REPLACES_PYPI = "packages are installed from this index in place of PyPI"
EXTRA = (
    "an index beside PyPI: the installer takes each package from whichever offers the "
    "newest version, so whoever can publish its name there decides what is installed"
)
ARCHIVES = "archives on this page are installed, whatever names they carry"
SOURCE = "a source of packages other than PyPI"
LOCKED = "packages are locked from this index, not PyPI"
LOCAL_PACKAGES = (
    "points pip at packages in files of the bundle, which it installs in place of "
    "what the audit looks up; install from an index, or vendor the package with "
    "its RECORD"
)


def record(found: Found, url: str, reason: str, path: str, line: int) -> None:
    """An index a manifest at `path` names: nothing for PyPI's own, a refusal for a folder
    or file of the disk (its packages are the bundle's, unscanned), else once per file."""
    if is_pypi(url):
        return
    if local_source(url):
        found.problems.append(Unauditable(url, LOCAL_PACKAGES, path, line))
    elif not any((i.text, i.path) == (url, path) for i in found.indexes):
        found.indexes.append(Unauditable(url, reason, path, line))


def local_source(value: str) -> bool:
    """Whether an index, find-links or URL value (`../wheels`, `file:///x`) is a local place
    rather than a server. A value that is one variable (`${PIP_FIND_LINKS}`, the
    Framework's `${env:X}`) is what the runner's environment names, not the bundle,
    unless the variable is the checkout (`${PWD}`, `${GITHUB_WORKSPACE}`); a path built on
    one (`${PWD}/wheels`) is a folder all the same."""
    if _CHECKOUT.search(value):
        return True
    if _ONE_VARIABLE.fullmatch(value):
        return False
    return bool(_FILE_URL.match(value)) or not is_url(value)


_FILE_URL = re.compile(r"^(?:[a-z]+\+)?file:", re.IGNORECASE)  # `file:`, `git+file:`
_ONE_VARIABLE = re.compile(r"\$\{(?:env:)?[A-Za-z_][A-Za-z0-9_]*\}")
_CHECKOUT = re.compile(
    r"\$\{?(?:env:)?(PWD|OLDPWD|GITHUB_WORKSPACE|CI_PROJECT_DIR|CI_BUILDS_DIR|"
    r"CODEBUILD_SRC_DIR|BITBUCKET_CLONE_DIR|WORKSPACE|CI_WORKSPACE|BUILD_SOURCESDIRECTORY|"
    r"SYSTEM_DEFAULTWORKINGDIRECTORY|CIRCLE_WORKING_DIRECTORY|DRONE_WORKSPACE)\b"
)
"""Variables a CI runner sets to the checkout: the bundle itself, alone or not."""


_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def is_url(text: str) -> bool:
    """Whether `text` starts as a URL does (`scheme://`)."""
    return bool(_URL.match(text))


def is_pypi(url: str) -> bool:
    """Whether `url` is PyPI's simple index itself, over HTTPS and without credentials."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and host in _PYPI_HOSTS
        and parts.port in (None, 443)
        and parts.username is None
        and parts.path.rstrip("/") in ("", "/simple", "/pypi")
        and not parts.query
    )


def pyproject_indexes(data: dict[str, Any], lines: list[str], path: str, found: Found) -> None:
    """The indexes a `pyproject.toml` gives Poetry (`tool.poetry.source`), uv
    (`tool.uv.index`, `index-url`, `extra-index-url`, `find-links`) and PDM
    (`tool.pdm.source`)."""
    tool = table(data, "tool")
    for owner in ("poetry", "pdm"):
        at = join("tool", owner)
        for n, source in enumerate(tables(table(tool, owner, "tool"), "source", at)):
            _source(source, join(join(at, "source"), n), lines, path, found)
    uv = table(tool, "uv", "tool")
    for n, source in enumerate(tables(uv, "index", "tool.uv")):
        url = string(source, "url", join("tool.uv.index", n), required=True) or ""
        reason = REPLACES_PYPI if source.get("default") is True else SOURCE
        record(found, url, reason, path, line_of(lines, url))
    for key, reason in (("index-url", REPLACES_PYPI), ("extra-index-url", EXTRA)):
        for url in _one_or_many(uv, key):
            record(found, url, reason, path, line_of(lines, url))
    for url in _one_or_many(uv, "find-links"):
        record(found, url, ARCHIVES, path, line_of(lines, url))


def pipfile_indexes(data: dict[str, Any], lines: list[str], path: str, found: Found) -> None:
    """A Pipfile's `[[source]]` tables."""
    for n, source in enumerate(tables(data, "source")):
        _source(source, join("source", n), lines, path, found)


def _source(source: dict[str, Any], at: str, lines: list[str], path: str, found: Found) -> None:
    url = string(source, "url", at, required=True) or ""
    record(found, url, SOURCE, path, line_of(lines, url))


def _one_or_many(settings: dict[str, Any], key: str) -> list[str]:
    value = settings.get(key)
    return [value] if isinstance(value, str) else strings(settings, key, "tool.uv")


def line_of(lines: list[str], text: str) -> int:
    """The first line holding `text` (1-based), 0 when none does."""
    return next((n for n, line in enumerate(lines, 1) if text in line), 0)

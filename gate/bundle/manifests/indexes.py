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
from urllib.parse import SplitResult, urlsplit

from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.shapes import join, load_toml, string, strings, table, tables

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
LOCKED_FILES = "the lock downloads files from this server, not PyPI's"
DIRECT = "a package downloaded from this server or repository, not from PyPI"
LOCAL_PACKAGES = (
    "points pip at packages in files of the bundle, which it installs in place of "
    "what the audit looks up; install from an index, or vendor the package with "
    "its RECORD"
)


def record(
    found: Found, url: str, reason: str, path: str, line: int, name: str | None = None
) -> None:
    """An index a manifest at `path` names (for the dependency `name`, when it is one
    package's source): nothing for PyPI's own, a refusal for a folder or file of the disk
    (its packages are the bundle's, unscanned), else once per file."""
    if is_pypi(url):
        return
    if local_source(url):
        found.problems.append(Unauditable(url, LOCAL_PACKAGES, path, line))
    elif not any((i.text, i.path) == (url, path) for i in found.indexes):
        found.indexes.append(Unauditable(url, reason, path, line, name))


def from_elsewhere(found: Found, url: str, path: str, line: int, name: str | None) -> bool:
    """Record a requirement's remote URL or repository (`name @ https://...`,
    `git+https://...`) as a source other than PyPI, unless it is a file of PyPI's own
    (whose name states its version). Whether it was recorded."""
    if _pypi_server(VCS.sub("", url.strip()), _PYPI_FILES):
        return False
    record(found, url, DIRECT, path, line, name)
    return True


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
    parts = _pypi_server(url, _PYPI_HOSTS)
    return (
        parts is not None and parts.path.rstrip("/") in ("", "/simple", "/pypi") and not parts.query
    )


def pyproject_indexes(data: dict[str, Any], lines: list[str], path: str, found: Found) -> None:
    """The indexes a `pyproject.toml` gives Poetry (`tool.poetry.source`), uv
    (`tool.uv` and `tool.uv.pip`: `index`, `index-url`, `extra-index-url`, `find-links`)
    and PDM (`tool.pdm.source`)."""
    tool = table(data, "tool")
    for owner in ("poetry", "pdm"):
        at = join("tool", owner)
        for n, source in enumerate(tables(table(tool, owner, "tool"), "source", at)):
            _source(source, join(join(at, "source"), n), lines, path, found)
    _uv_settings(table(tool, "uv", "tool"), "tool.uv", lines, path, found)


def read_uv_toml(text: str, path: str, found: Found) -> None:
    """A `uv.toml`: uv's settings, as `tool.uv` holds them, read by uv from the project's
    folder (and above)."""
    _uv_settings(load_toml(text), "", text.splitlines(), path, found)


def _uv_settings(
    settings: dict[str, Any], at: str, lines: list[str], path: str, found: Found
) -> None:
    """uv's index settings at `at` (`tool.uv`, or a uv.toml's top) and in its `pip` table."""
    for where, held in ((at, settings), (join(at, "pip"), table(settings, "pip", at))):
        for n, source in enumerate(tables(held, "index", where)):
            url = string(source, "url", join(join(where, "index"), n), required=True) or ""
            reason = REPLACES_PYPI if source.get("default") is True else SOURCE
            record(found, url, reason, path, line_of(lines, url))
        for key, reason in _UV_KEYS:
            value = held.get(key)
            for url in [value] if isinstance(value, str) else strings(held, key, where):
                record(found, url, reason, path, line_of(lines, url))


_UV_KEYS = (("index-url", REPLACES_PYPI), ("extra-index-url", EXTRA), ("find-links", ARCHIVES))


def read_pdm_toml(text: str, path: str, found: Found) -> None:
    """A `pdm.toml`, PDM's project settings: `[pypi] url` replaces PyPI, and each
    `[pypi.<name>] url` is one more source."""
    data, lines = load_toml(text), text.splitlines()
    pypi = table(data, "pypi")
    url = string(pypi, "url", "pypi")
    if url is not None:
        record(found, url, REPLACES_PYPI, path, line_of(lines, url))
    for name, source in pypi.items():
        if isinstance(source, dict):
            _source(source, join("pypi", name), lines, path, found)


def files_elsewhere(
    files: list[Any], registry: str | None, at: str, where: tuple[str, int], found: Found
) -> None:
    """A lock's files of one package (each `url`), each from the host of its `registry`
    (files.pythonhosted.org for PyPI's): a file elsewhere is what the installer downloads,
    whoever serves it."""
    for n, entry in enumerate(files):
        url = string(entry, "url", join(at, n)) if isinstance(entry, dict) else None
        if url is not None and not _served_by(url, registry):
            parts = _parts(url) if is_url(url) else None
            server = parts._replace(path="/", query="", fragment="").geturl() if parts else url
            record(found, server, LOCKED_FILES, *where)


def _served_by(url: str, registry: str | None) -> bool:
    """Whether a lock's file `url` is on the server of its `registry` (PyPI's files for
    PyPI's, and where none is named)."""
    if registry is None or is_pypi(registry):
        return _pypi_server(url, _PYPI_FILES) is not None
    return _host(url) is not None and _host(url) == _host(registry)


_PYPI_FILES = ("files.pythonhosted.org",)
VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
"""The prefix of a version-control URL (`git+https://`)."""


def _host(url: str) -> str | None:
    """The host of a URL every installer reads alike (`_parts`), else None."""
    parts = _parts(url)
    return parts.hostname if parts else None


def _pypi_server(url: str, hosts: tuple[str, ...]) -> SplitResult | None:
    """`url` split, if it names one of PyPI's `hosts` over HTTPS, without credentials or
    another port: the one test of whether a URL is PyPI's (its index or its files)."""
    parts = _parts(url.strip())
    plain = {f"{host}{port}" for host in hosts for port in ("", ":443")}
    return parts if parts and parts.scheme == "https" and parts.netloc.lower() in plain else None


def _parts(url: str) -> SplitResult | None:
    """`url` split, if pip, uv and Python's `urlsplit` read it alike; else None, so it is
    never PyPI's. They differ on some characters: pip and uv end the authority at a
    backslash, where `urlsplit` reads on to the last `@`, and whitespace, control
    characters and non-ASCII are dropped, kept or encoded by one parser or another."""
    if not _PLAIN.fullmatch(url):
        return None
    try:
        return urlsplit(url)
    except ValueError:
        return None


_PLAIN = re.compile(r"[!-\[\]-~]*")
"""Printable ASCII without a space or a backslash."""


def pipfile_indexes(data: dict[str, Any], lines: list[str], path: str, found: Found) -> None:
    """A Pipfile's `[[source]]` tables."""
    for n, source in enumerate(tables(data, "source")):
        _source(source, join("source", n), lines, path, found)


def _source(source: dict[str, Any], at: str, lines: list[str], path: str, found: Found) -> None:
    url = string(source, "url", at, required=True) or ""
    record(found, url, SOURCE, path, line_of(lines, url))


def line_of(lines: list[str], text: str) -> int:
    """The first line holding `text` (1-based), 0 when none does."""
    return next((n for n, line in enumerate(lines, 1) if text in line), 0)

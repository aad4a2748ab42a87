"""`requirements*.txt`, read as pip would parse it but without pip: `-r` includes inside
the bundle, hashes, markers, extras; `-e`, URLs and local paths are reported, never resolved."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.indexes import (
    ARCHIVES,
    EXTRA,
    LOCAL_PACKAGES,
    REPLACES_PYPI,
    VCS,
    from_elsewhere,
    is_url,
    local_source,
    record,
)
from gate.bundle.manifests.pipoptions import read_line
from gate.bundle.manifests.versions import file_version, single_version

REQUIREMENTS_GLOB = "requirements*.txt"
_WHAT_READS = "pip cannot read this line's options"


def read_requirements(root: Path, found: Found, named: list[Path] | None = None) -> None:
    """Every `requirements*.txt` under `root`, and the requirements files `named`,
    following `-r` includes and `-c` constraints inside them."""
    _read_files(root, found, _by_name_and_named(root, named or []))


def read_named_files(names: list[str], manifest: str, line: int, found: Found) -> None:
    """The requirements files a manifest (`manifest`, relative to `found.root`) names at
    `line`, each read as an include is (`named_files`)."""
    assert found.root is not None, "files are named only within a bundle"
    _read_files(found.root, found, named_files(names, manifest, line, found))


def named_files(names: list[str], manifest: str, line: int, found: Found) -> list[Path]:
    """The files a manifest (`manifest`, relative to `found.root`) names at `line`, each
    found beside it: one outside the bundle or missing is a problem."""
    root = found.root
    assert root is not None, "files are named only within a bundle"
    return [t for n in names for t in include(root, root / manifest, n, line, found)]


def _read_files(root: Path, found: Found, files: list[Path]) -> None:
    """The requirements files `files` and those they include, line by line."""
    for relative, lines, _ in _requirements(root, found, files):
        for number, text in lines:
            _classify_line(text, relative, number, found)


def requirement_files(root: Path, named: list[Path] | None = None) -> list[str]:
    """The requirements files `read_requirements` reads (relative to `root`): those it
    finds by name, those `named`, and every file they include."""
    return list(requirement_includes(root, named or []))


def requirement_includes(root: Path, named: list[Path]) -> dict[str, list[str]]:
    """Each requirements file `read_requirements` reads (relative to `root`: those it
    finds by name, those `named`, and every file they include), with the files it
    includes, in the order it reads them."""
    top = root.resolve()
    files = _by_name_and_named(root, named)
    return {
        relative: [path.resolve().relative_to(top).as_posix() for path in included]
        for relative, _, included in _requirements(root, Found(), files)
    }


def _by_name_and_named(root: Path, named: list[Path]) -> list[Path]:
    """Every `requirements*.txt` under `root`, and the files `named`, in path order."""
    return sorted({*root.rglob(REQUIREMENTS_GLOB), *named})


def _requirements(
    root: Path, found: Found, files: list[Path]
) -> Iterator[tuple[str, list[tuple[int, str]], list[Path]]]:
    """Each of the requirements files `files` read, with its logical lines and the files
    it includes, which are read after it."""
    seen: set[Path] = set()
    queue = list(files)
    while queue:
        path = queue.pop(0).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        relative = path.relative_to(root.resolve()).as_posix()
        try:
            lines = _logical_lines(_decoded(path.read_bytes()))
        except ValueError as e:  # UnicodeDecodeError too
            reason = f"pip would read it otherwise: {str(e).splitlines()[0]}"
            found.problems.append(Unauditable(relative, reason, relative, 0))
            lines = []
        included: list[Path] = []
        for number, text in lines:
            try:
                includes = read_line(text).includes
            except ValueError:
                continue  # a problem `_classify_line` reports
            for _, name in includes:
                included += include(root, path, name, number, found)
        queue.extend(included)
        yield relative, lines, included


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """A requirements file's logical lines, each numbered by its first line, as pip makes
    them (its req_file `join_lines`, then `ignore_comments`): a line ending in `\\` (not a
    comment) is joined to the next with nothing between them, even at the end of the
    file; comments are removed after the joining; empty lines are dropped."""
    joined: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        comment = _COMMENT.match(line) is not None
        if line.endswith("\\") and not comment:
            start = start if pending else number
            pending.append(line.strip("\\"))
            continue
        line = " " + line if comment else line
        joined.append((start, "".join([*pending, line])) if pending else (number, line))
        pending = []
    if pending:
        joined.append((start, "".join(pending)))
    stripped = ((number, _COMMENT.sub("", line).strip()) for number, line in joined)
    return [(number, line) for number, line in stripped if line]


_COMMENT = re.compile(r"(^|\s+)#.*$")


def _decoded(data: bytes) -> str:
    """A requirements file's text, decoded as pip decodes it (its `auto_decode`): a UTF-8
    BOM dropped, an encoding declared on one of the first two lines (`# -*- coding: X
    -*-`) honoured, else UTF-8. Raises ValueError for a file pip would read otherwise or
    not at all: another BOM (UTF-16, UTF-32), an encoding Python does not know, bytes
    that are not the encoding's."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError("it starts with a UTF-16 or UTF-32 byte order mark; save it as UTF-8")
    for line in data.split(b"\n")[:2]:
        declared = _ENCODING.search(line) if line[:1] == b"#" else None
        if declared:
            try:
                return data.decode(declared[1].decode("ascii"))
            except LookupError:
                raise ValueError(f"it declares an unknown encoding {declared[1]!r}") from None
    return data.decode("utf-8")


_ENCODING = re.compile(rb"coding[:=]\s*([-\w.]+)")


def include(
    root: Path, path: Path, name: str, number: int, found: Found, folder: Path | None = None
) -> list[Path]:
    """The file `name` that the file `path` includes (or names) at line `number`, found
    in `folder` (beside it unless given): none, and a problem, where it is outside the
    bundle or missing."""
    target = ((folder or path.parent) / name).resolve()
    relative = path.resolve().relative_to(root.resolve()).as_posix()
    if not target.is_relative_to(root.resolve()):
        found.problems.append(Unauditable(name, _OUTSIDE, relative, number))
        return []
    if not target.is_file():
        found.problems.append(Unauditable(name, _MISSING, relative, number))
        return []
    return [target]


_OUTSIDE = "includes a file outside the bundle"
_MISSING = "includes a missing file"


def _classify_line(text: str, path: str, number: int, found: Found) -> None:
    """One logical line of a requirements file, as pip reads it: its package sources, its
    editables, and its requirement (includes are followed by `_requirements`)."""
    try:
        line = read_line(text)
    except ValueError as e:
        found.problems.append(Unauditable(text, f"{_WHAT_READS} ({e})", path, number))
        return
    if any(local_source(value) for _, value in line.sources):
        found.problems.append(Unauditable(text, LOCAL_PACKAGES, path, number))
        return
    for option, value in line.sources:
        record(found, value, SOURCE_REASONS[option], path, number)
    for where in line.editables:
        if from_bundle(where):
            found.problems.append(Unauditable(text, FROM_BUNDLE, path, number))
        elif local_place(where) and (refusal := found.build_refusal(path, where)):
            found.problems.append(Unauditable(text, refusal, path, number))
        elif local_place(where) or not from_elsewhere(found, where, path, number, None):
            found.unauditable.append(Unauditable(text, "editable requirement", path, number))
    if line.requirement is not None:
        classify_requirement(text, line.requirement, path, number, found)


SOURCE_REASONS = {
    "--index-url": REPLACES_PYPI,
    "--extra-index-url": EXTRA,
    "--find-links": ARCHIVES,
}
"""What each pip source option does with the place it names (GATE-DEP-002's message)."""


ARCHIVE_SUFFIXES = (
    ".whl", ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".egg",
)  # fmt: skip


def classify_requirement(
    text: str,
    spec: str,
    path: str,
    number: int,
    found: Found,
) -> None:
    """A PEP 508 requirement `spec`, shown as `text`: a pin, or why it cannot be audited.
    A local archive or repository (a wheel, an sdist, a `git+file:` URL of the bundle),
    named alone or as `name @ URL`, is installed unscanned: refused; so is a local folder
    whose build may run code (gate.bundle.manifests.builds)."""
    url, name = spec, None
    if not spec.startswith((".", "/")) and not is_url(spec):
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as e:
            reason = f"not a valid requirement ({str(e).splitlines()[0]})"
            found.problems.append(Unauditable(text, reason, path, number))
            return
        version = single_version(requirement.specifier)
        if not requirement.url and version is not None:
            found.pin(requirement.name, version, path, number)
            return
        url, name = requirement.url or "", requirement.name
        if not url:
            found.unpinned(text, name, str(requirement.specifier), path, number)
            return
    if from_bundle(url):
        found.problems.append(Unauditable(text, FROM_BUNDLE, path, number))
        return
    if local_place(url) and (refusal := found.build_refusal(path, url)):
        found.problems.append(Unauditable(text, refusal, path, number))
        return
    if local_place(url):
        local = Unauditable(text, "local path requirement", path, number, name, source=url)
        found.unauditable.append(local)
    else:
        from_url(text, url, "URL requirement", (path, number), name, found)


def from_url(
    text: str, url: str, reason: str, where: tuple[str, int], name: str | None, found: Found
) -> None:
    """A dependency downloaded from a remote `url` (shown as `text`): a source other than
    PyPI (`from_elsewhere`), or a file of PyPI's, audited at the version its file name
    states (pip checks the file against it); else not audited, for `reason`."""
    path, line = where
    if from_elsewhere(found, url, path, line, name):
        return
    stated = file_version(url)
    if stated is not None:
        found.pin(*stated, path, line)
    else:
        found.unauditable.append(Unauditable(text, reason, path, line, name))


FROM_BUNDLE = (
    "installs an archive or repository of the bundle, whose code the gate does not scan "
    "inside; install it from an index, or unpack it into the function's code"
)


def from_bundle(where: str, repository: bool = False) -> bool:
    """Whether a requirement's URL or path (`where`) installs an archive or a repository
    (`git+file:`; any local `where` when it names a `repository`) of the local disk,
    whose code pip takes from inside it."""
    where = where.split(";")[0].strip()
    # What pip opens is the path: a `#egg=` fragment or a query is not part of its name.
    name = where.split("#")[0].split("?")[0]
    return local_place(where) and (
        repository or name.lower().endswith(ARCHIVE_SUFFIXES) or bool(VCS.match(where))
    )


def local_place(where: str) -> bool:
    """Whether a requirement's URL or path is of the local disk."""
    return where.startswith((".", "/")) or local_source(where)

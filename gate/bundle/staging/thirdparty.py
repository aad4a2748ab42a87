"""Third-party code: installed package files proven by their `*.dist-info/RECORD`.

A file is third-party only if a RECORD lists it with a `sha256=` hash that
matches its content (urlsafe base64 without padding, as the wheel spec writes
it), it lies inside the site directory of that dist-info (the dist-info's
parent) under a path that does not climb out of it, and it is not a function's
handler module. An entry that names a file of the bundle and breaks any of
these is a forged or damaged record: the bundle is refused, naming the RECORD,
the entry and why. In a bundle whose IaC declares no function (a deployment zip
on its own), the handler is unknown: a single-file module at the top of a site
directory, where a zip's handler lives, is scanned rather than trusted. The
`pip install --target` layout, where a function's code directory is itself the site
directory, is third-party too, with one more proof: there the installed code lies
beside the function's own modules, and a RECORD is as easy to write as the module, so
a distribution is third-party only if a dependency manifest in that code directory
declares it (requirements*.txt,
pyproject.toml, Pipfile or a lock, as `sam build` and `pip install -r
requirements.txt --target` leave them), directly or as a `Requires-Dist` of a
declared distribution installed there. An undeclared one
is scanned as the function's own code, and reported (`undeclared`). Making one's
own code third-party then takes a line in the requirements file a reviewer reads.
Everywhere, a RECORD proves only the Python modules (source, extension modules, `.pth`
start-up files) named like its distribution (gate.bundle.staging.importnames): `six` cannot
vouch for `helper.py` or `helper.pth`. And no record vouches for a `.pth` file with an
`import` line: Python runs it at every start, and no scanner reads it (it is refused
in a function's code, gate.bundle.staging.accounting). Those it lists under
other names are scanned as the bundle's own code, and reported (`foreign`), and so are
the modules it lists in a function's code or layer below its site folder: the deploy
ships that folder without the record, and the runtime imports them as the function's
own.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.utils import canonicalize_name

from gate.bundle.discovery import code_places, within
from gate.bundle.rules import refusal, runs_at_start
from gate.bundle.staging.bytecode import cached_source
from gate.bundle.staging.distinfo import metadata_files, name_version, required_names
from gate.bundle.staging.importnames import owns
from gate.model import Function, Warning_, python_function
from gate.verdict import Distribution

# Listed without a hash by pip: the record itself, its signatures, bytecode it compiled.
UNHASHED_NAMES = frozenset({"RECORD", "RECORD.jws", "RECORD.p7s"})
# What Python imports or runs at start-up from a site folder: a RECORD vouches for these
# only under the names its distribution stands for.
_NAMED = (".py", ".so", ".pyd", ".pth")


@dataclass(frozen=True)
class ThirdParty:
    """The proven third-party files of one bundle, and the packages they belong to."""

    files: frozenset[str]
    """Paths relative to the bundle root."""
    distributions: tuple[Distribution, ...]
    undeclared: tuple[Distribution, ...] = ()
    """Distributions installed in a function's code directory that no manifest there
    declares: their files are scanned as the function's own code."""
    bytecode: frozenset[str] = frozenset()
    """`__pycache__` bytecode a RECORD lists (unhashed, as pip writes it) for a source it
    proves. Nothing proves what bytecode holds: it is code not analysed, never
    third-party (gate.bundle.staging.bytecode)."""
    foreign: frozenset[tuple[str, str, str]] = frozenset()
    """Modules a RECORD proves that are not named like its distribution (path, name,
    version): scanned as the bundle's own code (gate.bundle.staging.importnames)."""


def third_party(root: Path, bundle: str, functions: Iterable[Function]) -> ThirdParty:
    """The files under `root` that installed packages' RECORDs prove to be theirs."""
    declared = list(functions)
    handlers = handler_modules(root, declared)
    codes = {posixpath.normpath(code_places(f)[0]) for f in declared if f.code is not None}
    places = {posixpath.normpath(p) for f in declared for p in code_places(f)}
    owned: set[str] = set()
    listed: set[str] = set()
    packages: list[Distribution] = []
    undeclared: list[Distribution] = []
    foreign: set[tuple[str, str, str]] = set()
    manifests: dict[str, set[str]] = {}
    for record in sorted(root.rglob("*.dist-info/RECORD")):
        files, compiled = _proven(root, record, bundle, handlers)
        if not declared or any(_handler_unknown(f) for f in declared):
            # Where IaC does not say which module is the handler: a module at the top of a
            # site directory (where a deployment zip's handler is) is scanned, not trusted.
            files = {f for f in files if not _top_level_module(root, record, f)}
        name, version = name_version(record.parent)
        site = record.parent.parent.relative_to(root).as_posix()
        # A function's code or layer inside the site folder is deployed without the
        # record, its modules imported as the function's own: the record vouches for
        # nothing there.
        below = [p for p in places if p != site and within(p, site)]
        named = {
            f
            for f in files
            if not (f.endswith(_NAMED) and any(within(f, p) for p in below))
            and (not f.endswith(_NAMED) or owns(name, _inner(site, f)))
        }
        foreign |= {(f"{bundle}/{f}", name, version) for f in files - named}
        files = {f for f in named if not (f.endswith(".pth") and runs_at_start(root / f))}
        metadata = metadata_files(root, record.parent)
        # The site folder is a function's code folder (`pip install --target`), or a
        # folder copied into its root (a layer's or a vendor folder at its top).
        code = sorted(c for c in codes if within(site, c)) or sorted(p for p in places if p == site)
        if code and canonicalize_name(name) not in _declared(root, code[0], site, manifests):
            undeclared.append(Distribution(name, version, len(files), bundle, site))
            owned |= metadata
            continue
        owned |= files | metadata
        listed |= {pyc for pyc in compiled if cached_source(pyc) in files}
        packages.append(Distribution(name, version, len(files | metadata), bundle, site))
    return ThirdParty(
        frozenset(owned), tuple(packages), tuple(undeclared), frozenset(listed), frozenset(foreign)
    )


def package_warnings(found: ThirdParty) -> list[Warning_]:
    """What the package records of a bundle did not prove, one warning for each code
    directory with distributions no manifest there declares, and one for each
    distribution whose record lists modules not named like it: all of it is scanned as
    the bundle's own code."""
    return _undeclared_warnings(found) + _foreign_warnings(found)


def _undeclared_warnings(found: ThirdParty) -> list[Warning_]:
    by_site: dict[tuple[str, str], list[str]] = {}
    for d in found.undeclared:
        by_site.setdefault((d.bundle, d.site), []).append(f"{d.name} {d.version}")
    return [
        Warning_(
            "undeclared-package",
            f"{bundle}/{'' if site == '.' else site + '/'}: {', '.join(sorted(names))} "
            "installed beside the function's code but declared by no requirements file "
            "there: scanned as the function's own code (declare it in requirements.txt "
            "beside the handler to treat it as third-party)",
        )
        for (bundle, site), names in sorted(by_site.items())
    ]


def _foreign_warnings(found: ThirdParty) -> list[Warning_]:
    by_distribution: dict[tuple[str, str], list[str]] = {}
    for path, name, version in found.foreign:
        by_distribution.setdefault((name, version), []).append(path)
    return [
        Warning_(
            "foreign-module",
            f"{', '.join(sorted(paths))}: listed by the package record of {name} {version} "
            "but not named like it, or in a function's code below the record's site "
            "folder: scanned as the bundle's own code (a record vouches only for the "
            "modules its distribution is named for, in the folder it was installed in)",
        )
        for (name, version), paths in sorted(by_distribution.items())
    ]


def _declared(root: Path, code: str, site: str, manifests: dict[str, set[str]]) -> set[str]:
    """The canonical names of the distributions that the manifests at the top of the
    function's code directory `code`, or of any folder from there down to the site
    directory `site`, declare, with every distribution installed in `site` that a
    declared one requires. `manifests` keeps what each folder's manifests declare."""
    names: set[str] = set()
    folder = PurePosixPath(site)
    for at in [folder, *folder.parents]:
        if at.as_posix() not in manifests:
            manifests[at.as_posix()] = _top_level_names(root / at)
        names |= manifests[at.as_posix()]
        if not within(at.as_posix(), code) or at.as_posix() == code:
            break
    requires: dict[str, list[str]] = {
        canonicalize_name(name_version(info)[0]): required_names(info)
        for info in (root / site).glob("*.dist-info")
    }
    found: set[str] = set()
    todo: list[str] = [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += requires.get(name, [])
    return found


def _top_level_names(folder: Path) -> set[str]:
    """The names the dependency manifests at the top of `folder` declare."""
    from gate.bundle.manifests import read_manifests

    manifest = read_manifests(folder)
    names = {p.name for p in manifest.pins if "/" not in p.path}
    return names | {u.name for u in manifest.unauditable if u.name and "/" not in u.path}


def handler_modules(root: Path, functions: Iterable[Function]) -> frozenset[str]:
    """Each function's handler module wherever Lambda could load it from (its code, or a
    layer's `python/` folders), and the package `__init__.py` files it lives in."""
    found: set[str] = set()
    for function in functions:
        if function.handler_file is not None:
            found |= _with_packages(root, function.handler_file)
        module = _handler_path(function)
        if module is None:
            continue
        for place in code_places(function):
            for folder in (root / place, *_layer_paths(root / place)):
                candidate = folder / f"{module}.py"
                if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
                    found |= _with_packages(root, candidate.relative_to(root).as_posix())
    return frozenset(found)


def _handler_path(function: Function) -> str | None:
    """`pkg.app.handler` -> `pkg/app`; None for a handler that is not Python's."""
    handler = function.handler
    if not handler or "." not in handler:
        return None
    if not python_function(function):
        return None
    module = handler.rsplit(".", 1)[0]
    return posixpath.normpath(module if "/" in module else module.replace(".", "/"))


def _handler_unknown(function: Function) -> bool:
    """A Python function (or one of unknown runtime) whose IaC does not say its handler."""
    return python_function(function) and _handler_path(function) is None


def _layer_paths(place: Path) -> list[Path]:
    """Where a layer's Python code is put on the import path."""
    python = place / "python"
    return [python, *sorted(python.glob("lib/python3*/site-packages"))]


def _with_packages(root: Path, module: str) -> set[str]:
    """`module` and the `__init__.py` of every folder above it that has one."""
    found = {module}
    for folder in PurePosixPath(module).parents:
        init = (folder / "__init__.py").as_posix()
        if folder != PurePosixPath(".") and (root / init).is_file():
            found.add(init)
    return found


def _proven(
    root: Path, record: Path, bundle: str, handlers: frozenset[str]
) -> tuple[set[str], set[str]]:
    """The files `record` proves, and the bytecode it lists (unhashed, as pip writes it)
    for a source it proves; a forged entry is refused."""
    shown = f"{bundle}/{record.relative_to(root).as_posix()}"
    site = record.parent.parent.relative_to(root).as_posix()
    try:
        rows = list(csv.reader(record.read_text("utf-8").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise refusal(f"{shown}: unreadable package record ({e}); reinstall the package") from e
    proven: set[str] = set()
    compiled: set[str] = set()
    for row in rows:
        if not row or not row[0]:
            continue
        entry, digest = row[0], row[1] if len(row) > 1 else ""
        relative = _in_bundle(site, entry)
        if relative is not None and not digest and _inside(site, relative):
            compiled.add(relative)  # kept only if it is bytecode of a proven source
        if relative is None or not (root / relative).is_file():
            continue  # names nothing in the bundle (a script pip put elsewhere)
        problem, proves = _problem(root, site, entry, relative, digest, handlers)
        if problem is not None:
            raise refusal(
                f"{shown}: entry {entry!r} {problem}; a forged or damaged package record: "
                "reinstall the package, or remove the entry so the file is scanned"
            )
        if proves:
            proven.add(relative)
    return proven, {pyc for pyc in compiled if cached_source(pyc) in proven}


def _problem(
    root: Path, site: str, entry: str, relative: str, digest: str, handlers: frozenset[str]
) -> tuple[str | None, bool]:
    """Why an entry naming the bundle file `relative` is refused (or None), and whether it
    proves the file third-party. A file that is not Python source and does not match its
    hash (a library stripped to save space) is simply not third-party: it is counted as
    what it is, and a scanner that reads it does."""
    if not _inside(site, relative):
        return f"names {relative}, outside its site directory {site or '.'}", False
    if relative in handlers:
        return f"names {relative}, a function's handler module", False
    if relative.endswith(".pyc"):
        return None, False  # bytecode: no hash proves what code it holds (accounting)
    source = entry.endswith(".py")
    if not digest:
        exempt = PurePosixPath(entry).name in UNHASHED_NAMES or not source
        return (None if exempt else "has no hash"), False
    algorithm, _, expected = digest.partition("=")
    if algorithm != "sha256":
        return (f"has a {algorithm} hash, not sha256" if source else None), False
    actual = hashlib.sha256((root / relative).read_bytes()).digest()
    if base64.urlsafe_b64encode(actual).rstrip(b"=").decode("ascii") != expected:
        return (f"has a sha256 hash that does not match {relative}" if source else None), False
    return None, True


def _in_bundle(site: str, entry: str) -> str | None:
    """Where `entry` (relative to the site directory) is in the bundle, or None when it
    is absolute or climbs out of the bundle."""
    if entry.startswith("/") or "\\" in entry or ":" in entry.split("/")[0]:
        return None
    joined = posixpath.normpath(posixpath.join(site or ".", entry))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


def _top_level_module(root: Path, record: Path, relative: str) -> bool:
    inner = _inner(record.parent.parent.relative_to(root).as_posix(), relative)
    return "/" not in inner and inner.endswith(".py")


def _inner(site: str, relative: str) -> str:
    """`relative` (a path in the bundle) relative to the site directory `site`."""
    return relative if site in ("", ".") else relative.removeprefix(f"{site}/")


def _inside(site: str, relative: str) -> bool:
    return site in ("", ".") or relative.startswith(f"{site}/")

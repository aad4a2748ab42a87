"""Every file of a staged bundle in exactly one state, and the report's count of them.

The copy counted what it left out (policy excludes, built-in rules); what it
copied, with the zips discovery unpacked, is classified here: proven
third-party, out of scope, not analysed (code of another runtime, binaries,
bytecode beside its source, an installed package's bytecode, zips nothing
deploys, files no enabled scanner reads) or scanned. Bytecode without its
source, and a native module that stands for a module a source provides or that
the code imports, that is not third-party is refused: Python would import it,
and nobody scanned it.
"""

from __future__ import annotations

import fnmatch
import os
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate.bundle.discovery import code_places, contents_of, python_owner, within
from gate.bundle.manifests import MANIFEST_PATTERNS
from gate.bundle.rules import (
    NATIVE_SUFFIXES,
    NOT_ANALYSED_SUFFIXES,
    is_binary,
    is_program,
    is_python_script,
    refusal,
    runs_at_start,
    runs_python,
)
from gate.bundle.staging.bytecode import cache_named, refuse_prefixed
from gate.bundle.staging.imports import imported_names
from gate.bundle.staging.tally import Tally
from gate.bundle.staging.thirdparty import ThirdParty
from gate.model import Bundle, Function, Warning_
from gate.verdict import FileAccount

SCANNED = "scanned"
NOT_ANALYSED = "not_analysed"
THIRD_PARTY = "third_party"
OUT_OF_SCOPE = "out_of_scope"
ALL_SCANNERS = frozenset({"checkov", "bandit", "pip-audit", "serverless"})
# Files each kind of scanner reads (checkov's secrets scan reads every text file).
# What Python's extension loader imports (a `.dll` or an executable it never does).
EXTENSION_SUFFIXES = frozenset({".so", ".pyd"})
_IAC_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template", ".tf"})


@dataclass(frozen=True)
class Accounted:
    """One bundle's account, and what the user should be told about it."""

    account: FileAccount
    warnings: tuple[Warning_, ...]


def account(
    root: Path,
    bundle: Bundle,
    tally: Tally,
    owned: ThirdParty,
    out_of_scope: frozenset[str] = frozenset(),
    scanning: frozenset[str] = ALL_SCANNERS,
) -> Accounted:
    """Classify every file of the staged copy `root` of `bundle`; a file is scanned only
    if one of the enabled scanners `scanning` reads files of its kind."""
    states: Counter[str] = Counter()
    imports = _Imports(root, frozenset(owned.files))
    unanalysed: list[str] = []
    unreferenced: list[str] = []
    foreign: list[str] = []
    for relative, file in sorted(tally.unstaged.items()):
        # A link to a folder, left as it is in an ignored folder, is a folder when deployed.
        inner = _linked_files(file) if file.is_symlink() and file.is_dir() else []
        for found in [file, *inner]:
            if found.is_file():
                shown = relative + found.as_posix().removeprefix(file.as_posix())
                _refuse_importable_zip(found, shown, bundle, by_content=True)
    for relative in sorted(out_of_scope):
        if not (root / relative).is_file():  # set aside with its service: gate.bundle.resolve
            states[OUT_OF_SCOPE] += 1
            foreign.append(relative)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        state = _state(root, path, relative, owned, out_of_scope, bundle, imports)
        if state == SCANNED and not relative.lower().endswith(".zip"):
            state = SCANNED if _read_by(path, relative, scanning) else NOT_ANALYSED
        states[state] += 1
        if state == OUT_OF_SCOPE:
            foreign.append(relative)
        if state == NOT_ANALYSED:
            unanalysed.append(relative)
            if relative.lower().endswith(".zip"):
                unreferenced.append(relative)
    unanalysed += tally.unverified
    result = FileAccount(
        scanned=states[SCANNED],
        excluded=sum(tally.excluded.values()),
        third_party=states[THIRD_PARTY],
        ignored=sum(tally.ignored.values()),
        not_analysed=states[NOT_ANALYSED] + len(tally.unverified),
        out_of_scope=states[OUT_OF_SCOPE],
        excluded_by=tuple(sorted((k, v) for k, v in tally.excluded.items() if v)),
        ignored_by=tuple(sorted((k, v) for k, v in tally.ignored.items() if v)),
        distributions=owned.distributions,
        unreferenced_zips=tuple(f"{bundle.id}/{z}" for z in unreferenced),
    )
    warnings = [
        Warning_(
            "zip-not-deployed",
            f"{bundle.id}/{z}: a zip no function or layer deploys; its contents are not "
            "scanned (gate check it on its own, or remove it)",
        )
        for z in unreferenced
    ]
    warnings += _per_function(
        bundle,
        [u for u in unanalysed if u not in unreferenced],
        "not-analysed",
        "files of code the gate does not analyse",
        "not_analysed",
    )
    warnings += _per_function(
        bundle, foreign, "out-of-scope", "files of another cloud's IaC and services", "out_of_scope"
    )
    return Accounted(result, tuple(warnings))


def _state(
    root: Path,
    path: Path,
    relative: str,
    owned: ThirdParty,
    out_of_scope: frozenset[str],
    bundle: Bundle,
    imports: _Imports,
) -> str:
    if relative in owned.files:
        return THIRD_PARTY
    if relative in out_of_scope:
        return OUT_OF_SCOPE
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix == ".zip" and (root / contents_of(relative)).is_dir():
        return SCANNED
    if suffix == ".zip":
        _refuse_importable_zip(path, relative, bundle)
        return NOT_ANALYSED
    if suffix != ".py":
        _refuse_importable_zip(path, relative, bundle, by_content=True)
    if suffix == ".pyc":
        _refuse_loadable_bytecode(path, relative, bundle)
        return NOT_ANALYSED
    if suffix in NATIVE_SUFFIXES or (suffix not in NOT_ANALYSED_SUFFIXES and is_binary(path)):
        _refuse_shadowing(path, relative, bundle, imports)
        return NOT_ANALYSED
    if suffix in NOT_ANALYSED_SUFFIXES:
        return NOT_ANALYSED
    if suffix == ".pth":
        _refuse_startup_pth(path, relative, bundle)
    if suffix != ".py" and is_program(path) and not runs_python(path):
        # A script of another interpreter: checkov's secret scan is all. A `.py` file is
        # bandit's and the rules' whatever its first line says.
        return NOT_ANALYSED
    return SCANNED


def _refuse_startup_pth(path: Path, relative: str, bundle: Bundle) -> None:
    """Refuse a `.pth` file with an `import` line in a Python function's code or layers,
    or in any layer that may hold Python (`python_owner`; never third-party,
    gate.bundle.staging.thirdparty): the runtime adds the code folder as a site folder
    (`site.addsitedir`), and `site` runs each such line at every start, before the
    handler; no scanner reads it."""
    if python_owner(relative, bundle) is None and bundle.functions:
        return
    try:
        starts = runs_at_start(path)
    except OSError as e:
        raise refusal(f"{bundle.id}/{relative}: cannot read: {e.strerror}") from e
    if starts:
        raise refusal(
            f"{bundle.id}/{relative}: a .pth file with an `import` line, which Python runs "
            "at every start before the handler (the code folder is a site folder); no "
            "scanner reads it: move the code into a module the handler imports"
        )


def _linked_files(folder: Path) -> list[Path]:
    """The files under a linked folder, following the links in it too (each real folder
    once), as packaging that follows links would deploy them."""
    found: list[Path] = []
    seen: set[str] = set()
    for current, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:
            dirs.clear()
            continue
        seen.add(real)
        found += [Path(current) / name for name in sorted(names)]
    return found


def _refuse_importable_zip(
    path: Path, relative: str, bundle: Bundle, by_content: bool = False
) -> None:
    """Refuse a zip that nothing unpacks but that lies in a Python function's code or
    layers, or in any layer that may hold Python (with `by_content`, a file of another
    name that is a zip, `lib.dat`): it is deployed with them, and Python imports from it
    when PYTHONPATH names it (zipimport), so its code would run unscanned."""
    owner = python_owner(relative, bundle)
    if owner is not None and (not by_content or zipfile.is_zipfile(path)):
        raise refusal(
            f"{bundle.id}/{relative}: a zip in the code of {owner}, deployed "
            "with it, that Python imports from when it is on PYTHONPATH; the gate does not "
            "scan inside it: unpack it into the code, or exclude it in the policy if "
            "nothing imports from it"
        )


def _refuse_loadable_bytecode(path: Path, relative: str, bundle: Bundle) -> None:
    """Refuse bytecode Python may import (outside `__pycache__`, which the copy judged):
    `name.pyc` where no `name.py` is beside it, and, in code Python may run
    (`python_owner`), cache-named bytecode (`name.cpython-312.pyc`), which Python loads
    in place of `name.py` when the function's environment sets PYTHONPYCACHEPREFIX."""
    if path.stem.isidentifier():
        if not path.with_suffix(".py").is_file():
            raise refusal(
                f"{bundle.id}/{relative}: Python bytecode without its source, which Python "
                "would import and no scanner can read; ship the .py file instead"
            )
        return
    if cache_named(path.name) is None:
        return
    if not bundle.functions or python_owner(relative, bundle) is not None:
        refuse_prefixed(bundle.id, relative)


def _read_by(file: Path, relative: str, scanning: frozenset[str]) -> bool:
    """Whether an enabled scanner reads the file `relative` (of a kind that is scanned)."""
    if "checkov" in scanning:
        return True
    path = PurePosixPath(relative)
    suffix = path.suffix.lower()
    if (suffix == ".py" or is_python_script(file)) and "bandit" in scanning:
        return True
    if suffix in _IAC_SUFFIXES and "serverless" in scanning:
        return True
    return "pip-audit" in scanning and any(
        fnmatch.fnmatchcase(path.name, pattern) for pattern in MANIFEST_PATTERNS
    )


@dataclass
class _Imports:
    """The module names the bundle's own Python files import, read once when first asked."""

    root: Path
    skip: frozenset[str]
    names: frozenset[str] | None = None

    def __contains__(self, module: str) -> bool:
        if self.names is None:
            self.names = imported_names(self.root, self.skip)
        return module in self.names


def _refuse_shadowing(path: Path, relative: str, bundle: Bundle, imports: _Imports) -> None:
    """Refuse a native module (not proven third-party) that Python would import in place of
    a module a Python file also provides, or that a handler or an import of the bundle's
    own code names: extension loaders come before source, and nobody can scan it."""
    module = path.name.split(".")[0]
    if path.suffix.lower() not in EXTENSION_SUFFIXES or not module.isidentifier():
        return
    folder = path.parent
    shadowed = (folder / f"{module}.py").is_file() or (folder / module / "__init__.py").is_file()
    here = PurePosixPath(relative).parent.as_posix()
    named = any(_handler_module(f) == (here, module) for f in bundle.functions)
    if shadowed or named:
        raise refusal(
            f"{bundle.id}/{relative}: a native module that Python imports instead of the "
            f"module {module!r} (its source is what the gate scans); remove the native "
            "module from the package, or ship it as part of an installed package"
        )
    if module in imports:
        raise refusal(
            f"{bundle.id}/{relative}: a native module the bundle's code imports as "
            f"{module!r}, which nobody can scan; ship it as part of an installed package "
            "(with its *.dist-info RECORD), or its source instead"
        )


def _handler_module(function: Function) -> tuple[str, str] | None:
    """The folder (relative to the bundle) and top module name of a function's handler."""
    if function.code is None or not function.handler or "." not in function.handler:
        return None
    module = function.handler.rsplit(".", 1)[0].replace("/", ".")
    parts = module.split(".")
    folder = PurePosixPath(contents_of(function.code), *parts[:-1]).as_posix()
    return folder.removeprefix("./") or ".", parts[-1]


def _per_function(
    bundle: Bundle, files: list[str], code: str, what: str, key: str
) -> list[Warning_]:
    """One warning per function (or per bundle, for files no function owns) about `files`,
    which policy `coverage: {KEY: fail}` can make fail."""
    owners: dict[str, list[str]] = {}
    for relative in files:
        names = [
            f.name
            for f in bundle.functions
            if any(within(relative, place) for place in code_places(f))
        ]
        for name in names or [""]:
            owners.setdefault(name, []).append(relative)
    warnings = []
    for name, owned in sorted(owners.items()):
        who = f"function {name}" if name else "files no function deploys"
        sample = ", ".join(owned[:3]) + (f" and {len(owned) - 3} more" if len(owned) > 3 else "")
        warnings.append(
            Warning_(
                code,
                f"{bundle.id}: {who}: {len(owned)} {what} ({sample}); "
                f"policy `coverage: {{{key}: fail}}` makes this fail",
            )
        )
    return warnings


def total(accounts: Iterable[FileAccount]) -> FileAccount:
    """The accounts of several bundles as one."""
    items = list(accounts)
    excluded: Counter[str] = Counter()
    ignored: Counter[str] = Counter()
    for item in items:
        excluded.update(dict(item.excluded_by))
        ignored.update(dict(item.ignored_by))
    return FileAccount(
        scanned=sum(i.scanned for i in items),
        excluded=sum(i.excluded for i in items),
        third_party=sum(i.third_party for i in items),
        ignored=sum(i.ignored for i in items),
        not_analysed=sum(i.not_analysed for i in items),
        out_of_scope=sum(i.out_of_scope for i in items),
        excluded_by=tuple(sorted(excluded.items())),
        ignored_by=tuple(sorted(ignored.items())),
        distributions=tuple(d for i in items for d in i.distributions),
        unreferenced_zips=tuple(z for i in items for z in i.unreferenced_zips),
    )

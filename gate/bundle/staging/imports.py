"""Code the bundle's own modules import from ignored or excluded folders is scanned.

`import node_modules.evil` or a handler whose import path runs through a
`.venv` would otherwise load code the copy left out. Imports are read with
`ast` (the bundle's code is never imported); each module name is looked for
under the importing file's folder and every folder above it, as any of them
may be on the function's import path. A Python source found in an ignored
folder, or in one the policy's `exclude` names (the user leaves out what is not
deployed, never what a handler runs), is copied back and scanned like the rest
(and what it imports is followed in turn); bytecode or a native module found
there is refused, since nobody could scan it. A deployed folder (a layer's, a
function's code) that itself lies in an ignored folder is brought back whole, as the
deploy ships it.
"""

from __future__ import annotations

import ast
import posixpath
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from gate.bundle.discovery import code_places, contents_of, within
from gate.bundle.rules import refusal
from gate.bundle.staging.copy import left_out_within
from gate.bundle.staging.tally import Ignored, Tally
from gate.model import Function, Warning_, python_function

STARTUP_MODULES = frozenset({"sitecustomize", "usercustomize"})
"""Modules the interpreter itself imports at start from any folder on its path
(PYTHONPATH may name an ignored one): never left out, whoever imports them."""


def bring_back_imported(root: Path, tally: Tally) -> None:
    """Copy into `root` every ignored Python source that a Python file of `root` imports
    (following imports transitively), and every `sitecustomize`/`usercustomize`."""
    if not tally.importable:
        return
    by_module = _by_module(tally.importable)
    layers = _layer_folders(root, tally.importable)
    pending = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    startup = [k for k in by_module if PurePosixPath(k).name in STARTUP_MODULES]
    for relative in [r for key in startup for r in by_module.pop(key)]:
        pending.append(_bring_back(root, tally, relative, "the interpreter"))
    while pending:
        importer = pending.pop()
        for relative in _imported(root, importer, by_module, layers):
            pending.append(_bring_back(root, tally, relative, importer))


def _bring_back(root: Path, tally: Tally, relative: str, importer: str) -> str:
    """Restore one ignored or excluded source `importer` imports; compiled code is
    refused."""
    found = tally.importable.pop(relative)
    if not relative.endswith(".py"):
        raise refusal(
            f"{tally.bundle}/{relative}: compiled code in {_left_out_by(found)} that "
            f"{importer} imports; nobody can scan it: ship its source outside that folder"
        )
    _restore(root, relative, found, tally, f"{importer} imports it")
    return relative


def _left_out_by(found: Ignored) -> str:
    if found.by_policy:
        return f"what the policy excludes ({found.rule!r})"
    return f"an ignored folder ({found.rule})"


def bring_back_handlers(root: Path, tally: Tally, functions: Iterable[Function]) -> bool:
    """Copy into `root` each Python function's handler module that an ignored folder holds
    (a handler `node_modules/app.handler`), with what it imports; whether any was."""
    restored = False
    for function in functions:
        relative = _handler_module(function)
        found = tally.importable.pop(relative, None) if relative else None
        if relative is not None and found is not None:
            if not relative.endswith(".py"):
                raise refusal(f"{tally.bundle}/{relative}: a handler module nobody can scan")
            _restore(root, relative, found, tally, f"function {function.name!r} runs it")
            restored = True
    if restored:
        bring_back_imported(root, tally)
    return restored


def bring_back_code(
    root: Path, tally: Tally, functions: Iterable[Function], layers: Iterable[str] = ()
) -> bool:
    """Copy into `root` every file of an ignored virtualenv or dependency tree, and every
    importable file (source, bytecode, extension module) of any other ignored or
    excluded folder, that lies in a Python function's code or layers, or in any layer
    the IaC declares (`layers`: one the gate could not tie to a function is deployed all
    the same), with what it imports; whether any was. Python imports from there
    whatever the folder is called or holds."""
    places = [p for f in functions if _is_python(f) for p in code_places(f)] + list(layers)
    restored = False
    for relative, found, why in _deployable(tally, places):
        if any(within(relative, place) for place in places):
            _restore(root, relative, found, tally, why)
            restored = True
    if restored:
        bring_back_imported(root, tally)
    return restored


def brings_back(tally: Tally, place: str) -> bool:
    """Whether `bring_back_code` copies back a deployed layer or upload at `place` that
    the copy left out: what discovery may not find in the copy before it does. A folder
    in a left-out folder is copied back whole, a file only if it is a dependency tree's
    or Python's."""
    return any(within(relative, place) for relative, _, _ in _deployable(tally, [place]))


def _deployable(tally: Tally, places: Iterable[str]) -> Iterator[tuple[str, Ignored, str]]:
    """Every left-out file `bring_back_code` copies back when it lies in deployed code
    (`places`), with why: each file of a deployed folder that lies in a left-out one,
    each file of a virtualenv or dependency tree, then what Python imports."""
    whole = {place: rule for place in places if (rule := _rule_around(tally, place))}
    for place, rule in whole.items():
        yield from _whole_folder(tally, place, rule)
    for relative in sorted(tally.held):
        yield relative, tally.held[relative], "it is deployed"
    # What Python imports (a source, bytecode, an extension module) in any folder a
    # built-in rule leaves out (a cache, a VCS store, a build's output, a dependency
    # tree) is deployed with the function's code when it lies there, and PYTHONPATH or
    # sys.path may put it on the import path: it is accounted for like the code around
    # it (a source scanned, sourceless bytecode refused).
    # So is Python the policy excludes there: a handler reaches any module of its zip
    # (a path it builds, `runpy`, `spec_from_file_location`), not only what it imports
    # in a way the gate can read.
    for relative, found in sorted(tally.importable.items()):
        if not _cache_of_its_own(relative, tally, whole):  # the bytecode rules judge that one
            yield relative, found, "a Python function's code holds it"


def _rule_around(tally: Tally, place: str) -> str | None:
    """The built-in rule that left out a folder holding the deployed place `place` (a
    build's output, a cache), if one did."""
    return next((r for f, r in tally.ignored_folders.items() if within(place, f)), None)


def _whole_folder(tally: Tally, place: str, rule: str) -> Iterator[tuple[str, Ignored, str]]:
    """Each file of the deployed folder `place`, which lies in a left-out folder: the
    deploy ships the folder whole (a layer's extensions and `.dist-info` with its
    Python), so each file is copied back as the copy copies the same folder elsewhere
    (`left_out_within`), and judged as any deployed file is."""
    for relative, source in sorted(tally.unstaged.items()):
        inside = relative.startswith(f"{place}/") and relative not in tally.restored
        if inside and left_out_within(tally.top, place, relative) is None:
            yield relative, Ignored(source, rule), "a deployed folder holds it"


def _is_python(function: Function) -> bool:
    return python_function(function)


def _handler_module(function: Function) -> str | None:
    """Where a Python function's handler module would be, if discovery did not find it."""
    handler, code = function.handler, function.code
    if function.handler_file is not None or code is None or not handler or "." not in handler:
        return None
    if not python_function(function):
        return None
    module = handler.rsplit(".", 1)[0]
    module_path = module if "/" in module else module.replace(".", "/")
    return posixpath.normpath(f"{contents_of(code)}/{module_path}.py")


def _restore(
    root: Path, relative: str, found: Ignored, tally: Tally, why: str = "it is deployed"
) -> None:
    """Copy one left-out file into `root`, counted as the file it is; one the policy
    excludes is said to be scanned all the same, and `why` (`app.py imports it`)."""
    if found.source.is_symlink():
        real = found.source.resolve()
        venv = _virtualenv_of(found.source, tally.top)
        if venv is not None and (not real.is_relative_to(tally.top) or not real.is_file()):
            raise refusal(
                f"{tally.bundle}/{relative}: symbolic link to a file outside the bundle, or "
                f"to none, in the virtualenv {venv}/ inside a Python function's code, which a "
                "zip of that code would ship; build the package without it, or exclude it in "
                "the policy "
                f'(exclude: ["{venv}/**"])'
            )
        if not real.is_relative_to(tally.top) or not real.is_file():
            raise refusal(
                f"{tally.bundle}/{relative}: symbolic link in a function's code to a file "
                "outside the bundle, or to none; the deployed zip would ship its target: "
                "copy the file into the bundle instead"
            )
    destination = root / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(found.source, destination)
    except OSError as e:
        raise refusal(f"{tally.bundle}/{relative}: cannot read: {e.strerror}") from e
    if found.by_policy:
        tally.excluded[found.rule] -= 1
        tally.warnings.append(
            Warning_(
                "exclude-imported",
                f"{tally.bundle}/{relative}: the policy excludes it ({found.rule!r}), but "
                f"{why}, so it is deployed code and scanned all the same",
            )
        )
    else:
        tally.ignored[found.rule] -= 1
    tally.files += 1
    tally.restored.add(relative)
    tally.importable.pop(relative, None)
    tally.held.pop(relative, None)


def _by_module(importable: dict[str, Ignored]) -> dict[str, list[str]]:
    """The ignored files by the module path they would be imported as (without suffix or
    ABI tag; a package by its folder)."""
    modules: dict[str, list[str]] = {}
    for relative in importable:
        path = PurePosixPath(relative)
        stem = path.name.split(".")[0]
        key = path.parent.as_posix() if stem == "__init__" else (path.parent / stem).as_posix()
        modules.setdefault(key, []).append(relative)
    return modules


def _layer_folders(root: Path, ignored: Iterable[str]) -> list[PurePosixPath]:
    """Folders a layer puts on every function's import path (`python/`, and
    `python/lib/python3.x/site-packages/`), wherever they are in the bundle: in the staged
    copy, or in a folder the copy ignored (`ignored`: files there)."""
    staged = {PurePosixPath(p.relative_to(root).as_posix()) for p in root.rglob("*") if p.is_dir()}
    folders = staged | {d for relative in ignored for d in PurePosixPath(relative).parents}
    return sorted(d for d in folders if _is_layer_folder(d))


def _is_layer_folder(folder: PurePosixPath) -> bool:
    if folder.name == "python":
        return True
    parts = folder.parts
    return (
        len(parts) >= 4
        and parts[-1] == "site-packages"
        and parts[-2].startswith("python3")
        and parts[-3:-5:-1] == ("lib", "python")
    )


def _imported(
    root: Path, importer: str, by_module: dict[str, list[str]], layers: list[PurePosixPath]
) -> Iterator[str]:
    """The ignored files that `importer` may import: from its own folder or one above it
    (one of them is the function's code root), or from a layer."""
    try:
        tree = ast.parse((root / importer).read_bytes(), filename=importer)
    except (SyntaxError, ValueError, OSError):
        return  # bandit reports a file it cannot parse
    folder = PurePosixPath(importer).parent
    bases = [folder, *folder.parents, *layers]
    for name in _module_names(tree, folder):
        parts = name.split("/")
        for base in bases:
            for depth in range(1, len(parts) + 1):
                key = (base / "/".join(parts[:depth])).as_posix().removeprefix("./")
                yield from list(by_module.pop(key, []))


def imported_names(root: Path, skip: Iterable[str] = ()) -> frozenset[str]:
    """The last name of every module a Python file under `root` (less the files `skip`)
    imports, or may import (`from x import y`: `x` and `y`)."""
    left_out = set(skip)
    names: set[str] = set()
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative in left_out or not path.is_file():
            continue
        try:
            tree = ast.parse(path.read_bytes(), filename=relative)
        except (SyntaxError, ValueError, OSError):
            continue  # bandit reports a file it cannot parse
        folder = PurePosixPath(relative).parent
        names.update(name.rsplit("/", 1)[-1] for name in _module_names(tree, folder))
    return frozenset(names)


def _module_names(tree: ast.AST, folder: PurePosixPath) -> Iterator[str]:
    """Each imported module as a slash path: absolute names as written, relative ones
    resolved against the importing file's folder (a name under `from x import y` may be a
    module too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.replace(".", "/") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").replace(".", "/")
            if node.level:
                base = folder
                for _ in range(node.level - 1):
                    base = base.parent
                module = (base / module).as_posix() if module else base.as_posix()
                module = "" if module == "." else module
            for alias in node.names:
                yield f"{module}/{alias.name}".lstrip("/") if module else alias.name
            if module:
                yield module
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield argument.value.replace(".", "/")


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def _virtualenv_of(source: Path, top: Path) -> str | None:
    """The folder (relative to the bundle) of the virtualenv `source` lies in, if any: the
    nearest folder above it holding a pyvenv.cfg."""
    for folder in source.parents:
        if folder == top or not folder.is_relative_to(top):
            return None
        if (folder / "pyvenv.cfg").is_file():
            return folder.relative_to(top).as_posix()
    return None


def _cache_of_its_own(relative: str, tally: Tally, whole: Iterable[str]) -> bool:
    """Whether the folder that left `relative` out is a `__pycache__` itself (not a
    folder around one), where the copy left it out or inside a deployed folder copied
    back whole (`whole`): bytecode Python caches beside a source, which the bytecode
    rules judge (gate.bundle.staging.bytecode) whether Python would load it or not."""
    place = next((p for p in whole if within(relative, p)), None)
    if place is not None:
        folder = left_out_within(tally.top, place, relative)
        return folder is not None and PurePosixPath(folder).name == "__pycache__"
    parts = PurePosixPath(relative).parts
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if folder in tally.ignored_folders:
            return parts[depth - 1] == "__pycache__"
    return False

"""`pyproject.toml`, `Pipfile` and setuptools' `setup.cfg`: the dependencies a project
declares, read as TOML (or, for `setup.cfg`, INI). Every key read is checked for its
shape (`gate.bundle.manifests.shapes`).

What each build backend reads a project's dependencies from, and so what is read here:
setuptools (and pbr, setuptools underneath): `[project]`, the files of
`[tool.setuptools.dynamic]`, `setup.cfg` (with pbr's own keys), the `setup(...)` call of
`setup.py` (read, never run); hatchling: `[project]`, the files of its requirements
plugin (gate.bundle.manifests.hatch), with `hatch.toml`; flit_core: `[project]`, or
`[tool.flit.metadata]` where there is none; poetry-core: `[tool.poetry]`; pdm-backend:
`[project]`. A `pyproject.toml`'s inputs are read whatever backend it names (one its
backend ignores only reports more); a `setup.cfg` or `setup.py` unless its backend is
one known never to read it (`_reads_setup_cfg`). A setting that makes a backend import
or run the project's code while it works out the metadata (`_CODE_SETTINGS`,
`_setup_cfg_code`) is reported as dependencies build code may set (`BUILD_CODE`), which
no lock stands for."""

from __future__ import annotations

import ast
import configparser
import json
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

from gate.bundle.manifests.backends import build_system, hatch_config, load_pyproject
from gate.bundle.manifests.builds import PYPROJECT_ONLY_BACKENDS
from gate.bundle.manifests.entries import read_dependency
from gate.bundle.manifests.found import BUILD_CODE, DYNAMIC, Found, Unauditable
from gate.bundle.manifests.hatch import code_hooks, hatch_files, read_plugin_files
from gate.bundle.manifests.indexes import is_url, pipfile_indexes, pyproject_indexes
from gate.bundle.manifests.pbr import (
    PBR_CONFIG,
    handed_to_setuptools,
    pbr_code_settings,
    pbr_config,
    pbr_requirements,
    runs_pbr,
)
from gate.bundle.manifests.requirements import classify_requirement, named_files
from gate.bundle.manifests.shapes import (
    Malformed,
    ini_line,
    ini_value,
    join,
    key_line,
    kind,
    load_ini,
    load_toml,
    string,
    strings,
    table,
)


def read_pyproject(text: str, path: str, found: Found) -> None:
    """PEP 621 dependencies, extras and dependency groups, the lists and tables of uv, PDM
    and Poetry that set what gets installed, and the files setuptools reads them from."""
    data = load_toml(text)
    lines = text.splitlines()
    for requirement in _pyproject_requirements(data):
        quoted = (f'"{requirement}"', f"'{requirement}'")
        line = next((n for n, t in enumerate(lines, 1) if any(q in t for q in quoted)), 0)
        classify_requirement(requirement, requirement, path, line, found)
    _read_dynamic(data, lines, path, found)
    for header, dependencies in [*_poetry_tables(data), _pdm_overrides(data)]:
        for name, spec in dependencies.items():
            if name != "python":
                where = (path, key_line(lines, header, name))
                _read_table_dependency(name, spec, join(header, name), where, found)
    pyproject_indexes(data, lines, path, found)
    _uv_sources(data, lines, path, found)


def _read_dynamic(data: dict[str, Any], lines: list[str], path: str, found: Found) -> None:
    """Dynamic dependencies and extras: the files their build backend reads them from
    (`_backend_files`; no code of the bundle runs), each read as that backend reads it;
    dynamic dependencies without such files are reported, as only the backend knows them,
    and so is a setting that makes the backend run the project's code for its metadata
    (`_CODE_SETTINGS`), which may set them whether or not they are declared dynamic."""
    dynamic = strings(table(data, "project"), "dynamic", "project")
    fields = [field for field in _DYNAMIC_FIELDS if field in dynamic]
    pyproject = found.root / path if found.root is not None else None
    hatch = hatch_config(data, pyproject)
    files = {field: _backend_files(data, hatch, field) for field in fields}
    line = key_line(lines, "project", "dynamic")
    readable = found.root is not None  # only a bundle's manifest names files it holds
    if readable:
        for names in [group for field in fields for group in _setuptools_files(data, field)]:
            _read_setuptools_files(names, path, line, found, lines_only=True)
        plugin = [name for field in fields for name in hatch_files(hatch, field)]
        read_plugin_files(plugin, path, line, found)
    code = [setting for judge in _CODE_SETTINGS for setting in judge(data, hatch, pyproject)]
    if code:
        setting = code[0]
        written = _table_line(lines, join(setting.header, setting.key)) or key_line(
            lines, setting.header, setting.key
        )
        at = written or key_line(lines, "build-system", "build-backend") or line
        _dynamic(setting.text, setting.why, (path, at), found)
    elif "dependencies" in files and not (readable and files["dependencies"]):
        _dynamic(DYNAMIC, "dynamic dependencies", (path, line), found, DYNAMIC)


def _table_line(lines: list[str], header: str) -> int:
    """The line of the TOML table `[header]`; 0 where it is not written so."""
    return next((n for n, text in enumerate(lines, 1) if text.strip() == f"[{header}]"), 0)


class _CodeSetting(NamedTuple):
    """A setting that makes a build backend run the project's code (`text`, as shown;
    `why`, the dependencies it may set), at `key` of the table `header`."""

    text: str
    why: str
    header: str
    key: str


_Judge = Callable[[dict[str, Any], dict[str, Any], Path | None], list[_CodeSetting]]


def _setuptools_code(
    data: dict[str, Any], hatch: dict[str, Any], pyproject: Path | None
) -> list[_CodeSetting]:
    """setuptools' `[tool.setuptools] cmdclass` (it imports each class) and every
    `{attr = ...}` of `[tool.setuptools.dynamic]` (it imports the module where its value
    is no literal; any `attr` is reported, the simple safe rule, as for `setup.cfg`)."""
    at = "tool.setuptools"
    setuptools = table(table(data, "tool"), "setuptools", "tool")
    settings = []
    if table(setuptools, "cmdclass", at):
        why = "dependencies the project's classes setuptools imports as commands may set"
        settings.append(_CodeSetting(f"[{at}] cmdclass", why, at, "cmdclass"))
    dynamic_at = join(at, "dynamic")
    for field, spec in table(setuptools, "dynamic", at).items():
        if isinstance(spec, dict) and "attr" in spec:
            text = f"[{dynamic_at}] {field} = {{attr = {json.dumps(spec['attr'])}}}"
            settings.append(_CodeSetting(text, _ATTR, dynamic_at, field))
    return settings


_ATTR = "dependencies the module setuptools imports for an attr: value may set"


def _hatch_code(
    data: dict[str, Any], hatch: dict[str, Any], pyproject: Path | None
) -> list[_CodeSetting]:
    """Hatch's hooks that run code (`code_hooks`) and any version source but `regex`, its
    default, which reads a file (`code` executes one; a plugin's may do anything)."""
    why = "dependencies a Hatch hook's code may set"
    hooks = [_CodeSetting(f"[{hook}]", why, *hook.rsplit(".", 1)) for hook in code_hooks(hatch)]
    at = "tool.hatch.version"
    source = string(table(hatch, "version", "tool.hatch"), "source", at) or "regex"
    if source == "regex":
        return hooks
    why = "dependencies the code of Hatch's version source may set"
    return [*hooks, _CodeSetting(f"[{at}] source = {json.dumps(source)}", why, at, "source")]


def _flit_code(
    data: dict[str, Any], hatch: dict[str, Any], pyproject: Path | None
) -> list[_CodeSetting]:
    """flit_core's dynamic `version` or `description`, which it imports the project's
    module for where its `__version__` or docstring is no literal (any is reported, the
    simple safe rule); every one of `[tool.flit.metadata]`, which has no other."""
    if build_system(data).package not in _FLIT:
        return []
    dynamic = strings(table(data, "project"), "dynamic", "project")
    read = [field for field in ("version", "description") if field in dynamic]
    why = "dependencies flit_core's import of the project's module for its metadata may set"
    if read:
        return [_CodeSetting(f"[project] dynamic = {json.dumps(read)}", why, "project", "dynamic")]
    if "project" not in data and "metadata" in table(table(data, "tool"), "flit", "tool"):
        return [_CodeSetting("[tool.flit.metadata] module", why, "tool.flit.metadata", "module")]
    return []


_FLIT = frozenset({"flit_core", "flit"})
"""flit's packages: a backend of either, whatever module or object of it is named, is
judged as flit (a setting reported where flit would not run code costs a finding; one
missed, the audit)."""


def _pdm_code(
    data: dict[str, Any], hatch: dict[str, Any], pyproject: Path | None
) -> list[_CodeSetting]:
    """pdm-backend's build hook of the project's own (`_pdm_hook`) and its `call` version
    source (`[tool.pdm.version] source = "call"`, which imports and calls the getter)."""
    hook = _pdm_hook(data, pyproject)
    why = "dependencies a pdm-backend build hook's code may set"
    settings = [] if hook is None else [_CodeSetting(hook, why, _PDM_BUILD, "custom-hook")]
    at = "tool.pdm.version"
    pdm = table(table(data, "tool"), "pdm", "tool")
    if string(table(pdm, "version", "tool.pdm"), "source", at) == "call":
        why = "dependencies the getter pdm-backend calls for the version may set"
        settings.append(_CodeSetting(f'[{at}] source = "call"', why, at, "source"))
    return settings


def _pdm_hook(data: dict[str, Any], pyproject: Path | None) -> str | None:
    """The build hook of the project's own that pdm-backend loads and runs, if any: its
    `[tool.pdm.build] custom-hook` (`pdm_build.py` unless named; a file beside
    `pyproject`, which it runs only where it is there), or pdm-pep517's `setup-script`."""
    if build_system(data).package != "pdm":
        return None
    build = table(table(table(data, "tool"), "pdm", "tool"), "build", "tool.pdm")
    named = string(build, "custom-hook", _PDM_BUILD) or string(build, "setup-script", _PDM_BUILD)
    if named is not None:
        return named
    beside = pyproject.with_name(_PDM_HOOK) if pyproject is not None else None
    return _PDM_HOOK if beside is not None and beside.exists() else None


_PDM_BUILD = "tool.pdm.build"
_PDM_HOOK = "pdm_build.py"


def _scikit_build_code(
    data: dict[str, Any], hatch: dict[str, Any], pyproject: Path | None
) -> list[_CodeSetting]:
    """scikit-build-core's metadata providers (`[tool.scikit-build.metadata.<field>]`)
    but its own `regex`, which reads a file: one of the project's (`provider-path`) or a
    plugin's runs code."""
    at = "tool.scikit-build.metadata"
    skbuild = table(table(data, "tool"), "scikit-build", "tool")
    metadata = table(skbuild, "metadata", "tool.scikit-build")
    why = "dependencies the code of a scikit-build-core metadata provider may set"
    return [
        _CodeSetting(f"[{join(at, field)}] provider", why, join(at, field), "provider")
        for field in metadata
        if string(table(metadata, field, at), "provider", join(at, field)) != _SKBUILD_REGEX
    ]


_SKBUILD_REGEX = "scikit_build_core.metadata.regex"


def _poetry_code(
    data: dict[str, Any], hatch: dict[str, Any], pyproject: Path | None
) -> list[_CodeSetting]:
    """Poetry's build script (`[tool.poetry.build] script`, or `build = "build.py"` as
    poetry-core 1 wrote it), which poetry-core runs as it builds."""
    build = table(table(data, "tool"), "poetry", "tool").get("build")
    if not (isinstance(build, str) or (isinstance(build, dict) and "script" in build)):
        return []
    why = "dependencies the project's build script poetry-core runs may set"
    return [_CodeSetting("[tool.poetry.build] script", why, "tool.poetry.build", "script")]


_CODE_SETTINGS: tuple[_Judge, ...] = (
    _setuptools_code,
    _hatch_code,
    _flit_code,
    _pdm_code,
    _scikit_build_code,
    _poetry_code,
)
"""Per build backend, what in a `pyproject.toml` (its data, Hatch's configuration, its
path) makes it import or run the project's code while it works out the metadata: each
such setting may set the dependencies, so only the build knows them."""


def _dynamic(
    text: str, why: str, where: tuple[str, int], found: Found, name: str = BUILD_CODE
) -> None:
    """Dependencies only the build knows (`text`, shown as written, and `why`), reported
    under `name`: `BUILD_CODE` where code of the bundle may set them, `DYNAMIC` where
    the manifest only declares them dynamic. The gate never runs a build."""
    reason = f"{why}: only the build backend knows them, and it is never run"
    found.unauditable.append(Unauditable(text, reason, *where, name))


_DYNAMIC_FIELDS = ("dependencies", "optional-dependencies")


def _backend_files(data: dict[str, Any], hatch: dict[str, Any], field: str) -> list[str]:
    """The requirements files a build backend reads the dynamic `field` from: those of
    setuptools' `[tool.setuptools.dynamic]` and of Hatch's requirements plugin (in its
    configuration `hatch`)."""
    setuptools = [name for names in _setuptools_files(data, field) for name in names]
    return setuptools + hatch_files(hatch, field)


def _setuptools_files(data: dict[str, Any], field: str) -> list[list[str]]:
    """The files setuptools reads the dynamic `field` from, those of each list it reads
    together: `{file = ...}` (one name or several) for the dependencies, one such table
    per extra for the optional ones."""
    at = "tool.setuptools.dynamic"
    setuptools = table(table(data, "tool"), "setuptools", "tool")
    dynamic = table(setuptools, "dynamic", "tool.setuptools")
    chosen = table(dynamic, field, at)
    specs = (
        [(join(at, field), chosen)]
        if field == "dependencies"
        else [
            (join(join(at, field), extra), table(chosen, extra, join(at, field)))
            for extra in chosen
        ]
    )
    names: list[list[str]] = []
    for spec_at, spec in specs:
        one = spec.get("file")
        names.append([one] if isinstance(one, str) else strings(spec, "file", spec_at))
    return names


def backend_files(manifest: Path) -> list[Path]:
    """The files a build backend reads the dependencies or extras of a `pyproject.toml`
    (`_backend_files`, with the `hatch.toml` beside it) or a `setup.cfg` (its `file:`
    values, where its backend reads it) from, whether or not they are declared dynamic;
    none where the manifest cannot be read. What the audit reads, and what diff mode
    holds each file's pins to."""
    try:
        text = manifest.read_text("utf-8", errors="replace")
        if manifest.name == SETUP_CFG:
            if not _reads_setup_cfg(manifest):
                return []
            names = [name for _, value, _ in _setup_cfg_values(text) for name in _named(value)]
        else:
            data = load_toml(text)
            hatch = hatch_config(data, manifest)
            names = [
                name for field in _DYNAMIC_FIELDS for name in _backend_files(data, hatch, field)
            ]
    except (OSError, Malformed):
        return []
    return [manifest.parent / name for name in names]


SETUP_CFG = "setup.cfg"


def read_setup_cfg(text: str, path: str, found: Found) -> None:
    """setuptools' declarative `setup.cfg`: `[options] install_requires` and each extra
    of `[options.extras_require]`, a list of requirements or `file:` requirements files
    (setuptools reads them without running code of the bundle), and pbr's own
    `[metadata] requires_dist` and `[extras]`; the rest of the file says nothing of what
    gets installed; the settings that make setuptools import the project's code
    (`_setup_cfg_code`) are reported as `BUILD_CODE`. Unread beside a
    `pyproject.toml` naming a build backend that never reads it."""
    if found.root is not None and not _reads_setup_cfg(found.root / path):
        return
    for setting, why, line in _setup_cfg_code(text):
        _dynamic(setting, why, (path, line), found)
    for _, value, line in _setup_cfg_values(text):
        names = _named(value)
        if names and found.root is not None:
            _read_setuptools_files(names, path, line, found, lines_only=False)
        elif not names:
            _classify_list(_setup_cfg_list(value), [(path, text)], (path, line), found)


SETUP_PY = "setup.py"


def read_setup_py(text: str, path: str, found: Found) -> None:
    """The requirements a `setup.py` passes its `setup(...)` call (`_setup_calls`), read
    from its syntax tree, never imported or run: `install_requires` and each extra of
    `extras_require` written as string literals are read as setuptools reads such a list
    (`_parse_strings`, all strings of one keyword as one list); any other value (a name,
    a call, a comprehension, `**kwargs`) is reported as `BUILD_CODE`, and so is
    a script that is more than a declaration (`_build_code`), whose literal call may not
    be the one that runs, nor what setuptools receives. A file Python cannot parse is
    `Malformed`. Unread beside a `pyproject.toml` naming a build backend that never runs
    it."""
    if found.root is not None and not _reads_setup_cfg(found.root / path):
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as e:
        line = getattr(e, "lineno", None) or 0
        raise Malformed("", f"not valid Python ({str(e).splitlines()[0]})", line) from e
    project = (found.root / path).parent if found.root is not None else None
    code = _build_code(tree, project)
    if code is not None:
        line, what = code
        _dynamic(SETUP_PY, f"build code around its setup() call ({what})", (path, line), found)
    for keyword, value in [
        pair for call in _setup_calls(tree) for pair in _requirement_values(call)
    ]:
        written = ast.get_source_segment(text, keyword) or ""
        items = _literal_strings(value)
        if items is None:
            _dynamic(written, "dependencies set by code", (path, keyword.lineno), found)
        else:
            # Each requirement at the line of this keyword where it is written.
            source = "\n" * (keyword.lineno - 1) + written
            _classify_list(_parse_strings(items), [(path, source)], (path, value.lineno), found)


def _setup_calls(tree: ast.Module) -> list[ast.Call]:
    """The calls of a setup script that may be its `setup(...)`: of `setup`, of a name
    imported as it (`from setuptools import setup as s`), or of any `X.setup`. Each is
    read; only a plain declaration's one call is the whole truth (`_build_code`)."""
    nodes = list(ast.walk(tree))
    names = {"setup"} | {
        alias.asname
        for node in nodes
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name == "setup" and alias.asname
    }
    return [
        node
        for node in nodes
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in names)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "setup")
        )
    ]


def _build_code(tree: ast.Module, project: Path | None) -> tuple[int, str] | None:
    """Where a setup script (of the folder `project`, where known) is more than a plain
    declaration, and what it does there; None for a plain one: imports of modules not
    the project's own, assignments, `with` blocks and one `if __name__ == "__main__":`,
    and one call of setuptools' (or distutils') `setup` with no `distclass` or `cmdclass`,
    every other call one that only reads (`_READING`). Anything else (a function or
    class defined, control flow, `setup` renamed or passed around, a name rebound,
    another call) may change what setup() receives or which setup() runs."""
    imports = _imported(tree)
    nodes = [node for node in ast.walk(tree) if isinstance(node, (ast.stmt, ast.expr))]
    calls = [n for n in nodes if isinstance(n, ast.Call) and _is_setup(n.func, imports)]
    callees = {id(call.func) for call in calls}
    found = (
        (node.lineno, what)
        for node in nodes
        if (what := _node_code(node, imports, callees, project)) is not None
    )
    return next(chain(_statement_code(tree.body, top=True), found, _call_code(calls)), None)


def _node_code(
    node: ast.stmt | ast.expr, imports: dict[str, set[str]], callees: set[int], project: Path | None
) -> str | None:
    """What one part of a setup script does beyond a declaration (`_build_code`), if
    anything: a star import or an import of the project's own code, a lambda, an imported
    or reading name rebound, a call that does more than read, `setup` used otherwise
    than called (`callees`, the ids of what its calls call)."""
    if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
        return "a star import"
    own = _own_module(node, project) if isinstance(node, (ast.Import, ast.ImportFrom)) else None
    if own is not None:
        return f"an import of {own}, the project's own code"
    if isinstance(node, ast.Lambda):
        return "a lambda"
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return f"{node.id} rebound" if node.id in imports or node.id in _READING else None
    if isinstance(node, ast.Call) and id(node.func) not in callees:
        return None if _reads_only(node.func, imports) else f"a call of {ast.unparse(node.func)}"
    if _is_setup(node, imports) and id(node) not in callees:
        return f"{ast.unparse(node)} used as a value"
    return None


def _call_code(calls: list[ast.Call]) -> Iterator[tuple[int, str]]:
    """What the setup() calls of a script (`calls`) say of build code: none, a second one,
    or a `distclass` or `cmdclass` of the script's own."""
    if not calls:
        yield 1, "no setup() call of setuptools' the gate can see"
    elif len(calls) > 1:
        yield calls[1].lineno, "a second setup() call"
    else:
        for keyword in calls[0].keywords:
            if keyword.arg in ("distclass", "cmdclass"):
                yield keyword.value.lineno, f"its own {keyword.arg}"


def _is_setup(node: ast.AST, imports: dict[str, set[str]]) -> bool:
    """Whether `node` names setuptools' (or distutils') `setup` through the imports."""
    named = _qualified(node, imports) if isinstance(node, (ast.Name, ast.Attribute)) else None
    return named is not None and named <= _SETUP


def _statement_code(body: list[ast.stmt], top: bool) -> Iterator[tuple[int, str]]:
    """The statements of `body` a plain declaration has no use for, each with its line and
    what it is: all but imports, expressions, `pass`, assignments to names and `with`
    blocks of such, and at the top one `if __name__ == "__main__":` of such and a `try`
    of imports only (a fallback from setuptools to distutils)."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Expr, ast.Pass)):
            continue
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not all(isinstance(target, ast.Name) for target in targets):
                yield statement.lineno, "an assignment to more than a name"
        elif isinstance(statement, ast.With) or (top and _main_guard(statement)):
            yield from _statement_code(statement.body, top=False)
        elif not (top and _import_fallback(statement)):
            kind = type(statement).__name__.lower().removeprefix("async")
            yield statement.lineno, _STATEMENTS.get(kind, f"{kind} statement")


_STATEMENTS = {"functiondef": "a function defined", "classdef": "a class defined"}


def _main_guard(statement: ast.stmt) -> TypeGuard[ast.If]:
    """Whether `statement` is `if __name__ == "__main__":` with no `else`."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and ast.unparse(statement.test) == "__name__ == '__main__'"
    )


def _import_fallback(statement: ast.stmt) -> bool:
    """Whether `statement` is a `try` of imports only, its handlers too."""
    if not isinstance(statement, ast.Try):
        return False
    handlers = [line for handler in statement.handlers for line in handler.body]
    body = [*statement.body, *handlers, *statement.orelse, *statement.finalbody]
    return all(isinstance(line, (ast.Import, ast.ImportFrom, ast.Pass)) for line in body)


def _imported(tree: ast.Module) -> dict[str, set[str]]:
    """The names a script's imports bind, each with the dotted names it may stand for
    (`setuptools.setup` for `s` of `from setuptools import setup as s`; several where
    imports bind it in turn, as a fallback to distutils does)."""
    imports: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                imports.setdefault(name, set()).add(alias.name if alias.asname else name)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                named = f"{node.module}.{alias.name}"
                imports.setdefault(alias.asname or alias.name, set()).add(named)
    return imports


def _qualified(expr: ast.expr, imports: dict[str, set[str]]) -> set[str] | None:
    """The dotted names a name or attribute (`setuptools.setup`, `os.path.join`) may stand
    for through the script's imports, a name not imported standing for itself; None for
    any other expression."""
    if isinstance(expr, ast.Attribute):
        base = _qualified(expr.value, imports)
        return {f"{name}.{expr.attr}" for name in base} if base else None
    return imports.get(expr.id, {expr.id}) if isinstance(expr, ast.Name) else None


def _reads_only(func: ast.expr, imports: dict[str, set[str]]) -> bool:
    """Whether a call of `func` only reads: one of `_READING` (by its dotted names), or a
    method of `_READING_METHODS` of a value the script made (a file it opened, a string,
    a path), not of a module it imported nor of anything reached from one (`sys.modules`)."""
    named = _qualified(func, imports)
    if named and named <= _READING:
        return True
    if not isinstance(func, ast.Attribute) or func.attr not in _READING_METHODS:
        return False
    base = func.value
    while isinstance(base, (ast.Attribute, ast.Subscript)):
        base = base.value
    return not (isinstance(base, ast.Name) and base.id in imports)


def _own_module(node: ast.Import | ast.ImportFrom, project: Path | None) -> str | None:
    """The module of the project that an import runs (one in the folder `project`, where
    known, from which the build imports), if any: a relative import, or a top-level name
    the folder holds as a module or a package."""
    if isinstance(node, ast.ImportFrom) and node.level:
        return "." * node.level + (node.module or "")
    names = (
        [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    )
    for name in names:
        top = name.split(".")[0]
        if project is not None and ((project / f"{top}.py").is_file() or (project / top).is_dir()):
            return name
    return None


_SETUP = frozenset({"setuptools.setup", "distutils.core.setup"})
_READING = frozenset(
    {
        "open",
        "io.open",
        "codecs.open",
        "pathlib.Path",
        "os.path.join",
        "os.path.dirname",
        "os.path.abspath",
        "os.path.realpath",
        "setuptools.find_packages",
        "setuptools.find_namespace_packages",
    }
)
_READING_METHODS = frozenset(
    {"read", "read_text", "readlines", "splitlines", "strip", "split", "join", "format", "resolve"}
)
"""The calls a plain setup script makes beside setup(): reading its README, finding its
packages (what they return never sets the dependencies unread: a non-literal value of
theirs is reported where it is passed)."""


def _requirement_values(call: ast.Call) -> list[tuple[ast.keyword, ast.expr]]:
    """The requirement lists a `setup(...)` call passes, each with its keyword:
    `install_requires`, each value of an `extras_require` dict (the whole value where it
    is not a dict literal), and every `**` mapping, which may hold either."""
    values: list[tuple[ast.keyword, ast.expr]] = []
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg == "extras_require" and isinstance(value, ast.Dict):
            plain = all(key is not None for key in value.keys)
            values += [(keyword, item) for item in value.values] if plain else [(keyword, value)]
        elif keyword.arg in (None, "install_requires", "extras_require"):
            values.append((keyword, value))
    return values


def _literal_strings(value: ast.expr) -> list[str] | None:
    """The strings of a string literal, or of a list or tuple of them; None for any other
    expression, whose value only running the script gives."""
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    texts = [item.value for item in items if isinstance(item, ast.Constant)]
    plain = len(texts) == len(items) and all(isinstance(text, str) for text in texts)
    return [str(text) for text in texts] if plain else None


def _read_setuptools_files(
    names: list[str], manifest: str, line: int, found: Found, *, lines_only: bool
) -> None:
    """The files one setuptools setting reads a requirements list from (a `file:` of
    `setup.cfg`, a `{file = ...}` of `[tool.setuptools.dynamic]`), read as setuptools
    reads them: joined by line breaks into one list (`expand.read_files`), so a line
    ending in `\\` continues into the next file, then split by `_setup_cfg_list` (one
    requirement a line, no pip options or includes; a list of one line split on `;`
    unless `lines_only`, as pyproject's are not)."""
    root = found.root
    assert root is not None, "files are named only within a bundle"
    texts = [
        (target.relative_to(root.resolve()).as_posix(), target.read_text("utf-8", errors="replace"))
        for target in named_files(names, manifest, line, found)
    ]
    if texts:
        joined = "\n".join(text for _, text in texts)
        requirements = _setup_cfg_list(joined + "\n" if lines_only else joined)
        _classify_list(requirements, texts, (texts[0][0], 1), found)


def _classify_list(
    requirements: list[str], written: list[tuple[str, str]], unseen: tuple[str, int], found: Found
) -> None:
    """Each of the `requirements` setuptools reads from a list, at the first line of the
    files `written` (path, text read with universal newlines) that holds it, numbered as
    their readers (configparser, Python, an editor) number them: at `\\n` alone, not at
    the other breaks a list is split at; or at `unseen` (path, line) where none does."""
    for requirement in requirements:
        path, number = next(
            (
                (path, number)
                for path, text in written
                for number, line in enumerate(text.split("\n"), 1)
                if requirement in line
            ),
            unseen,
        )
        classify_requirement(requirement, requirement, path, number, found)


def read_pbr_projects(root: Path, found: Found) -> None:
    """What pbr adds to the requirements of each project under `root` that it builds (a
    folder whose `setup.py` or `pyproject.toml` names it: `runs_pbr`), from its own files
    read as pbr reads them (`pbr_requirements`), then as pbr and setuptools read its
    `[metadata] requires_dist`, to which it adds them (`_pbr_list`, `_classify_list`);
    the settings of its `setup.cfg` that make pbr run code other than its own
    (`pbr_code_settings`: setup hooks, commands) are reported as `BUILD_CODE`."""
    top = root.resolve()
    places = {path.parent for name in (SETUP_PY, "pyproject.toml") for path in root.rglob(name)}
    for project in sorted(place for place in places if runs_pbr(place)):
        lines, read = pbr_requirements(project, found)
        written = [(path.relative_to(top).as_posix(), text) for path, text in read]
        if written:
            value = _pbr_list("\n".join(lines), "metadata")
            _classify_list(_setup_cfg_list(value), written, (written[0][0], 1), found)
        _read_pbr_code(project, root, found)


def _read_pbr_code(project: Path, root: Path, found: Found) -> None:
    """The settings of the `setup.cfg` of a pbr project (in `project`, under `root`) that
    run code which may set its dependencies (`pbr_code_settings`), each reported as
    dynamic at its line; one whose value pbr cannot expand is a problem."""
    config = project / PBR_CONFIG
    relative = config.relative_to(root).as_posix()
    try:
        text = config.read_text("utf-8", errors="replace")
        keys = pbr_code_settings(text)
    except OSError:
        return  # no setup.cfg: pbr runs no hook
    except Malformed as e:
        found.problems.append(Unauditable(relative, str(e), relative, e.line))
        return
    lines = text.splitlines()
    for key in keys:
        why = "dependencies the code pbr runs at build time may set"
        _dynamic(f"[global] {key}", why, (relative, ini_line(lines, key)), found)


class _SetuptoolsParser(configparser.ConfigParser):
    """The parser setuptools reads `setup.cfg` with (`Distribution._parse_config_files`):
    BasicInterpolation (`%(name)s` from the same section or `[DEFAULT]`, `%%` for `%`),
    option names kept as written."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _setup_cfg_values(text: str) -> list[tuple[str, str, int]]:
    """The values of `install_requires` and of every extra in a `setup.cfg`, setuptools'
    (read with its parser, `_SetuptoolsParser`) and pbr's (`_pbr_keys`, read with pbr's,
    `pbr_config`), each with its key and line, expanded as the tool reading it expands
    them (`ini_value`); a file configparser cannot read, or a value its tool cannot
    expand (the tool fails there), is `Malformed`."""
    setuptools = load_ini(text, _SetuptoolsParser())
    pbr = pbr_config(text)
    sections = _setuptools_sections(setuptools)
    keys = [
        (setuptools, "setuptools", sections[""], key)
        for key in _options(setuptools, sections.get(""))
        if _normalized(key) == "install_requires"
    ]
    keys += [
        (setuptools, "setuptools", sections[_EXTRAS], key)
        for key in _options(setuptools, sections.get(_EXTRAS))
    ]
    keys += [(pbr, "pbr", section, key) for section, key in _pbr_keys(pbr)]
    lines = text.split("\n")  # as configparser numbers them
    values = []
    for parser, tool, section, key in keys:
        line = ini_line(lines, key)
        value = ini_value(parser, section, key, tool, line)
        values.append((key, _pbr_list(value, section) if section in _PBR else value, line))
    return values


def _setup_cfg_code(text: str) -> list[tuple[str, str, int]]:
    """The settings of a `setup.cfg` that make setuptools import the project's code while
    it reads its configuration, code which may then set the dependencies, each as written
    with why and its line: `[options] cmdclass` (any case, `-` read as `_`; it imports
    each class) and every `attr:` value of `[metadata]` or `[options]`. setuptools reads
    an `attr:` from the module's syntax tree where its value is a literal, and imports the
    module otherwise; any `attr:` is reported, the simple safe rule, rather than judging
    which file setuptools would find (`package_dir` may move it) and what it holds."""
    parser = load_ini(text, _SetuptoolsParser())
    sections = _setuptools_sections(parser)
    lines = text.splitlines()
    settings: dict[str, tuple[str, str, int]] = {}
    for section in ("metadata", *sections.values()):
        for key in _options(parser, section):
            line = ini_line(lines, key)
            try:
                value = ini_value(parser, section, key, "setuptools", line)
            except Malformed:
                continue  # setuptools fails there, before it imports anything
            cmdclass = section == sections.get("") and _normalized(key) == "cmdclass"
            if cmdclass:
                why = "dependencies the project's classes setuptools imports as commands may set"
                settings.setdefault(key, (f"[{section}] {key}", why, line))
            elif value.strip().startswith("attr:"):
                settings.setdefault(key, (f"[{section}] {key} = {value.strip()}", _ATTR, line))
    return list(settings.values())


def _normalized(key: str) -> str:
    """An option name as setuptools (`[options]`) and pbr read it: in any case, `-` read
    as `_`."""
    return key.lower().replace("-", "_")


_EXTRAS = "extras_require"


def _setuptools_sections(parser: configparser.ConfigParser) -> dict[str, str]:
    """The sections setuptools takes as `[options]` ("") and its parts (`extras_require`):
    each whose name starts `options`, the rest with its leading dots stripped
    (`ConfigHandler._section_options`), so `[options.]` is `[options]`; of several, the
    last."""
    return {
        section[len("options") :].lstrip("."): section
        for section in parser.sections()
        if section.startswith("options")
    }


def _pbr_keys(parser: configparser.ConfigParser) -> list[tuple[str, str]]:
    """pbr's own keys for the requirements (`setupcfg.CFG_TO_PY_SETUP_ARGS`, its keys
    lower-cased and `-` read as `_`): `[metadata] requires_dist`, its `install_requires`,
    and each extra of `[extras]`."""
    metadata = [
        ("metadata", key)
        for key in _options(parser, "metadata")
        if _normalized(key) == "requires_dist"
    ]
    return metadata + [("extras", key) for key in _options(parser, "extras")]


_PBR = frozenset({"metadata", "extras"})
"""The sections pbr's keys are read from (`_pbr_keys`), whose lists pbr splits."""


def _pbr_list(value: str, section: str) -> str:
    """A pbr list of `section` as the list setuptools then reads (`_setup_cfg_list`):
    what pbr hands it (`handed_to_setuptools`), one a line."""
    return "".join(line + "\n" for line in handed_to_setuptools(value, section == "extras"))


def _options(parser: configparser.ConfigParser, section: str | None) -> list[str]:
    """The option names of `section` (with those of `[DEFAULT]`), none where it is absent."""
    return parser.options(section) if section and parser.has_section(section) else []


def _named(value: str) -> list[str]:
    """The files a `file:` value names (comma-separated); none for a list."""
    if not value.strip().startswith("file:"):
        return []
    return [name.strip() for name in value.strip()[len("file:") :].split(",") if name.strip()]


def _setup_cfg_list(value: str) -> list[str]:
    """A requirements list of `setup.cfg` as setuptools reads it: its items as
    `_parse_requirements_list` takes them (`_parse_list_semicolon`: one a line, or split
    on `;` when written on one line; each stripped, empty ones and those starting with
    `#` dropped), then read as `_reqs.parse_strings` reads them (`_parse_strings`)."""
    items = (item.strip() for item in (value.splitlines() if "\n" in value else value.split(";")))
    return _parse_strings([item for item in items if item and not item.startswith("#")])


def _parse_strings(items: list[str]) -> list[str]:
    """The requirements setuptools reads from the strings `items` (`_reqs.parse_strings`):
    each split again at every line break `str.splitlines` knows (jaraco.text
    `yield_lines`: `\\v`, `\\f`, `\\x1c`-`\\x1e`, `\\x85`, `\\u2028`, `\\u2029` as well as
    `\\n` and `\\r`), each line stripped, empty and comment lines dropped; only then a
    ` #` comment cut off each line (`drop_comment`), so a comment never hides what follows
    such a break; and a line ending in `\\` joined to the next with the character before
    the backslash dropped too (setuptools' own quirk), or dropped where no line follows."""
    lines = iter(
        [
            line.partition(" #")[0]
            for item in items
            for line in map(str.strip, item.splitlines())
            if line and not line.startswith("#")
        ]
    )
    requirements: list[str] = []
    for line in lines:
        while line.endswith("\\"):
            following = next(lines, None)
            if following is None:
                return requirements
            line = line[:-2].strip() + following
        requirements.append(line.strip())
    return requirements


def _reads_setup_cfg(setup_file: Path) -> bool:
    """Whether the build backend of the project of `setup_file` (its `setup.cfg`, or its
    `setup.py`, which setuptools runs) reads it: the `pyproject.toml` beside it names
    none (or there is none), one of the project's own (`backend-path`, whatever its
    name), or one not known by its whole name never to read it
    (`PYPROJECT_ONLY_BACKENDS`: setuptools, pbr, any wrapper of setuptools, any other)."""
    try:
        system = build_system(load_pyproject(setup_file.parent / "pyproject.toml"))
    except (OSError, Malformed):
        return True  # no pyproject.toml; one that cannot be read is reported by its reader
    return system.in_tree or system.backend not in PYPROJECT_ONLY_BACKENDS


def _pdm_overrides(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """PDM's `[tool.pdm.resolution.overrides]`, with its header: each replaces whatever
    version of its package is asked for with its own, a version constraint or a URL."""
    pdm = table(table(data, "tool"), "pdm", "tool")
    at = "tool.pdm.resolution"
    overrides = table(table(pdm, "resolution", "tool.pdm"), "overrides", at)
    read = {n: {"url": v} if isinstance(v, str) and is_url(v) else v for n, v in overrides.items()}
    return join(at, "overrides"), read


def _pyproject_requirements(data: dict[str, Any]) -> list[str]:
    """Every PEP 508 string: `[project]` dependencies and extras, flit's older
    `[tool.flit.metadata]` (`requires`, `dev-requires`, the extras of `requires-extra`),
    `[dependency-groups]`, the dev dependency lists of uv and PDM, and uv's overrides and
    constraints (each a requirement the resolver holds every install to)."""
    project, tool = table(data, "project"), table(data, "tool")
    uv, pdm = table(tool, "uv", "tool"), table(tool, "pdm", "tool")
    found = strings(project, "dependencies", "project")
    for key in ("dev-dependencies", "override-dependencies", "constraint-dependencies"):
        found += strings(uv, key, "tool.uv")
    flit = table(table(tool, "flit", "tool"), "metadata", "tool.flit")
    for key in ("requires", "dev-requires"):
        found += strings(flit, key, "tool.flit.metadata")
    for at, groups in (
        ("project.optional-dependencies", table(project, "optional-dependencies", "project")),
        ("tool.pdm.dev-dependencies", table(pdm, "dev-dependencies", "tool.pdm")),
        ("tool.flit.metadata.requires-extra", table(flit, "requires-extra", "tool.flit.metadata")),
    ):
        for group in groups:
            found += strings(groups, group, at)
    groups = table(data, "dependency-groups")
    for group in groups:
        found += _group_requirements(groups, group)
    return found


def _group_requirements(groups: dict[str, Any], group: str) -> list[str]:
    """A PEP 735 group: strings, and `{include-group = "..."}` tables (read where named)."""
    at = join("dependency-groups", group)
    items = groups[group]
    if not isinstance(items, list):
        raise Malformed(at, f"must be an array, not {kind(items)}")
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("include-group"), str):
            continue
        if not isinstance(item, str):
            problem = f"must be a requirement string or an include-group table, not {kind(item)}"
            raise Malformed(join(at, index), problem)
    return [item for item in items if isinstance(item, str)]


def _uv_sources(data: dict[str, Any], lines: list[str], path: str, found: Found) -> None:
    """Where uv (`[tool.uv.sources]`) takes a dependency from instead of an index: a git
    repository, a URL, a folder. Each is read as a Poetry table's source is."""
    header = "tool.uv.sources"
    for name, spec in table(table(table(data, "tool"), "uv", "tool"), "sources", "tool.uv").items():
        items = spec if isinstance(spec, list) else [spec]
        if any(isinstance(i, dict) and _ELSEWHERE & i.keys() for i in items):
            where = (path, key_line(lines, header, name))
            _read_table_dependency(name, spec, join(header, name), where, found)


# The keys of a dependency's table that take it from elsewhere than an index (uv's
# `workspace` names a member of the project: its own code, built like a folder).
_ELSEWHERE = frozenset({"git", "url", "path", "file", "directory", "workspace"})


def _poetry_tables(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Poetry's dependency tables, each with its header. `[tool.poetry.dependencies]` is
    read even beside `[project].dependencies`: Poetry 2 holds those to its versions and
    sources too."""
    poetry = table(table(data, "tool"), "poetry", "tool")
    at = "tool.poetry"
    tables = [
        (join(at, key), table(poetry, key, at)) for key in ("dev-dependencies", "dependencies")
    ]
    groups = table(poetry, "group", at)
    for group in groups:
        group_at = join(join(at, "group"), group)
        content = table(groups, group, join(at, "group"))
        tables.append((join(group_at, "dependencies"), table(content, "dependencies", group_at)))
    return tables


def _read_table_dependency(
    name: str, spec: object, at: str, where: tuple[str, int], found: Found
) -> None:
    """A Poetry or Pipenv entry: `"1.2.3"`, `"==1.2.3"`, `{version = ...}`, `{git = ...}`,
    or an array of such tables (one per Python version or platform)."""
    text = f"{name} = {json.dumps(spec, default=str)}"
    for index, constraint in enumerate(spec if isinstance(spec, list) else [spec]):
        key = join(at, index) if isinstance(spec, list) else at
        if isinstance(constraint, str):
            constraint = {"version": constraint}
        if not isinstance(constraint, dict):
            problem = f"must be a version string or a table, not {kind(constraint)}"
            raise Malformed(key, problem, where[1])
        read_dependency(name, constraint, key, where, found, text=text)


def read_pipfile(text: str, path: str, found: Found) -> None:
    """A Pipfile without its lock: `[packages]` and `[dev-packages]`, read as Poetry's are."""
    data = load_toml(text)
    lines = text.splitlines()
    for header in ("packages", "dev-packages"):
        for name, spec in table(data, header).items():
            where = (path, key_line(lines, header, name))
            _read_table_dependency(name, spec, join(header, name), where, found)
    pipfile_indexes(data, lines, path, found)

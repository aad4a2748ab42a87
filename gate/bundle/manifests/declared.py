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
one known never to read it (`_reads_setup_cfg`)."""

from __future__ import annotations

import ast
import configparser
import json
import re
from pathlib import Path
from typing import Any

from gate.bundle.manifests.entries import read_dependency
from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.hatch import code_hooks, hatch_config, hatch_files, read_plugin_files
from gate.bundle.manifests.indexes import is_url, pipfile_indexes, pyproject_indexes
from gate.bundle.manifests.requirements import classify_requirement, named_files
from gate.bundle.manifests.shapes import (
    Malformed,
    join,
    key_line,
    kind,
    load_toml,
    string,
    strings,
    table,
)

DYNAMIC = "dynamic = dependencies"
"""What a `pyproject.toml` with dynamic dependencies is reported as (a lock resolves them)."""


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
    and so are Hatch's metadata hooks that run code (`code_hooks`), which may set them
    whether or not they are declared dynamic."""
    dynamic = strings(table(data, "project"), "dynamic", "project")
    fields = [field for field in _DYNAMIC_FIELDS if field in dynamic]
    hatch = hatch_config(data, found.root / path if found.root is not None else None)
    files = {field: _backend_files(data, hatch, field) for field in fields}
    line = key_line(lines, "project", "dynamic")
    readable = found.root is not None  # only a bundle's manifest names files it holds
    if readable:
        for names in [group for field in fields for group in _setuptools_files(data, field)]:
            _read_setuptools_files(names, path, line, found, lines_only=True)
        plugin = [name for field in fields for name in hatch_files(hatch, field)]
        read_plugin_files(plugin, path, line, found)
    hooks = code_hooks(hatch)
    if hooks:
        header = f"[{hooks[0]}]"
        at = next((n for n, text in enumerate(lines, 1) if text.strip() == header), line)
        _dynamic(header, "dependencies a Hatch hook's code may set", (path, at), found)
    elif "dependencies" in files and not (readable and files["dependencies"]):
        _dynamic(DYNAMIC, "dynamic dependencies", (path, line), found)


def _dynamic(text: str, why: str, where: tuple[str, int], found: Found) -> None:
    """Dependencies only the build knows (`text`, shown as written, and `why`), reported
    as dynamic: the gate never runs a build."""
    reason = f"{why}: only the build backend knows them, and it is never run"
    found.unauditable.append(Unauditable(text, reason, *where, DYNAMIC))


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
    gets installed. Unread beside a `pyproject.toml` naming a build backend that never
    reads it."""
    if found.root is not None and not _reads_setup_cfg(found.root / path):
        return
    for _, value, line in _setup_cfg_values(text):
        names = _named(value)
        if names and found.root is not None:
            _read_setuptools_files(names, path, line, found, lines_only=False)
        elif not names:
            _classify_list(value, [(path, text)], (path, line), found)


SETUP_PY = "setup.py"


def read_setup_py(text: str, path: str, found: Found) -> None:
    """The requirements a `setup.py` passes its `setup(...)` call (`_setup_calls`), read
    from its syntax tree, never imported or run: `install_requires` and each extra of
    `extras_require` written as string literals are read as setuptools reads such a list
    (`_setup_cfg_list`, all strings of one keyword as one list); any other value (a name,
    a call, a comprehension, `**kwargs`), and a script with no call the gate can see, is
    reported as dynamic dependencies. A file Python cannot parse is `Malformed`.
    Unread beside a `pyproject.toml` naming a build backend that never runs it."""
    if found.root is not None and not _reads_setup_cfg(found.root / path):
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as e:
        line = getattr(e, "lineno", None) or 0
        raise Malformed("", f"not valid Python ({str(e).splitlines()[0]})", line) from e
    calls = _setup_calls(tree)
    if not calls:  # it calls setup() some other way (`getattr`, `exec`), or not at all
        _dynamic(SETUP_PY, "a setup() call the gate cannot see", (path, 1), found)
    for keyword, value in [pair for call in calls for pair in _requirement_values(call)]:
        written = ast.get_source_segment(text, keyword) or ""
        items = _literal_strings(value)
        if items is None:
            _dynamic(written, "dependencies set by code", (path, keyword.lineno), found)
        else:
            # Each requirement at the line of this keyword where it is written.
            source = "\n" * (keyword.lineno - 1) + written
            requirements = "".join(item + "\n" for item in items)
            _classify_list(requirements, [(path, source)], (path, value.lineno), found)


def _setup_calls(tree: ast.Module) -> list[ast.Call]:
    """The `setup(...)` calls of a setup script: of `setup`, of a name imported as it
    (`from setuptools import setup as s`), or of any `X.setup`."""
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
        _classify_list(joined + "\n" if lines_only else joined, texts, (texts[0][0], 1), found)


def _classify_list(
    value: str, written: list[tuple[str, str]], unseen: tuple[str, int], found: Found
) -> None:
    """Each requirement of the setuptools list `value`, at the first line of the files
    `written` (path, text) that holds it, or at `unseen` (path, line) where none does."""
    for requirement in _setup_cfg_list(value):
        path, number = next(
            (
                (path, number)
                for path, text in written
                for number, line in enumerate(text.splitlines(), 1)
                if requirement in line
            ),
            unseen,
        )
        classify_requirement(requirement, requirement, path, number, found)


class _SetuptoolsParser(configparser.ConfigParser):
    """The parser setuptools reads `setup.cfg` with (`Distribution._parse_config_files`):
    BasicInterpolation (`%(name)s` from the same section or `[DEFAULT]`, `%%` for `%`),
    option names kept as written."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _setup_cfg_values(text: str) -> list[tuple[str, str, int]]:
    """The values of `install_requires` and of every extra in a `setup.cfg`, setuptools'
    and pbr's (`_pbr_keys`), each with its key and line, expanded as setuptools expands
    them; a file configparser cannot read, or a value it cannot expand (setuptools fails
    there), is `Malformed`."""
    parser = _SetuptoolsParser()
    try:
        parser.read_string(text)
    except configparser.Error as e:
        line = getattr(e, "lineno", 0)
        raise Malformed("", f"not valid INI ({str(e).splitlines()[0]})", line) from e
    sections = _setuptools_sections(parser)
    keys = [
        (sections[""], key)
        for key in _options(parser, sections.get(""))
        if key.lower().replace("-", "_") == "install_requires"
    ]
    keys += [(sections[_EXTRAS], key) for key in _options(parser, sections.get(_EXTRAS))]
    keys += _pbr_keys(parser)
    lines = text.splitlines()
    values = []
    for section, key in keys:
        line = _cfg_line(lines, key)
        try:
            value = parser.get(section, key)
            values.append((key, _pbr_list(value, section) if section in _PBR else value, line))
        except configparser.InterpolationError as e:
            problem = f"cannot be expanded as setuptools expands it ({str(e).splitlines()[0]})"
            fix = "set each %(name)s it uses in its section or [DEFAULT], write a % as %%"
            raise Malformed(join(section, key), f"{problem}; {fix}", line) from e
    return values


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
        if key.lower().replace("-", "_") == "requires_dist"
    ]
    return metadata + [("extras", key) for key in _options(parser, "extras")]


_PBR = frozenset({"metadata", "extras"})
"""The sections pbr's keys are read from (`_pbr_keys`), whose lists pbr splits."""


def _pbr_list(value: str, section: str) -> str:
    """A pbr list of `section` (`split_multiline`: one requirement a line, never split on
    `;`) as the list setuptools then reads (`_setup_cfg_list`), each line of `[extras]`
    (`package:marker`) cut to its package (the marker only chooses where it installs)."""
    lines = value.split("\n")
    return "".join(
        (line.partition(":")[0] if section == "extras" else line) + "\n" for line in lines
    )


def _cfg_line(lines: list[str], key: str) -> int:
    """The first line of a `setup.cfg` setting `key` (`key =` or `key:`); 0 if none does."""
    pattern = re.compile(rf"{re.escape(key)}\s*[=:]", re.IGNORECASE)
    return next((n for n, t in enumerate(lines, 1) if pattern.match(t)), 0)


def _options(parser: configparser.ConfigParser, section: str | None) -> list[str]:
    """The option names of `section` (with those of `[DEFAULT]`), none where it is absent."""
    return parser.options(section) if section and parser.has_section(section) else []


def _named(value: str) -> list[str]:
    """The files a `file:` value names (comma-separated); none for a list."""
    if not value.strip().startswith("file:"):
        return []
    return [name.strip() for name in value.strip()[len("file:") :].split(",") if name.strip()]


def _setup_cfg_list(value: str) -> list[str]:
    """A requirements list as setuptools reads it (`_parse_list_semicolon`, then
    `_reqs.parse_strings`): one a line, or split on `;` when written on one line;
    comment lines dropped, a ` #` comment cut off its line, and a line ending in `\\`
    joined to the next with the character before the backslash dropped too (setuptools'
    own quirk), or dropped where no line follows."""
    items = (item.strip() for item in (value.splitlines() if "\n" in value else value.split(";")))
    lines = iter([item.partition(" #")[0] for item in items if item and not item.startswith("#")])
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
    name), or one not known never to read it (setuptools, pbr, any other)."""
    pyproject = setup_file.parent / "pyproject.toml"
    try:
        system = table(load_toml(pyproject.read_text("utf-8", errors="replace")), "build-system")
        backend = string(system, "build-backend", "build-system")
    except (OSError, Malformed):
        return True  # no pyproject.toml; one that cannot be read is reported by its reader
    if backend is None or "backend-path" in system:
        return True
    return backend.split(".")[0].split(":")[0] not in _NEVER_READ_SETUP_CFG


_NEVER_READ_SETUP_CFG = frozenset(
    {
        "hatchling",
        "flit_core",
        "flit",
        "poetry",
        "pdm",
        "uv_build",
        "maturin",
        "scikit_build_core",
        "mesonpy",
    }
)
"""The top-level modules of the build backends that read a project's metadata from
`pyproject.toml` alone (`poetry.core.masonry.api`, `pdm.backend`, `mesonpy`...)."""


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

"""`pyproject.toml` and `Pipfile`: the dependencies a project declares, read as TOML.
Every key read is checked for its shape (`gate.bundle.manifests.shapes`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.bundle.manifests.entries import read_dependency
from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.indexes import is_url, pipfile_indexes, pyproject_indexes
from gate.bundle.manifests.requirements import classify_requirement, read_named_files
from gate.bundle.manifests.shapes import Malformed, join, key_line, kind, load_toml, strings, table

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
    """Dynamic dependencies and extras: the requirements files setuptools reads them from
    (`[tool.setuptools.dynamic]`, no code of the bundle runs), read as requirements files;
    dynamic dependencies without such files are reported, as only the backend knows them."""
    dynamic = strings(table(data, "project"), "dynamic", "project")
    files = {field: _setuptools_files(data, field) for field in _DYNAMIC_FIELDS if field in dynamic}
    line = key_line(lines, "project", "dynamic")
    readable = found.root is not None  # only a bundle's manifest names files it holds
    if readable:
        read_named_files([name for names in files.values() for name in names], path, line, found)
    if "dependencies" in files and not (readable and files["dependencies"]):
        reason = "dynamic dependencies: only the build backend knows them, and it is never run"
        found.unauditable.append(Unauditable(DYNAMIC, reason, path, line, DYNAMIC))


_DYNAMIC_FIELDS = ("dependencies", "optional-dependencies")


def _setuptools_files(data: dict[str, Any], field: str) -> list[str]:
    """The files setuptools reads the dynamic `field` from: `{file = ...}` (one name or
    several) for the dependencies, one such table per extra for the optional ones."""
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
    names: list[str] = []
    for spec_at, spec in specs:
        one = spec.get("file")
        names += [one] if isinstance(one, str) else strings(spec, "file", spec_at)
    return names


def dynamic_files(pyproject: Path) -> list[Path]:
    """The files setuptools reads a `pyproject.toml`'s dependencies or extras from, named
    anywhere in its `[tool.setuptools.dynamic]`; none where it cannot be read."""
    try:
        data = load_toml(pyproject.read_text("utf-8", errors="replace"))
        names = [name for field in _DYNAMIC_FIELDS for name in _setuptools_files(data, field)]
    except (OSError, Malformed):
        return []
    return [pyproject.parent / name for name in names]


def _pdm_overrides(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """PDM's `[tool.pdm.resolution.overrides]`, with its header: each replaces whatever
    version of its package is asked for with its own, a version constraint or a URL."""
    pdm = table(table(data, "tool"), "pdm", "tool")
    at = "tool.pdm.resolution"
    overrides = table(table(pdm, "resolution", "tool.pdm"), "overrides", at)
    read = {n: {"url": v} if isinstance(v, str) and is_url(v) else v for n, v in overrides.items()}
    return join(at, "overrides"), read


def _pyproject_requirements(data: dict[str, Any]) -> list[str]:
    """Every PEP 508 string: `[project]` dependencies and extras, `[dependency-groups]`,
    the dev dependency lists of uv and PDM, and uv's overrides and constraints (each a
    requirement the resolver holds every install to)."""
    project, tool = table(data, "project"), table(data, "tool")
    uv, pdm = table(tool, "uv", "tool"), table(tool, "pdm", "tool")
    found = strings(project, "dependencies", "project")
    for key in ("dev-dependencies", "override-dependencies", "constraint-dependencies"):
        found += strings(uv, key, "tool.uv")
    for at, groups in (
        ("project.optional-dependencies", table(project, "optional-dependencies", "project")),
        ("tool.pdm.dev-dependencies", table(pdm, "dev-dependencies", "tool.pdm")),
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

"""`pyproject.toml` and `Pipfile`: the dependencies a project declares, read as TOML.
Every key read is checked for its shape (`gate.bundle.manifests.shapes`)."""

from __future__ import annotations

import json
from typing import Any

from gate.bundle.manifests.entries import read_dependency
from gate.bundle.manifests.found import Found, Unauditable
from gate.bundle.manifests.indexes import pipfile_indexes, pyproject_indexes
from gate.bundle.manifests.requirements import classify_requirement
from gate.bundle.manifests.shapes import Malformed, join, key_line, kind, load_toml, strings, table

DYNAMIC = "dynamic = dependencies"
"""What a `pyproject.toml` with dynamic dependencies is reported as (a lock resolves them)."""


def read_pyproject(text: str, path: str, found: Found) -> None:
    """PEP 621 dependencies, extras and dependency groups, and Poetry's dependency tables."""
    data = load_toml(text)
    project = table(data, "project")
    lines = text.splitlines()
    for requirement in _pyproject_requirements(data):
        quoted = (f'"{requirement}"', f"'{requirement}'")
        line = next((n for n, t in enumerate(lines, 1) if any(q in t for q in quoted)), 0)
        classify_requirement(requirement, requirement, path, line, found)
    if "dependencies" in strings(project, "dynamic", "project"):
        reason = "dynamic dependencies: only the build backend knows them, and it is never run"
        line = key_line(lines, "project", "dynamic")
        found.unauditable.append(Unauditable(DYNAMIC, reason, path, line, DYNAMIC))
    for header, dependencies in _poetry_tables(data):
        for name, spec in dependencies.items():
            if name != "python":
                where = (path, key_line(lines, header, name))
                _read_table_dependency(name, spec, join(header, name), where, found)
    pyproject_indexes(data, lines, path, found)
    _sources_of_project_dependencies(data, lines, path, found)


def _pyproject_requirements(data: dict[str, Any]) -> list[str]:
    """Every PEP 508 string: `[project]` dependencies and extras, `[dependency-groups]`,
    and the dev dependency lists of uv and PDM."""
    project, tool = table(data, "project"), table(data, "tool")
    uv, pdm = table(tool, "uv", "tool"), table(tool, "pdm", "tool")
    found = strings(project, "dependencies", "project")
    found += strings(uv, "dev-dependencies", "tool.uv")
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


def _sources_of_project_dependencies(
    data: dict[str, Any], lines: list[str], path: str, found: Found
) -> None:
    """Where uv (`[tool.uv.sources]`) and Poetry 2 (`[tool.poetry.dependencies]` beside
    `[project].dependencies`) take a dependency from instead of an index: a git
    repository, a URL, a folder. Each is read as a Poetry table's source is."""
    tool = table(data, "tool")
    chosen = [("tool.uv.sources", table(table(tool, "uv", "tool"), "sources", "tool.uv"))]
    if "dependencies" in table(data, "project"):  # else `_poetry_tables` reads it whole
        poetry = table(tool, "poetry", "tool")
        chosen.append(("tool.poetry.dependencies", table(poetry, "dependencies", "tool.poetry")))
    for header, entries in chosen:
        for name, spec in entries.items():
            items = spec if isinstance(spec, list) else [spec]
            if any(isinstance(i, dict) and _ELSEWHERE & i.keys() for i in items):
                where = (path, key_line(lines, header, name))
                _read_table_dependency(name, spec, join(header, name), where, found)


# The keys of a dependency's table that take it from elsewhere than an index (uv's
# `workspace` names a member of the project: its own code, built like a folder).
_ELSEWHERE = frozenset({"git", "url", "path", "file", "directory", "workspace"})


def _poetry_tables(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Poetry's dependency tables, each with its header. With `[project].dependencies` set,
    `[tool.poetry.dependencies]` only adds detail to them (Poetry 2), so it is not read."""
    poetry = table(table(data, "tool"), "poetry", "tool")
    at = "tool.poetry"
    tables = [(join(at, "dev-dependencies"), table(poetry, "dev-dependencies", at))]
    if "dependencies" not in table(data, "project"):
        tables.append((join(at, "dependencies"), table(poetry, "dependencies", at)))
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

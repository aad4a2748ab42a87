"""`pyproject.toml`, `Pipfile` and the poetry, uv, pdm and pipenv lock files, read as TOML
or JSON text. Line numbers are found in the text, since the parsers give none."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

from gate.manifests.found import Found, Unauditable
from gate.manifests.requirements import classify_requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

# A manifest of ranges beside one of its lock files is pinned by that lock, which is audited.
LOCKS_OF = {"pyproject.toml": ("poetry.lock", "uv.lock", "pdm.lock"), "Pipfile": ("Pipfile.lock",)}
# Where a dependency comes from when it is not a package index, as the lock files and
# Poetry/Pipenv tables name it: the gate cannot tell which code that is, so it is not audited.
_LOCAL_SOURCES = {
    "git": "git dependency",
    "url": "URL dependency",
    "file": "local file dependency",
    "path": "local path dependency",
    "directory": "local path dependency",
    "virtual": "local path dependency",
    "editable": "editable dependency",
}


def _read_pyproject(text: str, path: str, found: Found) -> None:
    """PEP 621 dependencies, extras and dependency groups, and Poetry's dependency tables."""
    data = _load_toml(text, path, found)
    project = _table(data.get("project"))
    lines = text.splitlines()
    for requirement in _pyproject_requirements(data):
        quoted = (f'"{requirement}"', f"'{requirement}'")
        line = next((n for n, t in enumerate(lines, 1) if any(q in t for q in quoted)), 0)
        classify_requirement(requirement, requirement, path, line, found)
    if "dependencies" in _strings(project.get("dynamic")):
        reason = "dynamic dependencies: only the build backend knows them, and it is never run"
        line = _key_line(lines, "project", "dynamic")
        found.unauditable.append(Unauditable("dynamic = dependencies", reason, path, line))
    for header, table in _poetry_tables(data):
        for name, spec in table.items():
            if name != "python":
                line = _key_line(lines, header, name)
                _read_table_dependency(name, spec, path, line, found)


def _pyproject_requirements(data: dict[str, Any]) -> list[str]:
    """Every PEP 508 string: `[project]` dependencies and extras, `[dependency-groups]`,
    and the dev dependency lists of uv and PDM."""
    project, tool = _table(data.get("project")), _table(data.get("tool"))
    lists = [project.get("dependencies"), _table(tool.get("uv")).get("dev-dependencies")]
    for groups in (
        project.get("optional-dependencies"),
        data.get("dependency-groups"),
        _table(tool.get("pdm")).get("dev-dependencies"),
    ):
        lists.extend(_table(groups).values())
    return [requirement for item in lists for requirement in _strings(item)]


def _poetry_tables(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Poetry's dependency tables, each with its header. With `[project].dependencies` set,
    `[tool.poetry.dependencies]` only adds detail to them (Poetry 2), so it is not read."""
    poetry = _table(_table(data.get("tool")).get("poetry"))
    tables = [("tool.poetry.dev-dependencies", _table(poetry.get("dev-dependencies")))]
    if "dependencies" not in _table(data.get("project")):
        tables.append(("tool.poetry.dependencies", _table(poetry.get("dependencies"))))
    for group, content in _table(poetry.get("group")).items():
        header = f"tool.poetry.group.{group}.dependencies"
        tables.append((header, _table(_table(content).get("dependencies"))))
    return tables


def _read_table_dependency(name: str, spec: object, path: str, line: int, found: Found) -> None:
    """A Poetry or Pipenv entry: `"1.2.3"`, `"==1.2.3"`, `{version = ...}`, `{git = ...}`,
    or a list of such tables (one per Python version or platform)."""
    text = f"{name} = {json.dumps(spec)}"
    for constraint in spec if isinstance(spec, list) else [spec]:
        table = _table(constraint) if isinstance(constraint, dict) else {"version": constraint}
        _read_dependency(name, table.get("version"), table, path, line, found, text)


def _exact_version(constraint: object) -> str | None:
    """The version of an exact constraint (`1.2.3` or `==1.2.3`); None for a range."""
    if not isinstance(constraint, str):
        return None
    exact = re.fullmatch(r"(==)?\s*(?P<version>[0-9][0-9A-Za-z.+!-]*)", constraint.strip())
    return exact["version"] if exact else None


def _read_pipfile(text: str, path: str, found: Found) -> None:
    """A Pipfile without its lock: `[packages]` and `[dev-packages]`, read as Poetry's are."""
    data = _load_toml(text, path, found)
    lines = text.splitlines()
    for header in ("packages", "dev-packages"):
        for name, spec in _table(data.get(header)).items():
            _read_table_dependency(name, spec, path, _key_line(lines, header, name), found)


def _read_poetry_lock(text: str, path: str, found: Found) -> None:
    for package, line in _lock_packages(text, path, found):
        source = _table(package.get("source"))
        # Poetry names the kind of source in `type` (git, directory, file, url, legacy).
        where = {str(source.get("type")): source.get("url")}
        _read_dependency(package.get("name"), package.get("version"), where, path, line, found)


def _read_uv_lock(text: str, path: str, found: Found) -> None:
    """uv.lock; the project itself (its editable or virtual root, `.`) is the bundle's own
    code, not a dependency."""
    for package, line in _lock_packages(text, path, found):
        source = _table(package.get("source"))
        if "." not in (source.get("editable"), source.get("virtual")):
            _read_dependency(package.get("name"), package.get("version"), source, path, line, found)


def _read_pdm_lock(text: str, path: str, found: Found) -> None:
    for package, line in _lock_packages(text, path, found):
        _read_dependency(package.get("name"), package.get("version"), package, path, line, found)


def _read_pipfile_lock(text: str, path: str, found: Found) -> None:
    """Pipfile.lock: every section but `_meta` (`default`, `develop`, custom categories)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        found.problems.append(Unauditable(path, f"not valid JSON ({e})", path, e.lineno))
        return
    lines = _json_key_lines(text)
    for section, packages in _table(data).items():
        if section == "_meta":
            continue
        for name, entry in _table(packages).items():
            line = lines.get((section, name), 0)
            _read_dependency(name, _table(entry).get("version"), _table(entry), path, line, found)


def _read_dependency(
    name: object,
    version: object,
    source: dict[str, Any],
    path: str,
    line: int,
    found: Found,
    text: str = "",
) -> None:
    """One dependency: a pin if its version is exact and `source` names no git, URL or
    local path (`_LOCAL_SOURCES`), else why it cannot be audited, shown as `text`."""
    if not isinstance(name, str) or not name:
        found.problems.append(Unauditable(path, "a dependency without a name", path, line))
        return
    local = next((key for key in _LOCAL_SOURCES if source.get(key)), None)
    text = text or _shown(name, version, source.get(local) if local else None)
    exact = _exact_version(version)
    if local:
        found.unauditable.append(Unauditable(text, _LOCAL_SOURCES[local], path, line))
    elif exact is None:
        found.unauditable.append(Unauditable(text, "not pinned to one version", path, line))
    else:
        found.pin(name, exact, path, line)


def _shown(name: str, version: object, where: object) -> str:
    """`name 1.2 @ https://...`, as much of it as the lock says."""
    shown = f"{name} {version}" if version else name
    return f"{shown} @ {where}" if isinstance(where, str) else shown


def _lock_packages(text: str, path: str, found: Found) -> list[tuple[dict[str, Any], int]]:
    """A TOML lock's `[[package]]` tables, each with the line of its `name =`."""
    packages = _load_toml(text, path, found).get("package")
    tables = [_table(p) for p in packages] if isinstance(packages, list) else []
    lines = _package_lines(text)
    return [(t, lines[i] if i < len(lines) else 0) for i, t in enumerate(tables)]


def _package_lines(text: str) -> list[int]:
    """The line of each `[[package]]`'s `name =`, in order: tomllib gives no positions."""
    numbers: list[int] = []
    in_package = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_package = stripped == "[[package]]"
        elif in_package and re.match(r"name\s*=", stripped):
            numbers.append(number)
            in_package = False
    return numbers


def _key_line(lines: list[str], header: str, key: str) -> int:
    """The line of `key =` in the TOML table `[header]`; that header's line if the key is
    written another way, 0 if the header is too."""
    start = next((n for n, t in enumerate(lines, 1) if t.strip() == f"[{header}]"), 0)
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(start + 1, len(lines) + 1):
        if lines[number - 1].lstrip().startswith("["):
            break
        if pattern.match(lines[number - 1]):
            return number
    return start


def _json_key_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, package) -> line of `"package": {` in a Pipfile.lock, as pipenv writes it:
    one key a line, sections at the top level."""
    numbers: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        key = re.match(r'(?P<indent>\s*)"(?P<key>[^"]+)":\s*\{', line)
        if key and len(key["indent"]) <= 4:
            section = key["key"]
        elif key:
            numbers.setdefault((section, key["key"]), number)
    return numbers


def _load_toml(text: str, path: str, found: Found) -> dict[str, Any]:
    """The TOML document; a file that is not TOML is a problem and reads as empty."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        found.problems.append(Unauditable(path, f"not valid TOML ({e})", path, 0))
        return {}


def _table(value: object) -> dict[str, Any]:
    """`value` if it is a table (a dict), else an empty one: hostile files may hold anything."""
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


READERS: dict[str, Callable[[str, str, Found], None]] = {
    "pyproject.toml": _read_pyproject,
    "Pipfile": _read_pipfile,
    "poetry.lock": _read_poetry_lock,
    "uv.lock": _read_uv_lock,
    "pdm.lock": _read_pdm_lock,
    "Pipfile.lock": _read_pipfile_lock,
}

"""Local folders a manifest has pip install: whether pip's build of one may run code of
the bundle, whose output the gate never sees.

pip builds a local project before it installs it: a `setup.py` runs, and so does any
build backend loaded from the project (`backend-path`), a backend's hooks, and metadata
a backend works out by running or importing code (a dynamic version). A project whose
`pyproject.toml` names a backend that only copies its files, with every field of its
metadata written out and no hook in the settings the backend reads (hatchling's in
`[tool.hatch]` and the `hatch.toml` beside it; flit_core's, poetry-core's, pdm-backend's
and uv_build's in `pyproject.toml` alone), installs its files as they are, and those are
scanned as part of the bundle; a folder with neither file is nothing pip can build at
all. A setting that maps a file to another path or name (`MAPPING_SETTINGS`: hatchling's
`force-include` installs `ops.json` as `ops.py`) makes a build that does not install its
files as they are: refused too, naming the setting (`MAPS_FILES`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gate.bundle.manifests.backends import HATCH_TOML, build_system, hatch_config
from gate.bundle.manifests.shapes import Malformed, load_toml

BUILDS_FROM_BUNDLE = (
    "installs a folder whose build may run code of the bundle (a setup.py, a backend "
    "loaded from the bundle or with hooks, dynamic metadata), and what the build writes "
    "is not scanned; install it from an index, or put its code in the function's"
)
MAPS_FILES = (
    "installs a folder whose build installs a file under another path or name than the "
    'gate scans it by (its {file}\'s "{setting}"), so what the function imports from it '
    "is not scanned; install it from an index, or put its files in the function's folder "
    "as they are installed"
)


def runs_a_build(root: Path, here: Path, where: str) -> str | None:
    """Why the local folder a requirement names (`where`: a path or a `file:` URL, its
    `#subdirectory=` followed) is refused: its build may run code of the bundle when pip
    builds it, or installs a file under another name (`MAPS_FILES`); read from the
    manifest's folder `here` and from the bundle's `root` (pip resolves such a path from
    its working directory); also when it may be a folder outside the bundle, which the
    gate cannot look at. None where its build only copies its files; a path to no folder
    is nothing pip can build."""
    target, _, fragment = where.strip().partition("#")
    target = re.sub(r"^file:(//)?", "", target.split("?")[0])
    subdirectory = re.search(r"(?:^|&)subdirectory=([^&]*)", fragment)
    if subdirectory:
        target = f"{target.rstrip('/')}/{subdirectory[1]}"
    if "$" in target or target.startswith(("/", "~")):
        return BUILDS_FROM_BUNDLE
    folders = [(base / target).resolve() for base in (here, root)]
    if any(not folder.is_relative_to(root.resolve()) for folder in folders):
        return BUILDS_FROM_BUNDLE
    refusals = (_refusal(folder) for folder in folders if folder.is_dir())
    return next((refusal for refusal in refusals if refusal), None)


def _refusal(folder: Path) -> str | None:
    """Why pip's build of the project in `folder` does not only copy its files as they
    are: see the module (its backend judged as pip imports it, its settings as the
    backend reads them); None where it does, or has nothing pip could build at all."""
    if any((folder / name).is_file() for name in _HOOK_FILES):
        return BUILDS_FROM_BUNDLE
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return None  # neither setup.py nor pyproject.toml: pip cannot build it at all
    try:
        project = load_toml(pyproject.read_text("utf-8"))
        system = build_system(project)
        hatch = hatch_config(project, pyproject)
    except (OSError, UnicodeDecodeError, Malformed):
        return BUILDS_FROM_BUNDLE
    tool = _at(project, "tool")
    if not (
        system.backend in COPYING_BACKENDS
        and not system.in_tree  # a backend of the bundle's own
        and not _at(project, "project", "dynamic")  # metadata a backend works out
        and not any(_holds(settings, _HOOKS) for settings in (hatch, _at(tool, "pdm")))
        and _at(tool, "poetry", "build") is None
    ):
        return BUILDS_FROM_BUNDLE
    return _mapping(tool if isinstance(tool, dict) else {}, hatch)


def _mapping(tool: dict[str, Any], hatch: dict[str, Any]) -> str | None:
    """`MAPS_FILES` naming the first setting of the copying backends (`tool`, with
    hatchling's as `hatch_config` reads them: `hatch`) that installs a file under another
    path or name (`MAPPING_SETTINGS`); None where there is none."""
    # hatch.toml's `build` replaces the pyproject's whole: where it is not the
    # pyproject's own table, it is hatch.toml's.
    in_hatch_toml = hatch.get("build") is not _at(tool, "hatch", "build")
    for where, keys in MAPPING_SETTINGS.items():
        found = _found(_at({**tool, "hatch": hatch}, *where), keys)
        if found is None:
            continue
        if where[0] == "hatch" and in_hatch_toml:
            return MAPS_FILES.format(file=HATCH_TOML, setting=".".join((*where[1:], *found)))
        return MAPS_FILES.format(file="pyproject.toml", setting=".".join(("tool", *where, *found)))
    return None


def _found(table: Any, keys: frozenset[str]) -> tuple[str, ...] | None:
    """The keys down to the first of `keys` a tool's settings hold, at any depth (a list
    item counted by its index); None where they hold none."""
    if isinstance(table, dict):
        items: list[tuple[Any, Any]] = list(table.items())
    elif isinstance(table, list):
        items = list(enumerate(table))
    else:
        return None
    for key, value in items:
        if key in keys:
            return (str(key),)
        below = _found(value, keys)
        if below is not None:
            return (str(key), *below)
    return None


def _holds(table: Any, keys: frozenset[str]) -> bool:
    """Whether a tool's settings hold one of `keys` anywhere, at any depth."""
    return _found(table, keys) is not None


_HOOKS = frozenset({"hooks", "custom-hook"})
"""The keys that configure a hook in hatchling's and pdm-backend's settings."""
MAPPING_SETTINGS: dict[tuple[str, ...], frozenset[str]] = {
    ("hatch", "build"): frozenset(
        {
            "force-include",  # any file to any path in the wheel
            "force-include-editable",
            "sources",  # a path prefix rewritten to another
            "shared-data",  # files to the wheel's data, scripts and metadata folders
            "shared-scripts",
            "extra-metadata",
            "dev-mode-dirs",  # folders of anywhere put on `sys.path` by an editable install
        }
    ),
    ("pdm",): frozenset({"wheel-data"}),  # files to the wheel's data and scripts folders
    ("flit",): frozenset({"external-data"}),  # a folder to the wheel's data folder
    ("poetry",): frozenset({"to"}),  # a package installed under another name
    ("uv", "build-backend"): frozenset({"data"}),
}
"""The settings of each copying backend (at its table in `[tool]`) that install a file
under another path or name than the project's: a build holding one anywhere in that table
does not install its files as they are. Those that only choose files or strip a folder
every file of a package shares (hatchling's `packages`, `only-include`; pdm-backend's
`package-dir`; uv_build's `module-root`) keep the names the gate scans."""


def _at(document: Any, *keys: str) -> Any:
    """The value at `keys` in nested tables; None where one is missing or not a table."""
    for key in keys:
        document = document.get(key) if isinstance(document, dict) else None
    return document


_HOOK_FILES = ("setup.py", "hatch_build.py", "pdm_build.py", "build.py")
BUILD_FILES = frozenset({*_HOOK_FILES, "pyproject.toml", HATCH_TOML})
"""The names of every file `runs_a_build` reads or looks for in a folder: a folder holding
none of them judges as one that is not there, so these decide its answer alone."""
COPYING_BACKENDS = frozenset(
    {"hatchling.build", "flit_core.buildapi", "poetry.core.masonry.api", "pdm.backend", "uv_build"}
)
"""The build backends that only copy a project's files, its metadata read from
`pyproject.toml` (by their whole names as pip imports them, `gate.bundle.manifests
.backends`: a module of one may be another backend)."""
PYPROJECT_ONLY_BACKENDS = COPYING_BACKENDS | {"maturin", "scikit_build_core.build", "mesonpy"}
"""The build backends that read a project's metadata from `pyproject.toml` alone, never
from `setup.cfg` nor `setup.py`: those that only copy files, and those that build
compiled code from it. Any other (`scikit_build_core.setuptools.build_meta`, pbr's, one
the gate does not know) may be setuptools, which reads both."""

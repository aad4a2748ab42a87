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
all.
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


def runs_a_build(root: Path, here: Path, where: str) -> bool:
    """Whether the local folder a requirement names (`where`: a path or a `file:` URL,
    its `#subdirectory=` followed) may run code of the bundle when pip builds it, read
    from the manifest's folder `here` and from the bundle's `root` (pip resolves such a
    path from its working directory); also when it may be a folder outside the bundle,
    which the gate cannot look at. A path to no folder is nothing pip can build."""
    target, _, fragment = where.strip().partition("#")
    target = re.sub(r"^file:(//)?", "", target.split("?")[0])
    subdirectory = re.search(r"(?:^|&)subdirectory=([^&]*)", fragment)
    if subdirectory:
        target = f"{target.rstrip('/')}/{subdirectory[1]}"
    if "$" in target or target.startswith(("/", "~")):
        return True
    folders = [(base / target).resolve() for base in (here, root)]
    if any(not folder.is_relative_to(root.resolve()) for folder in folders):
        return True
    return not all(_copies_only(folder) for folder in folders if folder.is_dir())


def _copies_only(folder: Path) -> bool:
    """Whether pip's build of the project in `folder` only copies its files: see the
    module (its backend judged as pip imports it, its settings as the backend reads
    them); or it has nothing pip could build at all."""
    if any((folder / name).is_file() for name in _HOOK_FILES):
        return False
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return True  # neither setup.py nor pyproject.toml: pip cannot build it at all
    try:
        project = load_toml(pyproject.read_text("utf-8"))
        system = build_system(project)
        hatch = hatch_config(project, pyproject)
    except (OSError, UnicodeDecodeError, Malformed):
        return False
    tool = _at(project, "tool")
    return (
        system.backend in COPYING_BACKENDS
        and not system.in_tree  # a backend of the bundle's own
        and not _at(project, "project", "dynamic")  # metadata a backend works out
        and not any(_holds_hooks(settings) for settings in (hatch, _at(tool, "pdm")))
        and _at(tool, "poetry", "build") is None
    )


def _holds_hooks(table: Any) -> bool:
    """Whether a tool's settings configure a hook anywhere (`hooks`, `custom-hook`)."""
    if isinstance(table, dict):
        return any(k in ("hooks", "custom-hook") or _holds_hooks(v) for k, v in table.items())
    return isinstance(table, list) and any(_holds_hooks(item) for item in table)


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

"""A project's build backend, read once as pip's frontend loads it.

pip (pyproject-hooks `_build_backend`) splits `build-backend` at its first `:`, imports
the module before it, and takes the object after it only where one is named: so
`uv_build:` is the module `uv_build` itself. Every judge of a backend (which tool's lock
stands for a project, whether its build only copies files, whether it runs pbr, which
backend's settings run the project's code, whether it reads `setup.cfg`) reads it from
here, never the name as written; and every judge of hatchling's settings reads them as
hatchling does, with the `hatch.toml` beside the project (`hatch_config`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.bundle.manifests.shapes import Malformed, load_toml, string, strings, table


@dataclass(frozen=True)
class BuildSystem:
    """The `[build-system]` of a `pyproject.toml`, as pip reads it."""

    backend: str = ""
    """The backend as pip imports it: `module`, or `module:object` where an object is
    named (`module:` is the module); "" where none is named."""
    in_tree: bool = False
    """Whether it is loaded from the project itself (`backend-path`), whatever its name."""
    requires: tuple[str, ...] = ()
    """What pip installs to run the build (`requires`)."""

    @property
    def package(self) -> str:
        """The top-level package the backend is imported from ("" where none)."""
        return self.backend.partition(":")[0].split(".")[0]


def build_system(data: dict[str, Any]) -> BuildSystem:
    """The build system of a parsed `pyproject.toml`; `Malformed` where its shape is not
    one pip reads."""
    system = table(data, "build-system")
    backend = string(system, "build-backend", "build-system") or ""
    requires = tuple(strings(system, "requires", "build-system"))
    return BuildSystem(_as_imported(backend), "backend-path" in system, requires)


def load_pyproject(path: Path) -> dict[str, Any]:
    """A `pyproject.toml` parsed as the manifest readers read it (UTF-8, a byte that is not
    UTF-8 replaced); `OSError` where it cannot be opened, `Malformed` where it does not
    parse."""
    return load_toml(path.read_text("utf-8", errors="replace"))


HATCH_TOML = "hatch.toml"
"""The file beside a `pyproject.toml` whose settings hatchling reads over its `[tool.hatch]`."""


def hatch_config(data: dict[str, Any], pyproject: Path | None) -> dict[str, Any]:
    """`[tool.hatch]` as hatchling reads it (`ProjectMetadata.hatch`): the pyproject's,
    updated key by key at its top level by the `hatch.toml` beside `pyproject` (so its
    `[metadata]` replaces the pyproject's `[tool.hatch.metadata]` whole)."""
    config = table(table(data, "tool"), "hatch", "tool")
    beside = pyproject.with_name(HATCH_TOML) if pyproject is not None else None
    if beside is None or not beside.is_file():
        return config
    try:
        return {**config, **load_toml(beside.read_text("utf-8", errors="replace"))}
    except Malformed as e:
        raise Malformed("", f"its {HATCH_TOML}, which hatchling reads with it: {e}") from e


def _as_imported(backend: str) -> str:
    """A `build-backend` as pip imports it: `module:object`, where an empty object is the
    module itself (`flit_core.buildapi:` is `flit_core.buildapi`)."""
    module, _, attribute = backend.partition(":")
    return f"{module}:{attribute}" if attribute else module

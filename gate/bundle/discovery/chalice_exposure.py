"""What decides who may invoke a Chalice function and what it may do, as written (gate
.model `Function.exposure`), and the files that is read from (`Function.defined_in`):

- every file Chalice deploys with the app (`deployed_files`: its `app.py`, everything
  under `chalicelib/`, everything under `vendor/`), as one digest (`code_digest`). Chalice
  imports app.py (`chalice deploy` with the project's folder first on `sys.path` and
  `vendor/` on it too; the Lambda runtime with `vendor/`'s contents at the package's
  top), and a decorator takes the authorizer, path or event source that the code run
  before it leaves bound: any module of the project may rebind it (an assignment to
  another module's attribute, a package's `__init__`, `sys.modules['app']`, a module
  of `vendor/`), so no reading of names stands for all of it;
- `.chalice/config.json`'s settings of its API and role, with the policy files they name
  (gate.bundle.discovery.chalice_config `config_exposure`).

So every function of a project is defined by all of its deployed files: any change to
the project's code (a route, an authorizer, a handler's body, a vendored module) is a
change to each of its functions, whose findings a baseline recorded before no longer
matches, and which are new in diff mode. Python the interpreter parses is digested as
its syntax tree (`ast.unparse`), so moving, reformatting or commenting code keeps the
digest; any other file, as its bytes.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from pathlib import Path

from gate.bundle.discovery.chalice_config import config_exposure
from gate.bundle.discovery.declared import exposure_of

APP_FILE = "app.py"
DEPLOYED_FOLDERS = ("chalicelib", "vendor")
"""The folders beside app.py that Chalice deploys whole: `chalicelib/` as it is,
`vendor/`'s contents at the top of the package."""


@dataclass(frozen=True)
class Exposures:
    """The exposure of each function of one Chalice project."""

    root: Path
    project: str
    """The project's folder, relative to `root`."""
    deployed: tuple[str, ...]
    """Every file Chalice deploys with the app, relative to `root` (`deployed_files`)."""
    digest: str
    """Their content (`code_digest`)."""

    def of(self, name: str) -> tuple[str, list[str]]:
        """The function's `exposure`, and the files of the bundle it is read from."""
        config, config_files = config_exposure(self.root, self.project, name)
        exposure = exposure_of(code=self.digest, config=config)
        return exposure, sorted({*self.deployed, *config_files})


def deployed_files(project: Path) -> list[Path]:
    """The files Chalice deploys from the project folder with the app: its `app.py`, and
    every file under `chalicelib/` and `vendor/`, in path order (links are the bundle
    copy's to refuse, not followed here)."""
    found = [project / APP_FILE]
    for name in DEPLOYED_FOLDERS:
        folder = project / name
        if folder.is_dir() and not folder.is_symlink():
            found += sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return found


def code_digest(project: Path, files: list[Path], trees: dict[Path, ast.Module]) -> str:
    """A digest of `files` (of the folder `project`) and their content: each Python file
    parsed (`trees`) as its syntax tree, any other as its bytes."""
    digest = hashlib.sha256()
    for path in files:
        content = _normalised(trees[path]) if path in trees else None
        if content is None:
            content = path.read_bytes()
        name = path.relative_to(project).as_posix().encode("utf-8", "surrogateescape")
        digest.update(b"%d\x1f%s\x1f%d\x1f" % (len(name), name, len(content)) + content)
    return digest.hexdigest()


def _normalised(tree: ast.Module) -> bytes | None:
    """The module as `ast.unparse` writes it; None when it is nested too deep for that."""
    try:
        return ast.unparse(tree).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError):
        return None

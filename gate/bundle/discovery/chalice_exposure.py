"""What decides who may invoke a Chalice function and what it may do, as written (gate
.model `Function.exposure`), and the files that is read from (`Function.defined_in`):

- every file of the project's folder (`project_files`), as one digest (`code_digest`):
  what Chalice deploys with the app (its `app.py`, everything under `chalicelib/` and
  `vendor/`) and what `chalice deploy` may import besides (it puts the project's folder
  first on `sys.path`, ahead of `vendor/`, and imports app.py there, so a module or
  package beside app.py, never deployed, can decide what a decorator is given at deploy
  time). A decorator takes the authorizer, path or event source that the code run before
  it leaves bound: any module of the project may rebind it (an assignment to another
  module's attribute, a package's `__init__`, `sys.modules['app']`, a module of
  `vendor/` or beside app.py), so no reading of names stands for all of it. Left out is
  only what Chalice writes itself when it deploys (`BUILD_OUTPUT`), which no import
  reaches;
- `.chalice/config.json`'s settings of its API and role, with the policy files they name
  (gate.bundle.discovery.chalice_config `config_exposure`).

So every function of a project is defined by all of its folder: any change there (a
route, an authorizer, a handler's body, a vendored module, a module beside app.py, a
README) is a change to each of its functions, whose findings a baseline recorded before
no longer matches, and which are new in diff mode. That is the Quiet cost of not
guessing what `chalice deploy` imports. Python the interpreter parses (of app.py and
`chalicelib/`) is digested as its syntax tree (`ast.unparse`), so moving, reformatting
or commenting code keeps the digest; any other file, as its bytes.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePath

from gate.bundle.discovery.chalice_config import config_exposure
from gate.bundle.discovery.declared import exposure_of

APP_FILE = "app.py"
BUILD_OUTPUT = ((".chalice", "deployed"), (".chalice", "deployments"))
"""The folders of a project that Chalice writes when it deploys: the records of the
deployed resources and the packaged zips. Not on `sys.path` (and `.chalice` is no name
Python imports), and rewritten by every deploy: no part of what defines a function."""


@dataclass(frozen=True)
class Exposures:
    """The exposure of each function of one Chalice project."""

    root: Path
    project: str
    """The project's folder, relative to `root`."""
    files: tuple[str, ...]
    """Every file of the project's folder, relative to `root` (`project_files`)."""
    digest: str
    """Their content (`code_digest`)."""

    def of(self, name: str) -> tuple[str, list[str]]:
        """The function's `exposure`, and the files of the bundle it is read from."""
        config, config_files = config_exposure(self.root, self.project, name)
        exposure = exposure_of(code=self.digest, config=config)
        return exposure, sorted({*self.files, *config_files})


def project_files(project: Path) -> list[Path]:
    """Every file of the project folder but Chalice's build output (`is_build_output`),
    in path order (links are the bundle copy's to refuse, not followed here)."""
    found = (p for p in project.rglob("*") if p.is_file() and not p.is_symlink())
    return sorted(p for p in found if not is_build_output(p.relative_to(project)))


def is_build_output(relative: PurePath) -> bool:
    """Whether the project's file `relative` (to its folder) is in a folder Chalice
    writes when it deploys (`BUILD_OUTPUT`)."""
    return relative.parts[:2] in BUILD_OUTPUT


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

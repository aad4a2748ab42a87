"""What decides who may invoke a Chalice function and what it may do, as written (gate
.model `Function.exposure`), and the files that is read from (`Function.defined_in`):

- each registration of the function: its decorator's call (a route's path, methods,
  `authorizer=`, `api_key_required`, `cors`; an event source's bucket, queue or
  schedule), and every statement of the project that binds a name the call uses,
  followed through the names those use and the project's imports (`iam = None` after
  `iam = IAMAuthorizer()`, an authorizer imported from `chalicelib`);
- what configures the app, or the blueprint, that registers it (`app.api.cors = ...`,
  `app.register_blueprint(bp, url_prefix=...)`, a middleware), followed the same way;
- `.chalice/config.json`'s settings of its API and role, with the policy files they name
  (gate.bundle.discovery.chalice_config `config_exposure`).

Python is read as syntax trees (`ast.unparse`), so moving or reformatting a route keeps
the text, and changing what it says does not; each registration's and setting's texts
are kept as one digest. What the code binds at run time by other
means (`globals()`, `setattr` on a module) is not followed: diff mode counts any change
to the app's files as touching its functions.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from gate.bundle.discovery.chalice_config import config_exposure
from gate.bundle.discovery.chalice_decorators import Registration, configured_owners
from gate.bundle.discovery.chalice_syntax import (
    import_source,
    imports_of,
    module_level,
    own_nodes,
    qualified_name,
)
from gate.bundle.discovery.declared import exposure_of

Place = tuple[str, str]
"""A name where it is bound: (dotted module name, name)."""


@dataclass(frozen=True)
class ProjectModule:
    """One Python module of a Chalice project, as read."""

    tree: ast.Module
    file: str
    """Relative to the bundle root."""
    package: str
    """The package its relative imports start from."""
    imports: dict[str, str]
    """Local name -> what it names (`chalice_syntax.imports_of`)."""
    binders: dict[str, list[ast.stmt]]
    """Name -> the statements that bind it in the module's namespace (`binders`)."""


def project_module(tree: ast.Module, file: str, package: str) -> ProjectModule:
    """A module of the project, `file` relative to the bundle root, in `package`."""
    return ProjectModule(tree, file, package, imports_of(tree, package), binders(tree))


@dataclass(frozen=True)
class Written:
    """Code as written that decides a function's exposure, and the files it is in."""

    texts: tuple[str, ...]
    files: frozenset[str]

    @property
    def digest(self) -> str:
        """The texts digested: an authorizer that is a long function, named by a
        thousand routes, does not make an exposure a thousand times its size."""
        joined = "\x1f".join(self.texts).encode("utf-8", "surrogatepass")
        return hashlib.sha256(joined).hexdigest()


@dataclass
class Exposures:
    """The exposure of each function of one Chalice project, gathered as its
    registrations are read (`add`)."""

    root: Path
    project: str
    """The project's folder, relative to `root`."""
    modules: dict[str, ProjectModule]
    """By dotted name (`app`, `chalicelib.auth`)."""
    apps: frozenset[str]
    """Where each app is made (`app.app`): what configures it reaches every function."""
    registered: dict[str, list[Written]] = field(default_factory=dict)
    """By function, each of its registrations (`add`)."""
    owners: dict[str, set[str]] = field(default_factory=dict)
    """By function, the apps and blueprints that register it (where each is made)."""
    settings: list[tuple[frozenset[str], Written]] = field(default_factory=list)
    """Each statement that configures apps or blueprints, with those it configures."""

    def add(self, name: str, registration: Registration, dotted: str) -> None:
        """Record one registration of the function `name`, by a decorator in `dotted`."""
        written = self.written(registration.decorator, dotted)
        self.registered.setdefault(name, []).append(written)
        self.owners.setdefault(name, set()).add(registration.owner)

    def configure(self, dotted: str, owners: dict[str, str]) -> None:
        """Record the statements of module `dotted` that configure an app or blueprint
        (`owners`: as `chalice_syntax.owners_in` gives them)."""
        for statement in module_level(self.modules[dotted].tree):
            if configured := configured_owners(statement, owners):
                self.settings.append((frozenset(configured), self.written(statement, dotted)))

    def of(self, name: str) -> tuple[str, list[str]]:
        """The function's `exposure`, and the files of the bundle it is read from."""
        reaching = self.owners.get(name, set()) | self.apps
        settings = [w for owners, w in self.settings if owners & reaching]
        config, config_files = config_exposure(self.root, self.project, name)
        registered = self.registered.get(name, [])
        exposure = exposure_of(
            registrations=[w.digest for w in registered],
            settings=[w.digest for w in settings],
            config=config,
        )
        files = {f for w in [*registered, *settings] for f in w.files}
        return exposure, sorted(files | set(config_files))

    def written(self, node: ast.AST, dotted: str) -> Written:
        """`node` as written, then each statement of the project that binds a name it
        uses, followed through the names those use and the modules they import from."""
        texts = [ast.unparse(node)]
        files = {self.modules[dotted].file}
        todo = _names_used(node, dotted, self.modules)
        seen: set[Place] = set()
        shown = {id(node)}
        while todo:
            place = todo.pop(0)
            if place in seen or place[0] not in self.modules:
                continue
            seen.add(place)
            module = self.modules[place[0]]
            for statement in module.binders.get(place[1], []):
                if id(statement) not in shown:
                    shown.add(id(statement))
                    texts.append(ast.unparse(statement))
                    files.add(module.file)
                    todo += _names_used(statement, place[0], self.modules)
            todo += _sources(module, place[1])
        return Written(tuple(texts), frozenset(files))


def _names_used(node: ast.AST, dotted: str, modules: dict[str, ProjectModule]) -> list[Place]:
    """The names `node` uses, each where it is bound: in module `dotted`, or for an
    attribute of a project module (`auth.iam`), in that module."""
    imported = modules[dotted].imports
    found: list[Place] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.append((dotted, child.id))
        elif isinstance(child, ast.Attribute) and (qualified := qualified_name(child, imported)):
            module, _, name = qualified.rpartition(".")
            if module in modules:
                found.append((module, name))
    return found


def _sources(module: ProjectModule, name: str) -> list[Place]:
    """Where module `module`'s `name` may come from in another module: what it imports
    under that name, and each module it imports everything from (`from x import *`)."""
    found: list[Place] = []
    if (source := module.imports.get(name)) and "." in source:
        source_module, _, source_name = source.rpartition(".")
        found.append((source_module, source_name))
    everything = [s for s in module.binders.get("*", []) if isinstance(s, ast.ImportFrom)]
    starred = [import_source(statement, module.package) for statement in everything]
    return found + [(source, name) for source in starred if source is not None]


def binders(module: ast.Module) -> dict[str, list[ast.stmt]]:
    """Name -> the statements that bind it in the module's namespace: at its top level
    (an assignment, an import, a `def`, a loop's target...), and each function that
    declares it `global`, whole. `*` -> each `from ... import *`."""
    found: dict[str, list[ast.stmt]] = {}
    for statement in module_level(module):
        for name in sorted(_bound_by(statement)):
            found.setdefault(name, []).append(statement)
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            declared = {n for g in ast.walk(node) if isinstance(g, ast.Global) for n in g.names}
            for name in sorted(declared):
                found.setdefault(name, []).append(node)
    return found


def _bound_by(statement: ast.stmt) -> set[str]:
    """The names a statement binds itself (not those of the statements inside it)."""
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return {alias.asname or alias.name.split(".")[0] for alias in statement.names}
    names = set()
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        names.add(statement.name)
    for node in own_nodes(statement):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return names

"""Chalice projects: the Lambda functions an `app.py` declares with its decorators.

A Chalice project is a directory whose `app.py` creates the app at its top level
(`app = Chalice(app_name=...)`); `chalice deploy` packages that directory's `app.py`,
`chalicelib/` and `vendor/`. The code is read as a syntax tree, never imported. Its
functions, as Chalice deploys them:

- every route of the app and of its blueprints (in `chalicelib/`) is one function,
  `api_handler`, whose handler is the app object;
- each `@app.lambda_function()` (named by its `name=`, else the Python function), event
  handler (`on_s3_event`, `on_sns_message`, `on_sqs_message`, `schedule`, ...) and
  authorizer is a function of its own, named after the Python function;
- WebSocket handlers are `websocket_connect`, `websocket_message` and
  `websocket_disconnect`.

`.chalice/config.json` (when the project has one) says how the roles are made; the
function role rules read it (gate.rules.iam.roles). Other `config*.json` files
(`config-sample.json`) are not deployed by Chalice and are not read.

Each function's `exposure` is what decides who may invoke it and what it may do: every
file of the project's folder (what Chalice deploys with the app, and what `chalice
deploy` may import beside app.py), and its config's API and role settings
(gate.bundle.discovery.chalice_exposure); its `defined_in`, the files those are read from.
So any change in the project's folder is a change to every function of the project: in
diff mode their findings are new, and a baseline recorded before no longer holds them.
"""

from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

from gate.bundle.discovery.chalice_config import CONFIG, read_config
from gate.bundle.discovery.chalice_decorators import API_HANDLER, ROUTE_DECORATORS, registrations
from gate.bundle.discovery.chalice_exposure import (
    Exposures,
    code_digest,
    project_files,
)
from gate.bundle.discovery.chalice_syntax import (
    ProjectModule,
    argument_of,
    assigned_in,
    created_in,
    imports_of,
    owners_in,
    project_module,
    qualified_name,
    where_made,
)
from gate.bundle.discovery.declared import Declared, Read, as_mapping

LIBRARY = "chalicelib"
"""The package beside app.py that Chalice deploys with it; blueprints live there."""

APP_CLASSES = frozenset({"chalice.Chalice", "chalice.app.Chalice"})
BLUEPRINT_CLASSES = frozenset({"chalice.Blueprint", "chalice.app.Blueprint"})


def read_chalice(root: Path, app_file: Path, max_bytes: int) -> Read:
    """The functions of the Chalice project whose `app.py` is `app_file`; None as the
    functions when the file creates no Chalice app (or cannot be parsed: its syntax is
    the code scanners' to report). Raises ValueError when a `.chalice/config.json` says
    the folder is a Chalice project and no app is found in its `app.py`."""
    relative = app_file.relative_to(root).as_posix()
    app = _module(app_file, max_bytes)
    app_names = created_in(app, APP_CLASSES) if app else {}
    if app is not None and not app_names and app_file.parent.joinpath(*CONFIG).is_file():
        raise ValueError(
            f"{relative}: a Chalice project ({'/'.join(CONFIG)} beside it) whose app the "
            "gate cannot find, so its functions and roles would go unchecked; create it "
            "as Chalice does, `app = Chalice(app_name=...)`"
        )
    if app is None or not app_names:
        return Read(None)
    project = app_file.parent
    files = project_files(project)
    library = _library_modules(project, files)
    trees = {p: tree for p, _, _ in library if (tree := _module(p, max_bytes)) is not None}
    modules = {"app": project_module(app, relative, "")} | {
        dotted: project_module(trees[path], path.relative_to(root).as_posix(), package)
        for path, dotted, package in library
        if path in trees
    }
    app_object = next(iter(app_names))
    found: dict[str, Declared] = {}
    for name, handler, line in _registered(app, relative, modules):
        found.setdefault(name, _declared(name, relative, line, handler or f"app.{app_object}"))
    _refuse_unfound(project / Path(*CONFIG), relative, set(found))
    exposures = _exposures(root, project, files, {app_file: app, **trees})
    for name, item in found.items():
        item.exposure, defined_in = exposures.of(name)
        item.defined_in = [f for f in defined_in if f != relative]
    return Read(list(found.values()))


def _declared(name: str, relative: str, line: int, handler: str) -> Declared:
    """A function of the project whose app.py is `relative`, declared at `line`."""
    here = PurePosixPath(relative).parent.as_posix()
    return Declared(
        name=name,
        iac="chalice",
        iac_file=relative,
        line=line,
        resource=name,
        runtime=None,  # Chalice deploys with the Python that runs `chalice deploy`
        handler=handler,
        code=here if here != "." else ".",
    )


def _registered(
    app: ast.Module, relative: str, modules: dict[str, ProjectModule]
) -> list[tuple[str, str | None, int]]:
    """Each function the project's decorators register, in the order read: its name, its
    handler (None for the app's, `api_handler`) and the line of its decorator."""
    made = {
        f"{dotted}.{name}"
        for dotted, module in modules.items()
        for name in {
            **created_in(module.tree, APP_CLASSES, module.package),
            **created_in(module.tree, BLUEPRINT_CLASSES, module.package),
        }
    }
    imports = {dotted: module.imports for dotted, module in modules.items()}
    prefixes = {
        where_made(blueprint, imports, made): prefix
        for blueprint, prefix in _name_prefixes(app, relative).items()
    }
    if unknown := sorted(set(prefixes) - made):
        raise ValueError(
            f"{relative}: registers the blueprint {', '.join(unknown)}, which the gate does "
            "not find made in app.py or chalicelib/, so its functions would go unjudged; "
            "make it in chalicelib"
        )
    found: list[tuple[str, str | None, int]] = []
    for dotted, module in modules.items():
        owners = owners_in(module.tree, dotted, made, imports)
        for registration in registrations(module.tree, owners, relative):
            if registration.method in ROUTE_DECORATORS:
                name, handler = API_HANDLER, None
            else:
                name = prefixes.get(registration.owner, "") + registration.name
                handler = f"{dotted}.{registration.function}"
            found.append((name, handler, registration.line))
    return found


def _refuse_unfound(config_file: Path, relative: str, found: set[str]) -> None:
    """Refuse a project whose config gives settings to a function the gate did not find
    (registered in a way it does not follow): its role would go unjudged."""
    if not config_file.is_file():
        return
    config = read_config(config_file)
    if not isinstance(config, dict):
        raise ValueError(
            f"{relative}: {'/'.join(CONFIG)} beside it is not a JSON object with each key "
            "written once, so the gate cannot read its functions' settings; fix it"
        )
    places = [config, *as_mapping(config.get("stages")).values()]
    named = {str(n) for p in places for n in as_mapping(as_mapping(p).get("lambda_functions"))}
    missing = sorted(named - found)
    if missing:
        raise ValueError(
            f"{relative}: {'/'.join(CONFIG)} gives settings to {', '.join(missing)}, which "
            "the gate does not find registered in the app, so its role would go unjudged; "
            "register it with a decorator of the app or of a blueprint in chalicelib"
        )


def _name_prefixes(app: ast.Module, relative: str) -> dict[str, str]:
    """`app.register_blueprint(bp, name_prefix="x_")`: the blueprint (`module.variable`,
    as app.py imports it) -> the prefix Chalice puts before its functions' names ("" for
    none). A prefix that is not a literal string is refused: the functions' settings
    would be looked up under names the gate cannot know."""
    imported = {**imports_of(app), **{name: f"app.{name}" for name in assigned_in(app)}}
    found = {}
    for node in ast.walk(app):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "register_blueprint"
        ):
            continue
        if any(k.arg is None for k in node.keywords):
            raise ValueError(
                f"{relative}:{node.lineno}: register_blueprint takes its arguments from "
                "`**`, which the gate does not evaluate; write them out"
            )
        given = argument_of(node, "name_prefix", 1)
        registered = argument_of(node, "blueprint", 0)
        if given is None or (isinstance(given, ast.Constant) and given.value is None):
            given = ast.Constant("")
        if not (isinstance(given, ast.Constant) and isinstance(given.value, str)):
            raise ValueError(
                f"{relative}:{node.lineno}: a blueprint's name_prefix the gate does not "
                "evaluate; write it as a string"
            )
        blueprint = qualified_name(registered, imported) if registered is not None else None
        if blueprint is None:
            raise ValueError(
                f"{relative}:{node.lineno}: a blueprint registered that the gate cannot "
                "trace to where it is made; register it by the name it is imported under"
            )
        found[blueprint] = given.value
    return found


def _library_modules(project: Path, files: list[Path]) -> list[tuple[Path, str, str]]:
    """`chalicelib`'s Python files (of the project's `files`) with their module names and
    the package each is in, in path order."""
    found = []
    for path in files:
        parts = path.relative_to(project).with_suffix("").parts
        if parts[0] == LIBRARY and len(parts) > 1 and path.suffix == ".py":
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((path, dotted, ".".join(parts[:-1])))
    return found


def _exposures(
    root: Path, project: Path, files: list[Path], trees: dict[Path, ast.Module]
) -> Exposures:
    """The exposures of the project's functions: its folder's `files` (`trees`: those
    parsed as Python) and its config."""
    here = project.relative_to(root).as_posix()
    relative = tuple(path.relative_to(root).as_posix() for path in files)
    try:
        digest = code_digest(project, files, trees)
    except OSError as e:
        raise ValueError(
            f"{here}: a file of the Chalice project cannot be read ({e.strerror}), "
            "so what exposes its functions is unknown; fix it"
        ) from e
    return Exposures(root, here, relative, digest)


def _module(path: Path, max_bytes: int) -> ast.Module | None:
    """The file's syntax tree; None if it is too large, nested too deep for the parser, or
    not Python this interpreter parses (the code scanners and rules report that)."""
    try:
        if path.stat().st_size > max_bytes:
            return None
        return ast.parse(path.read_bytes(), filename=path.name)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None

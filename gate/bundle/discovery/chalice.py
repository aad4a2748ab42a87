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
"""

from __future__ import annotations

import ast
import json
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery.chalice_decorators import API_HANDLER, ROUTE_DECORATORS, registrations
from gate.bundle.discovery.chalice_syntax import (
    argument_of,
    assigned_in,
    created_in,
    imports_of,
    owners_in,
    qualified_name,
    where_made,
)
from gate.bundle.discovery.declared import Declared, Read, as_mapping

APP_FILE = "app.py"
CONFIG = (".chalice", "config.json")
"""Where a project's deployed configuration is, relative to the project."""
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
    here = PurePosixPath(relative).parent.as_posix()
    code = here if here != "." else "."
    found: dict[str, Declared] = {}
    app_object = next(iter(app_names))

    def declare(name: str, handler: str, line: int) -> None:
        found.setdefault(
            name,
            Declared(
                name=name,
                iac="chalice",
                iac_file=relative,
                line=line,
                resource=name,
                runtime=None,  # Chalice deploys with the Python that runs `chalice deploy`
                handler=handler,
                code=code,
            ),
        )

    modules = [(app, "app", "")] + [
        (module, dotted, package)
        for path, dotted, package in _library_modules(project)
        if (module := _module(path, max_bytes)) is not None
    ]
    made = {
        f"{dotted}.{name}"
        for module, dotted, package in modules
        for name in {
            **created_in(module, APP_CLASSES, package),
            **created_in(module, BLUEPRINT_CLASSES, package),
        }
    }
    imports = {dotted: imports_of(module, package) for module, dotted, package in modules}
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
    for module, dotted, _ in modules:
        owners = owners_in(module, dotted, made, imports)
        for registration in registrations(module, owners, relative):
            if registration.method in ROUTE_DECORATORS:
                declare(API_HANDLER, f"app.{app_object}", registration.line)
            else:
                prefix = prefixes.get(registration.owner, "")
                handler = f"{dotted}.{registration.function}"
                declare(prefix + registration.name, handler, registration.line)
    _refuse_unfound(project / Path(*CONFIG), relative, set(found))
    return Read(list(found.values()))


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


def read_config(path: Path) -> Any:
    """`.chalice/config.json` as Chalice reads it, with `json` (`0e0` is the number 0.0,
    false, where YAML would read a string); None if it is not JSON, or writes a key
    twice (readers differ on which one wins)."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("a key written twice")
        return dict(pairs)

    try:
        return json.loads(path.read_bytes(), object_pairs_hook=unique)
    except (OSError, ValueError, RecursionError):
        return None


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


def _library_modules(project: Path) -> list[tuple[Path, str, str]]:
    """`chalicelib`'s Python files with their module names and the package each is in,
    in path order."""
    library = project / LIBRARY
    if not library.is_dir() or library.is_symlink():
        return []
    found = []
    for path in sorted(library.rglob("*.py")):
        if path.is_file() and not path.is_symlink():
            parts = path.relative_to(project).with_suffix("").parts
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((path, dotted, ".".join(parts[:-1])))
    return found


def _module(path: Path, max_bytes: int) -> ast.Module | None:
    """The file's syntax tree; None if it is too large, nested too deep for the parser, or
    not Python this interpreter parses (the code scanners and rules report that)."""
    try:
        if path.stat().st_size > max_bytes:
            return None
        return ast.parse(path.read_bytes(), filename=path.name)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None

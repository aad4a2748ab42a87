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
function role rules read it (gate.serverless.iam.roles). Other `config*.json` files
(`config-sample.json`) are not deployed by Chalice and are not read.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from gate.discovery.declared import Declared, Read, as_mapping

APP_FILE = "app.py"
CONFIG = (".chalice", "config.json")
"""Where a project's deployed configuration is, relative to the project."""
LIBRARY = "chalicelib"
"""The package beside app.py that Chalice deploys with it; blueprints live there."""

API_HANDLER = "api_handler"
"""The one function that serves every route of an app."""
ROUTE_DECORATORS = frozenset({"route"})
EVENT_DECORATORS = frozenset(
    {"lambda_function", "on_s3_event", "on_sqs_message", "on_sns_message", "on_cw_event"}
    | {"schedule", "on_kinesis_record", "on_dynamodb_record", "on_ws_message"}
    | {"on_ws_connect", "on_ws_disconnect"}
)
"""Decorators whose function is a Lambda function of its own, called with an event."""
AUTHORIZER_DECORATORS = frozenset({"authorizer"})
_WEBSOCKET = {
    "on_ws_connect": "websocket_connect",
    "on_ws_message": "websocket_message",
    "on_ws_disconnect": "websocket_disconnect",
}
APP_CLASSES = frozenset({"chalice.Chalice", "chalice.app.Chalice"})
BLUEPRINT_CLASSES = frozenset({"chalice.Blueprint", "chalice.app.Blueprint"})


def read_chalice(root: Path, app_file: Path, max_bytes: int) -> Read:
    """The functions of the Chalice project whose `app.py` is `app_file`; None as the
    functions when the file creates no Chalice app (or cannot be parsed: its syntax is
    the code scanners' to report). Raises ValueError when a `.chalice/config.json` says
    the folder is a Chalice project and no app is found in its `app.py`."""
    relative = app_file.relative_to(root).as_posix()
    app = _module(app_file, max_bytes)
    app_names = _created(app, APP_CLASSES) if app else {}
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

    modules = [(app, "app")] + [
        (module, dotted)
        for path, dotted in _library_modules(project)
        if (module := _module(path, max_bytes)) is not None
    ]
    made = {
        f"{dotted}.{name}"
        for module, dotted in modules
        for name in {**_created(module, APP_CLASSES), **_created(module, BLUEPRINT_CLASSES)}
    }
    imports = {dotted: _imports(module) for module, dotted in modules}
    prefixes = {
        _where_made(blueprint, imports, made): prefix
        for blueprint, prefix in _name_prefixes(app, relative).items()
    }
    if unknown := sorted(set(prefixes) - made):
        raise ValueError(
            f"{relative}: registers the blueprint {', '.join(unknown)}, which the gate does "
            "not find made in app.py or chalicelib/, so its functions would go unjudged; "
            "make it in chalicelib"
        )
    for module, dotted in modules:
        owners = _owners(module, dotted, made)
        for registration in _registrations(module, owners, relative):
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


@dataclass(frozen=True)
class _Registration:
    method: str
    function: str
    name: str
    """The Lambda function's name in the app (before a blueprint's `name_prefix`)."""
    line: int
    owner: str
    """The app or blueprint whose decorator registered it (`module.variable` where it is
    made)."""


def _owners(module: ast.Module, dotted: str, made: set[str]) -> dict[str, str]:
    """The names in `module` (module `dotted`) of the apps and blueprints the project
    makes (`made`: `module.variable`): those it makes, imports, or names again
    (`jobs = bp`), each to where it is made."""
    imported = _imports(module)
    owners = {
        name: target
        for name, target in {**imported, **{n: f"{dotted}.{n}" for n in _assigned(module)}}.items()
        if target in made
    }
    for node in _module_level(module):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Name):
            source = owners.get(node.value.id)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if source is not None:
                owners.update({t.id: source for t in targets if isinstance(t, ast.Name)})
    return owners


def _where_made(qualified: str, imports: dict[str, dict[str, str]], made: set[str]) -> str:
    """Where the object `qualified` (`module.variable`) is made, following the modules of
    the project that import it from another (`from chalicelib.bp import bp`)."""
    seen = set()
    while qualified not in made and qualified not in seen:
        seen.add(qualified)
        module, _, name = qualified.rpartition(".")
        source = imports.get(module, {}).get(name)
        if source is None:
            break
        qualified = source
    return qualified


def _assigned(module: ast.Module) -> set[str]:
    """The names the module's own statements assign."""
    return {
        target.id
        for node in _module_level(module)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def _name_prefixes(app: ast.Module, relative: str) -> dict[str, str]:
    """`app.register_blueprint(bp, name_prefix="x_")`: the blueprint (`module.variable`,
    as app.py imports it) -> the prefix Chalice puts before its functions' names ("" for
    none). A prefix that is not a literal string is refused: the functions' settings
    would be looked up under names the gate cannot know."""
    imported = {**_imports(app), **{name: f"app.{name}" for name in _assigned(app)}}
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
        given = _argument(node, "name_prefix", 1)
        registered = _argument(node, "blueprint", 0)
        if given is None or (isinstance(given, ast.Constant) and given.value is None):
            given = ast.Constant("")
        if not (isinstance(given, ast.Constant) and isinstance(given.value, str)):
            raise ValueError(
                f"{relative}:{node.lineno}: a blueprint's name_prefix the gate does not "
                "evaluate; write it as a string"
            )
        blueprint = _qualified(registered, imported) if registered is not None else None
        if blueprint is None:
            raise ValueError(
                f"{relative}:{node.lineno}: a blueprint registered that the gate cannot "
                "trace to where it is made; register it by the name it is imported under"
            )
        found[blueprint] = given.value
    return found


def _argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    """A call's argument, given by keyword or at `position`."""
    given = next((k.value for k in call.keywords if k.arg == keyword), None)
    if given is None and len(call.args) > position:
        given = call.args[position]
    return given


def _registrations(
    module: ast.Module, owners: dict[str, str], relative: str
) -> list[_Registration]:
    """The module-level functions `module` registers through a decorator of an app or
    blueprint it creates (`@app.route(...)`, `@bp.on_s3_event(...)`). A name given as
    anything but a literal string is refused (`relative`: the project's app.py)."""
    found = []
    _refuse_called_decorators(module, owners, relative)
    for node in _module_level(module):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if not (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in owners
            ):
                continue
            method = target.attr
            if method in ROUTE_DECORATORS | EVENT_DECORATORS | AUTHORIZER_DECORATORS:
                given = _given_name(call, method, relative)
                name = _WEBSOCKET.get(method) or given or node.name
                owner = owners[target.value.id]
                found.append(_Registration(method, node.name, name, decorator.lineno, owner))
    return found


def _refuse_called_decorators(module: ast.Module, owners: dict[str, str], relative: str) -> None:
    """Refuse any use of an app's or blueprint's registering method but as a decorator of
    a module-level function (called, kept in a variable, on a nested function): Chalice
    registers whatever reaches it, and the gate follows decorators only."""
    registering = ROUTE_DECORATORS | EVENT_DECORATORS | AUTHORIZER_DECORATORS
    followed = {
        id(decorator.func if isinstance(decorator, ast.Call) else decorator)
        for node in _module_level(module)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
    }
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in owners
            and node.attr in registering
            and id(node) not in followed
        ):
            raise ValueError(
                f"{relative}: `{node.value.id}.{node.attr}` used otherwise than as the "
                f"decorator of a module-level function (line {node.lineno} of its module), "
                "which the gate does not follow; write it as a decorator"
            )


def _module_level(module: ast.Module) -> list[ast.stmt]:
    """The statements Python runs when it imports `module`: its own and those inside its
    blocks (`if`, `try`, `with`, loops, `match`), not those of its functions' bodies."""
    found: list[ast.stmt] = []
    todo: list[ast.AST] = list(module.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.stmt):
            found.append(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        todo[:0] = [
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case)
        ]
    return found


# Where each registering decorator takes the Lambda function's name, by position (its
# `name=` keyword is read too), as Chalice's DecoratorAPI declares them.
_NAME_POSITION = {
    "lambda_function": 0,
    "authorizer": 2,
    "on_s3_event": 4,
    "on_sns_message": 1,
    "on_sqs_message": 2,
    "on_cw_event": 1,
    "schedule": 1,
    "on_kinesis_record": 3,
    "on_dynamodb_record": 3,
}


def _given_name(call: ast.Call | None, method: str, relative: str) -> str | None:
    """The name a decorator gives its function (`@app.lambda_function(name="x")`,
    `@app.schedule("rate(1 hour)", "x")`); None when it gives none. Raises ValueError
    on a name that is not a literal string."""
    if call is None or method not in _NAME_POSITION:
        return None
    if any(k.arg is None for k in call.keywords):
        raise ValueError(
            f"{relative}:{call.lineno}: @{method} takes its arguments from `**`, which the "
            "gate does not evaluate; write them out"
        )
    given: ast.expr | None = next((k.value for k in call.keywords if k.arg == "name"), None)
    position = _NAME_POSITION[method]
    if given is None and len(call.args) > position:
        given = call.args[position]
    if given is None or (isinstance(given, ast.Constant) and given.value is None):
        return None
    if isinstance(given, ast.Constant) and isinstance(given.value, str) and given.value:
        return given.value
    raise ValueError(
        f"{relative}:{call.lineno}: @{method} names its function with an expression the "
        "gate does not evaluate, so the function's settings cannot be found; write the "
        "name as a string"
    )


def _created(module: ast.Module, classes: frozenset[str]) -> dict[str, str]:
    """Module-level names assigned an instance of one of `classes` (by qualified name)."""
    imported = _imports(module)
    found = {}
    for node in _module_level(module):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or not isinstance(node.value, ast.Call):
            continue
        called = _qualified(node.value.func, imported)
        if called not in classes:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        found.update({t.id: called for t in targets if isinstance(t, ast.Name)})
    return found


def _imports(module: ast.Module) -> dict[str, str]:
    """Local name -> what it names, for the module's module-level imports."""
    names: dict[str, str] = {}
    for node in _module_level(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _qualified(node: ast.expr, imported: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return imported.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _qualified(node.value, imported)
        return f"{base}.{node.attr}" if base else None
    return None


def _library_modules(project: Path) -> list[tuple[Path, str]]:
    """`chalicelib`'s Python files with their module names, in path order."""
    library = project / LIBRARY
    if not library.is_dir() or library.is_symlink():
        return []
    found = []
    for path in sorted(library.rglob("*.py")):
        if path.is_file() and not path.is_symlink():
            parts = path.relative_to(project).with_suffix("").parts
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((path, dotted))
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

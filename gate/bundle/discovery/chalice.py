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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery.declared import Declared, Read, as_mapping

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

    modules = [(app, "app", "")] + [
        (module, dotted, package)
        for path, dotted, package in _library_modules(project)
        if (module := _module(path, max_bytes)) is not None
    ]
    made = {
        f"{dotted}.{name}"
        for module, dotted, package in modules
        for name in {
            **_created(module, APP_CLASSES, package),
            **_created(module, BLUEPRINT_CLASSES, package),
        }
    }
    imports = {dotted: _imports(module, package) for module, dotted, package in modules}
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
    for module, dotted, _ in modules:
        owners = _owners(module, dotted, made, imports)
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


def _owners(
    module: ast.Module, dotted: str, made: set[str], imports: dict[str, dict[str, str]]
) -> dict[str, str]:
    """The expressions in `module` (module `dotted`, as `ast.unparse` writes them) that
    name the apps and blueprints the project makes (`made`: `module.variable`): names it
    makes, imports or names again (`jobs = bp`), and attributes of the project's modules
    (`m.bp`), each to where it is made. `imports`: every project module's imports."""
    imported = imports[dotted]
    local = {**imported, **{n: f"{dotted}.{n}" for n in _assigned(module)}}
    owners = {
        name: target
        for name, target in {n: _where_made(t, imports, made) for n, t in local.items()}.items()
        if target in made
    }
    for node in ast.walk(module):
        if isinstance(node, ast.Attribute) and (qualified := _qualified(node, local)):
            target = _where_made(qualified, imports, made)
            if target in made:
                owners[ast.unparse(node)] = target
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
            if not (isinstance(target, ast.Attribute) and _owner(target.value, owners)):
                continue
            method = target.attr
            if method in ROUTE_DECORATORS | EVENT_DECORATORS | AUTHORIZER_DECORATORS:
                given = _given_name(call, method, relative)
                name = _WEBSOCKET.get(method) or given or node.name
                owner = owners[ast.unparse(target.value)]
                found.append(_Registration(method, node.name, name, decorator.lineno, owner))
    return found


def _refuse_called_decorators(module: ast.Module, owners: dict[str, str], relative: str) -> None:
    """Refuse any use of a registering method's name (`lambda_function`, `route`, ...) in
    the project's code but as the decorator of a module-level function, on an app or
    blueprint the gate traces to where it is made: called, kept in a variable, on a
    nested function, on an object the gate does not trace, or fetched by name
    (`getattr(app, "lambda_function")`). Chalice registers whatever reaches it, and the
    gate follows those decorators only. An app or blueprint handed to `getattr` and the
    like is refused too: any method may be fetched through it."""
    followed = {
        id(target)
        for node in _module_level(module)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
        if isinstance(
            target := decorator.func if isinstance(decorator, ast.Call) else decorator,
            ast.Attribute,
        )
        and _owner(target.value, owners)
    }
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _REGISTERING
            and id(node) not in followed
        ):
            raise ValueError(
                f"{relative}: `{ast.unparse(node)}` used otherwise than as the decorator of "
                f"a module-level function on an app or blueprint made in the project (line "
                f"{node.lineno} of its module), which the gate does not follow; write it as "
                "such a decorator"
            )
        if isinstance(node, ast.Call) and _fetches_by_name(node, owners):
            raise ValueError(
                f"{relative}: `{ast.unparse(node.func)}(...)` fetches an attribute of a "
                f"Chalice app or blueprint by name (line {node.lineno} of its module), "
                "which the gate does not follow; use its decorators as written"
            )
    _refuse_handed_on(module, owners, relative)


def _refuse_handed_on(module: ast.Module, owners: dict[str, str], relative: str) -> None:
    """Refuse an app or blueprint used otherwise than by its public attributes
    (`app.current_request`, `@app.route`), named again (`jobs = bp`) or registered
    (`app.register_blueprint(bp)`): handed to other code (a function, `getattr` under
    another name, a list), or through a private method (`app._register_handler`), it
    may register functions the gate does not see."""
    parents = {id(child): node for node in ast.walk(module) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(module):
        if not isinstance(node, ast.Name | ast.Attribute) or not _owner(node, owners):
            continue
        if isinstance(node.ctx, ast.Store):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if not parent.attr.startswith("_"):
                continue
        elif (isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is node) or (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr == "register_blueprint"
            and node in parent.args
        ):
            continue
        raise ValueError(
            f"{relative}: the Chalice app or blueprint `{ast.unparse(node)}` is handed on "
            f"(line {node.lineno} of its module: `{ast.unparse(parent) if parent else ''}`), "
            "and what it is handed to may register functions the gate does not follow; "
            "register them with its decorators"
        )


_REGISTERING = ROUTE_DECORATORS | EVENT_DECORATORS | AUTHORIZER_DECORATORS
_BY_NAME = frozenset({"getattr", "attrgetter", "methodcaller", "__getattribute__", "vars"})


def _owner(node: ast.expr, owners: dict[str, str]) -> bool:
    """Whether `node` names an app or blueprint of the project."""
    return isinstance(node, ast.Name | ast.Attribute) and ast.unparse(node) in owners


def _fetches_by_name(call: ast.Call, owners: dict[str, str]) -> bool:
    """`getattr(app, ...)`, `attrgetter("route")` and the like: an attribute fetched by a
    name that is a registering method's, or from an app or blueprint."""
    function = call.func
    called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    if called not in _BY_NAME:
        return False
    return any(
        _owner(argument, owners)
        or (isinstance(argument, ast.Constant) and argument.value in _REGISTERING)
        for argument in call.args
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


def _created(module: ast.Module, classes: frozenset[str], package: str = "") -> dict[str, str]:
    """Module-level names assigned an instance of one of `classes` (by qualified name)."""
    imported = _imports(module, package)
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


def _imports(module: ast.Module, package: str = "") -> dict[str, str]:
    """Local name -> what it names, for the module's module-level imports; `package` is
    the package a relative import starts from (`chalicelib` for chalicelib/jobs.py)."""
    names: dict[str, str] = {}
    for node in _module_level(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            source = _import_source(node, package)
            for alias in node.names:
                if source is not None:
                    names[alias.asname or alias.name] = f"{source}.{alias.name}"
    return names


def _import_source(node: ast.ImportFrom, package: str) -> str | None:
    """The module a `from ... import` reads from: `from .bp import` in package
    `chalicelib` is `chalicelib.bp`; None where it climbs out of the project."""
    if node.level == 0:
        return node.module
    parts = package.split(".") if package else []
    if node.level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _qualified(node: ast.expr, imported: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return imported.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _qualified(node.value, imported)
        return f"{base}.{node.attr}" if base else None
    return None


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

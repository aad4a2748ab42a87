"""Where event data enters a bundle's code: the handlers its IaC names, the routes and
event handlers of the web and event frameworks functions are built with, and in Python
files no IaC handler claims, functions shaped like a handler (`event, context`).

Frameworks, found by the app object a module creates at its top level:

- AWS Lambda Powertools resolvers (`APIGatewayRestResolver()` and its kin): each route
  function's parameters (path parameters) and `app.current_event`;
- Chalice (`Chalice(...)`, `Blueprint(...)`): each route's parameters (URI parameters)
  and `app.current_request`; the event of `@app.lambda_function()`, `on_s3_event`,
  `on_sqs_message`, `on_sns_message`, `on_cw_event`, `schedule` and the others;
- Flask and FastAPI apps served through an adapter (serverless-wsgi, aws-wsgi,
  Mangum): each view's parameters and, for Flask, `request`. A FastAPI parameter that
  `Depends()` on code is not request data.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from packaging.version import InvalidVersion, Version

from gate.bundle.discovery.chalice_decorators import EVENT_DECORATORS
from gate.rules.context import BundleContext, subtree
from gate.rules.taint.module import FunctionNode, ModuleIndex

EVENT_NAMES = frozenset({"event", "evt", "_event", "lambda_event", "raw_event"})
CONTEXT_NAMES = frozenset({"context", "ctx", "_context", "_ctx", "lambda_context"})
"""Parameter names that make a function a handler when no IaC says which one is."""


@dataclass
class HandlerModule:
    """A module with its entry points: function -> the names that hold event data when
    it is called (its event parameter; a route's parameters and `app.current_event`)."""

    path: str
    """Relative to the bundle root."""
    index: ModuleIndex
    entries: dict[str, tuple[str, ...]] = field(default_factory=dict)
    resource: str | None = None
    """The IaC resource of the function that deploys the handler, if one does."""
    bundle_imports: frozenset[str] = frozenset()
    """The top-level modules the bundle's Python code imports, anywhere in it (a
    connection made in `db.py` is used in the handler)."""
    legacy_lxml: bool = False
    """The bundle ships lxml older than 5, whose default parser resolves external
    entities (lxml 5 resolves internal ones only)."""


def handler_modules(context: BundleContext) -> list[HandlerModule]:
    """Every module with an entry point, one per IaC handler, then the unclaimed files."""
    parsed: dict[str, ModuleIndex | None] = {}

    def index(path: str) -> ModuleIndex | None:
        if path not in parsed:
            source = context.source(path)
            parsed[path] = ModuleIndex.parse(source) if source is not None else None
        return parsed[path]

    modules: list[HandlerModule] = []
    seen: set[tuple[str, str]] = set()
    for function in context.functions:
        path, name = function.handler_file, function.handler_function
        if not path or not name or not path.endswith(".py") or (path, name) in seen:
            continue
        seen.add((path, name))
        module = index(path)
        if module is None:
            continue
        entries = framework_entries(module)
        for bound in _bound_to(module, name):
            event = _first_parameter(module.functions.get(bound))
            if event:
                entries[bound] = (event,)
        if entries:
            modules.append(HandlerModule(path, module, entries, function.resource))
    claimed = {path for path, _ in seen}
    for path in context.python_files():
        if path in claimed or is_test_file(path):
            continue
        module = index(path)
        entries = {**framework_entries(module), **handler_shaped(module)} if module else {}
        if module and entries:
            modules.append(HandlerModule(path, module, entries))
    imported = frozenset(
        name.split(".")[0]
        for path in context.python_files()
        if (found := index(path)) is not None
        for name in found.imports.values()
    )
    legacy = "lxml" in imported and any(
        Version(v) < LXML_SAFE_DEFAULTS for v in context.versions("lxml") if _valid(v)
    )
    for handler in modules:
        handler.bundle_imports = imported
        handler.legacy_lxml = legacy
    return modules


def _bound_to(module: ModuleIndex, name: str) -> list[str]:
    """The module's functions a handler name calls: its own `def`, or the functions a
    module-level `name = _impl` (or `name = wrap(_impl)`, a decorator applied by hand)
    names, which Lambda calls through it."""
    if name in module.functions:
        return [name]
    value = module.values.get(name)
    if value is None:
        return []
    named = (n.id for n in subtree(value) if isinstance(n, ast.Name))
    return [n for n in dict.fromkeys(named) if n in module.functions]


LXML_SAFE_DEFAULTS = Version("5.0")
"""The lxml release whose parsers stopped resolving external entities by default."""


def _valid(version: str) -> bool:
    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def handler_shaped(module: ModuleIndex) -> dict[str, tuple[str, ...]]:
    """Top-level functions whose first two parameters are named like (event, context)."""
    entries: dict[str, tuple[str, ...]] = {}
    for name, node in module.functions.items():
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        if len(params) >= 2 and params[0] in EVENT_NAMES and params[1] in CONTEXT_NAMES:
            entries[name] = (params[0],)
    return entries


_POWERTOOLS = "aws_lambda_powertools.event_handler"
FRAMEWORK_APPS: dict[str, str] = {
    **{
        f"{_POWERTOOLS}.{name}": "powertools"
        for name in (
            "APIGatewayRestResolver",
            "APIGatewayHttpResolver",
            "ALBResolver",
            "LambdaFunctionUrlResolver",
            "VPCLatticeResolver",
            "VPCLatticeV2Resolver",
            "BedrockAgentResolver",
            "api_gateway.ApiGatewayResolver",
            "api_gateway.APIGatewayRestResolver",
            "router.APIGatewayRouter",
            "api_gateway.Router",
            "Router",
        )
    },
    "chalice.Chalice": "chalice",
    "chalice.app.Chalice": "chalice",
    "chalice.Blueprint": "chalice",
    "flask.Flask": "flask",
    "flask.Blueprint": "flask",
    "fastapi.FastAPI": "fastapi",
    "fastapi.APIRouter": "fastapi",
}
"""The app objects of the frameworks whose routes are entry points, by what they name."""

_HTTP = frozenset({"get", "post", "put", "delete", "patch", "head", "options"})
ROUTES: dict[str, frozenset[str]] = {
    "powertools": _HTTP | {"route"},
    "chalice": frozenset({"route"}),
    "flask": _HTTP | {"route"},
    "fastapi": _HTTP | {"api_route"},
}
"""Decorators (methods of the app) that make a function a route."""
EVENTS: dict[str, frozenset[str]] = {"chalice": EVENT_DECORATORS}
"""Decorators whose function gets an event as its first parameter."""
REQUESTS = {"powertools": "current_event", "chalice": "current_request"}
"""The app's attribute that holds the request being handled."""


def framework_entries(module: ModuleIndex) -> dict[str, tuple[str, ...]]:
    """The routes and event handlers of the framework apps the module creates, however
    they are registered (a decorator, through a name or not; `add_url_rule`,
    `add_api_route`, `app.route(...)(view)`). The request an app keeps
    (`app.current_event`, Flask's `request`) is an input of every function of the
    module: a helper a route calls reads the same request."""
    apps = {name: kind for name in module.values if (kind := _app_kind(module, name))}
    requests = _request_names(module, apps)
    entries: dict[str, tuple[str, ...]] = {}
    routes = _registered(module)
    for name, node in module.functions.items():
        local = _local_requests(node)
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            kind, method = _method_of_app(module, target)
            if kind is not None and method in ROUTES.get(kind, ()):
                routes.add(name)
            elif kind is not None and method in EVENTS.get(kind, ()):
                first = _first_parameter(node)
                entries[name] = (first,) if first else ()
        if name in routes:
            entries[name] = (*_request_parameters(node, module), *requests, *local)
            for dependency in dependencies(node, module):
                depended = module.functions[dependency]
                entries.setdefault(dependency, tuple(_request_parameters(depended, module)))
        elif name not in entries and (requests or local):
            entries[name] = (*requests, *local)
    return {name: names for name, names in entries.items() if names}


_POWERTOOLS_APP = re.compile(
    r"^aws_lambda_powertools\.event_handler\.(\w+\.)*\w+(Resolver|Router)$"
)


def _kind(name: str | None) -> str | None:
    """The framework whose app a qualified name (`flask.Flask`) creates."""
    if name is None:
        return None
    if name in FRAMEWORK_APPS:
        return FRAMEWORK_APPS[name]
    return "powertools" if _POWERTOOLS_APP.match(name) else None


def _app_kind(module: ModuleIndex, name: str) -> str | None:
    """The framework of the app the module-level `name` holds (through other names)."""
    called = module.qualname(ast.Name(name, ast.Load()))
    return _kind(called[:-2]) if called and called.endswith("()") else None


def _method_of_app(module: ModuleIndex, target: ast.expr) -> tuple[str | None, str]:
    """(framework, method) when `target` names a method of an app (`app.route`,
    `route` bound to `app.route`); (None, "") otherwise."""
    name = module.qualname(target) or ""
    base, _, method = name.rpartition(".")
    return (_kind(base[:-2]) if base.endswith("()") else None), method


def _registered(module: ModuleIndex) -> set[str]:
    """Module functions registered as views by a call: `app.add_url_rule(rule,
    view_func=f)`, `app.add_api_route(path, f)`, `app.route(rule)(f)`."""
    found: set[str] = set()
    for node in subtree(module.tree):
        if not isinstance(node, ast.Call):
            continue
        kind, method = _method_of_app(module, node.func)
        view: ast.expr | None = None
        if kind is not None and method == "add_url_rule":
            view = _keyword(node, "view_func") or (node.args[2] if len(node.args) > 2 else None)
        elif kind is not None and method == "add_api_route":
            view = _keyword(node, "endpoint") or (node.args[1] if len(node.args) > 1 else None)
        elif isinstance(node.func, ast.Call) and node.args:
            kind, method = _method_of_app(module, node.func.func)
            if kind is not None and method in ROUTES.get(kind, ()):
                view = node.args[0]
        if isinstance(view, ast.Name) and view.id in module.functions:
            found.add(view.id)
    return found


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


_FLASK_REQUEST = ("flask.request", "flask.globals.request")


def _request_names(module: ModuleIndex, apps: dict[str, str]) -> tuple[str, ...]:
    """How the module reaches the request its apps handle: `app.current_event`,
    `app.current_request`, Flask's proxy under any name (`request`, `flask.request`)."""
    names = [f"{app}.{REQUESTS[kind]}" for app, kind in apps.items() if kind in REQUESTS]
    for local, named in module.imports.items():
        if named in _FLASK_REQUEST:
            names.append(local)
        elif named in ("flask", "flask.globals"):
            names.append(f"{local}.request")
    return tuple(names)


def _local_requests(node: FunctionNode) -> tuple[str, ...]:
    """Flask's proxy imported inside a function (`from flask import request`)."""
    names = []
    for statement in subtree(node):
        if isinstance(statement, ast.ImportFrom) and statement.module in ("flask", "flask.globals"):
            names += [a.asname or a.name for a in statement.names if a.name == "request"]
    return tuple(names)


def _request_parameters(node: FunctionNode, module: ModuleIndex | None = None) -> list[str]:
    """A route function's parameters that carry request data: all but FastAPI's
    dependencies that the app's own code provides (`db = Depends(get_db)`). A dependency
    on a module function that takes parameters itself (`url = Depends(target)`, with
    `target(url: str)`) is filled from the request too: its value is request data."""
    found = []
    for arg, default in _parameters(node):
        dependency = _depends(default)
        if dependency is None or _filled_from_request(dependency, module):
            found.append(arg.arg)
    return found


def _parameters(node: FunctionNode) -> list[tuple[ast.arg, ast.expr | None]]:
    """Each parameter with its default (None where it has none)."""
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    return [
        *zip(positional, [*defaults, *arguments.defaults], strict=True),
        *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
    ]


def _depends(default: ast.expr | None) -> ast.expr | None:
    """What `Depends(x)` / `Security(x)` depends on (`Depends()` on nothing: the ellipsis);
    None for any other default."""
    if not isinstance(default, ast.Call):
        return None
    func = default.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in ("Depends", "Security"):
        return None
    return default.args[0] if default.args else ast.Constant(value=...)


def _filled_from_request(dependency: ast.expr, module: ModuleIndex | None) -> bool:
    """Whether FastAPI fills the dependency from the request: a module function that
    takes parameters of its own (they come from the request, or from its own
    dependencies), as the module's code shows it."""
    if module is None or not isinstance(dependency, ast.Name):
        return False
    node = module.functions.get(dependency.id)
    return node is not None and any(_depends(d) is None for _, d in _parameters(node))


def dependencies(node: FunctionNode, module: ModuleIndex) -> list[str]:
    """The module functions a route depends on whose parameters FastAPI fills from the
    request: entry points of their own."""
    return [
        dependency.id
        for _, default in _parameters(node)
        if isinstance(dependency := _depends(default), ast.Name)
        and _filled_from_request(dependency, module)
    ]


def is_test_file(path: str) -> bool:
    """Tests shipped beside the code call handlers with made-up events, not real ones."""
    pure = PurePosixPath(path)
    if {"tests", "test"} & set(pure.parts[:-1]):
        return True
    return (
        pure.name.startswith("test_")
        or pure.name.endswith("_test.py")
        or (pure.name == "conftest.py")
    )


def _first_parameter(node: FunctionNode | None) -> str | None:
    if node is None:
        return None
    params = [*node.args.posonlyargs, *node.args.args]
    return params[0].arg if params else None

"""The decorators of a Chalice app or blueprint that register Lambda functions, and
what the gate refuses: a registering method used any other way, an app or blueprint
handed on to code that may register functions the gate does not see."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from gate.bundle.discovery.chalice_syntax import module_level

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
_REGISTERING = ROUTE_DECORATORS | EVENT_DECORATORS | AUTHORIZER_DECORATORS
# What of an app or blueprint reads or configures it and registers no function (Chalice's
# `Chalice` and `Blueprint`); its registries (`routes`, `pure_lambda_functions`,
# `event_sources`, `websocket_handlers`, `handler_map`) are not among them.
_READ_ONLY = frozenset(
    {"current_request", "current_app", "lambda_context", "log", "debug", "app_name"}
    | {"api", "websocket_api", "experimental_feature_flags", "configure_logs"}
    | {"register_blueprint", "middleware", "register_middleware"}
)
_BY_NAME = frozenset({"getattr", "attrgetter", "methodcaller", "__getattribute__", "vars"})
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


@dataclass(frozen=True)
class Registration:
    method: str
    function: str
    name: str
    """The Lambda function's name in the app (before a blueprint's `name_prefix`)."""
    line: int
    owner: str
    """The app or blueprint whose decorator registered it (`module.variable` where it is
    made)."""


def registrations(module: ast.Module, owners: dict[str, str], relative: str) -> list[Registration]:
    """The module-level functions `module` registers through a decorator of an app or
    blueprint it creates (`@app.route(...)`, `@bp.on_s3_event(...)`). A name given as
    anything but a literal string is refused (`relative`: the project's app.py)."""
    found = []
    _refuse_called_decorators(module, owners, relative)
    for node in module_level(module):
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
                line = decorator.lineno
                found.append(Registration(method, node.name, name, line, owner))
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
        for node in module_level(module)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
        if isinstance(target := _decorated_by(decorator), ast.Attribute)
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
    """Refuse an app or blueprint used otherwise than by the attributes that read or
    configure it (`app.current_request`, `app.api.cors`, `_READ_ONLY`) and its
    decorators (`@app.route`), named again (`jobs = bp`) or registered
    (`app.register_blueprint(bp)`): handed to other code (a function, `getattr` under
    another name, a list), or reached through a private method or Chalice's own
    registries (`app._register_handler`, `app.pure_lambda_functions.append(...)`), it
    may register functions the gate does not see."""
    parents = {id(child): node for node in ast.walk(module) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(module):
        if not isinstance(node, ast.Name | ast.Attribute) or not _owner(node, owners):
            continue
        if isinstance(node.ctx, ast.Store):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr in _READ_ONLY | _REGISTERING:
                continue  # a registering method is judged by `_refuse_called_decorators`
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


def _owner(node: ast.AST, owners: dict[str, str]) -> bool:
    """Whether `node` names an app or blueprint of the project."""
    return isinstance(node, ast.Name | ast.Attribute) and ast.unparse(node) in owners


def _decorated_by(decorator: ast.expr) -> ast.expr:
    """What a decorator names: `app.route` of `@app.route(...)` and of `@app.route`."""
    return decorator.func if isinstance(decorator, ast.Call) else decorator


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

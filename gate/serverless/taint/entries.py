"""Where event data enters a bundle's code: the handlers its IaC names, and in Python
files no IaC handler claims, functions shaped like a handler (`event, context`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from gate.serverless.context import BundleContext
from gate.serverless.taint.module import FunctionNode, ModuleIndex

EVENT_NAMES = frozenset({"event", "evt", "_event", "lambda_event", "raw_event"})
CONTEXT_NAMES = frozenset({"context", "ctx", "_context", "_ctx", "lambda_context"})
"""Parameter names that make a function a handler when no IaC says which one is."""


@dataclass
class HandlerModule:
    """A module with its entry points: handler function -> its event parameter."""

    path: str
    """Relative to the bundle root."""
    index: ModuleIndex
    entries: dict[str, str] = field(default_factory=dict)
    resource: str | None = None
    """The IaC resource of the function that deploys the handler, if one does."""


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
        event = _first_parameter(module.functions.get(name)) if module else None
        if module and event:
            modules.append(HandlerModule(path, module, {name: event}, function.resource))
    claimed = {path for path, _ in seen}
    for path in context.python_files():
        if path in claimed or is_test_file(path):
            continue
        module = index(path)
        entries = handler_shaped(module) if module else {}
        if module and entries:
            modules.append(HandlerModule(path, module, entries))
    return modules


def handler_shaped(module: ModuleIndex) -> dict[str, str]:
    """Top-level functions whose first two parameters are named like (event, context)."""
    entries = {}
    for name, node in module.functions.items():
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        if len(params) >= 2 and params[0] in EVENT_NAMES and params[1] in CONTEXT_NAMES:
            entries[name] = params[0]
    return entries


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

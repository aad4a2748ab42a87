"""Walking one module: its imports, what its names hold, the calls made on them, and the
places a client or resource is handed on where the analysis cannot follow it."""

from __future__ import annotations

import ast
from collections.abc import Callable

from gate.rules.calls import models
from gate.rules.calls.module import (
    LIBRARIES,
    PARAMETERS,
    POWERTOOLS,
    Handle,
    ModuleCalls,
    Reader,
    Use,
    dotted,
)
from gate.rules.context import parse_python, subtree

Imported = Callable[[str, int], ModuleCalls | None]
"""(module name, relative level) -> a local module's calls, or None if it is not local."""
_FOLLOWED = (ast.Attribute, ast.Assign, ast.AnnAssign, ast.Compare, ast.BoolOp, ast.If)
_FOLLOWED_TOO = (ast.While, ast.UnaryOp, ast.IfExp, ast.Return, ast.For, ast.withitem, ast.Expr)


def read_module(file: str, source: str, imported: Imported) -> ModuleCalls:
    """The AWS calls one module makes, with names bound by local modules it imports."""
    calls = ModuleCalls(file)
    tree = parse_python(source)
    if tree is None:
        calls.dynamic.append(f"{file}: not valid Python, not read")
        return calls
    try:
        _read(calls, tree, imported)
    except RecursionError:
        calls.dynamic.append(f"{file}: nested too deeply to read")
    return calls


def _read(calls: ModuleCalls, tree: ast.Module, imported: Imported) -> None:
    _imports(calls, tree, imported)
    calls.constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }
    reader = Reader(calls, tree)
    _bind(reader)
    for node in subtree(tree):
        if isinstance(node, ast.Call):
            _record(reader, node)
    _escapes(reader)


def _imports(calls: ModuleCalls, tree: ast.Module, imported: Imported) -> None:
    for node in subtree(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = imported(alias.name, 0)
                if local is not None:
                    _seed(calls, local, f"{alias.asname or alias.name}.", None)
                    continue
                bound = alias.asname or alias.name.split(".")[0]
                calls.aliases[bound] = alias.name if alias.asname else bound
                _library(calls, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            _import_from(calls, node, imported)


def _import_from(calls: ModuleCalls, node: ast.ImportFrom, imported: Imported) -> None:
    module = node.module or ""
    parent = imported(module, node.level) if module or node.level else None
    for alias in node.names:
        bound = alias.asname or alias.name
        submodule = imported(f"{module}.{alias.name}" if module else alias.name, node.level)
        if submodule is not None:
            _seed(calls, submodule, f"{bound}.", None)
        elif parent is not None:
            _seed(calls, parent, bound, alias.name)
        else:
            calls.aliases[bound] = f"{module}.{alias.name}"
            _library(calls, f"{module}.{alias.name}", node.lineno)


def _seed(calls: ModuleCalls, other: ModuleCalls, prefix: str, only: str | None) -> None:
    """Names of a local module, as this one sees them: `storage.s3`, or `s3` alone."""
    for source, target in ((other.names, calls.names), (other.returns, calls.returns)):
        for name, handles in source.items():
            if only is None:
                target.setdefault(f"{prefix}{name}", set()).update(handles)
            elif name == only:
                target.setdefault(prefix, set()).update(handles)


def _library(calls: ModuleCalls, name: str, line: int) -> None:
    """A library that calls AWS on the code's behalf: its calls are not seen."""
    for library, service in LIBRARIES.items():
        if name == library or name.startswith(f"{library}."):
            why = f"{calls.file}:{line}: {library} calls AWS itself, unseen"
            if service is None:
                calls.dynamic.append(why)
            else:
                calls.partial.setdefault(service, why)


def _bind(reader: Reader) -> None:
    """What every name holds: repeated until nothing changes (a name may be bound from
    another bound later in the file)."""
    for _ in range(4):
        before = {k: len(v) for k, v in reader.calls.names.items()}
        before_returns = {k: len(v) for k, v in reader.calls.returns.items()}
        for node in subtree(reader.tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    _assign(reader, target, node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                _assign(reader, node.target, node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                _assign(reader, node.target, node.iter)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                _assign(reader, node.optional_vars, node.context_expr)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                _returns(reader, node)
        after = {k: len(v) for k, v in reader.calls.names.items()}
        after_returns = {k: len(v) for k, v in reader.calls.returns.items()}
        if (before, before_returns) == (after, after_returns):
            return


def _assign(reader: Reader, target: ast.AST, value: ast.AST) -> None:
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
        for inner_target, inner_value in zip(target.elts, value.elts, strict=False):
            _assign(reader, inner_target, inner_value)
        return
    name = dotted(target)
    handles = reader.handles(value)
    if name is not None and handles:
        reader.calls.names.setdefault(name, set()).update(handles)


def _returns(reader: Reader, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    for node in subtree(function):
        if isinstance(node, ast.Return) and node.value is not None:
            handles = reader.handles(node.value)
            if handles:
                reader.calls.returns.setdefault(function.name, set()).update(handles)


def _record(reader: Reader, call: ast.Call) -> None:
    """The API call a call expression makes, if it is one."""
    calls = reader.calls
    name = reader.canonical(call.func) or ""
    if name.startswith(PARAMETERS) and name.removeprefix(PARAMETERS) in POWERTOOLS:
        actions = POWERTOOLS[name.removeprefix(PARAMETERS)]
        label = f"parameters.{name.removeprefix(PARAMETERS)}"
        service = actions[0].split(":")[0]
        calls.uses.append(Use(service, label, calls.file, call.lineno, actions=actions))
        return
    _library(calls, name, call.lineno)
    if not isinstance(call.func, ast.Attribute):
        return
    for handle in reader.handles(call.func.value):
        operation, known = _operation(reader, handle, call.func.attr, call)
        label = f"{handle.type or handle.service}.{call.func.attr}"
        if operation is not None:
            calls.uses.append(Use(handle.service, label, calls.file, call.lineno, operation))
        elif not known:
            why = f"{calls.file}:{call.lineno}: {label} is not in the AWS model"
            calls.partial.setdefault(handle.service, why)


def _operation(
    reader: Reader, handle: Handle, method: str, call: ast.Call
) -> tuple[str | None, bool]:
    """(the operation a method call makes, whether the method is understood)."""
    service = handle.service
    if handle.kind == "client":
        if method in ("get_paginator", "generate_presigned_url", "get_waiter"):
            named = reader.literal(call.args[0] if call.args else None)
            if method == "get_waiter" and named:
                return models.waiter_operation(service, named), True
            return (models.client_operation(service, named) if named else None), bool(named)
        if method in models.NOT_CALLS:
            return None, True
        operation = models.client_operation(service, method)
        return operation, operation is not None
    if handle.kind == "resource":
        member = models.resource_member(service, handle.type, method)
        if member is None:
            return None, method in models.NOT_CALLS
        return (member.target if member.kind == "operation" else None), True
    if handle.kind == "collection":
        if method in models.COLLECTION_METHODS:
            return handle.operation, True
        operation = models.batch_operation(service, handle.type or "", method)
        return operation, operation is not None
    return None, True


def _escapes(reader: Reader) -> None:
    """A client or resource handed to code the analysis does not follow (an argument,
    `getattr`, a container): its service's calls are not all known."""
    parents = {
        id(child): node for node in subtree(reader.tree) for child in ast.iter_child_nodes(node)
    }
    for node in subtree(reader.tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            handles = reader.calls.names.get(dotted(node) or "", set())
        elif isinstance(node, ast.Call):
            handles = reader.handles(node)
        else:
            continue
        if not handles or isinstance(parents.get(id(node)), _FOLLOWED + _FOLLOWED_TOO):
            continue
        text = ast.unparse(node)[:40]
        for handle in handles:
            if handle.kind != "session":
                why = f"{reader.calls.file}:{node.lineno}: {text} is handed on, not followed"
                reader.calls.partial.setdefault(handle.service, why)

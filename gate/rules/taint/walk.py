"""One function walked statement by statement, tracking the event data each local holds.

Branches are walked apart and joined; a branch that returns, raises, breaks or
continues does not reach what follows, so `if x not in ALLOWED: return` guards the
rest of the function. Loops are walked twice, so data carried round a loop is seen."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from gate.rules.context import subtree
from gate.rules.taint.exprs import MAX_INLINED, MAX_NESTING, Env, Expressions, TooDeep
from gate.rules.taint.guards import Guards
from gate.rules.taint.module import (
    MUTATORS,
    FunctionNode,
    ModuleIndex,
    import_names,
    root_name,
)
from gate.rules.taint.scope import (
    Observer,
    Program,
    Scope,
    bind_arguments,
    parameters,
)
from gate.rules.taint.values import (
    CLEAN,
    Taints,
    built,
    cleared,
    join,
    parameter,
    substituted,
)

UNKNOWN: ast.expr = ast.Constant(value=None)
"""The binding of a local whose value the walk does not follow (a parameter, a loop
variable): it hides a module-level name of the same spelling."""

_GROWING = MUTATORS - {"remove", "pop", "popitem", "clear", "discard"}
"""Methods that put their arguments into the container they are called on."""


class FunctionWalk:
    """One pass over one function."""

    def __init__(self, program: Program, node: FunctionNode, observer: Observer | None) -> None:
        self.program = program
        self.index = program.index
        self.node = node
        self.observer = observer
        self.defs: dict[str, ast.expr] = {}
        self.locals, self.globals = program.names(node)
        self.returns: Taints = CLEAN
        self.ambient: Env = {}
        """Request data the framework keeps outside the parameters (`app.current_event`,
        Flask's `request`), by the names the function reads it through."""
        self.exits: list[Env] = []
        self.guards = Guards(self.index, self.defs, self._pure_taint)
        self.exprs = Expressions(self, observing=observer is not None)
        self.pure = Expressions(self, observing=False)
        self.nested: dict[str, FunctionNode] = {}
        """Functions defined in this one, by name: a call reads them where it is made."""
        self.enclosing: tuple[int, ...] = ()
        """The functions this walk is inside of (nested definitions being walked)."""
        self.spent = [0]
        """Nested bodies read so far, shared with the walks of nested functions."""
        self.raised: Taints = CLEAN
        """What the exceptions raised in the `try` body being walked carry."""

    def run(self, inputs: Mapping[str, Taints]) -> None:
        env: Env = {}
        for name in parameters(self.node):
            env[name] = join(parameter(name), inputs.get(name, CLEAN))
            self.defs[name] = UNKNOWN
        # Request data a framework keeps on its app (`app.current_event`) or in a global
        # (Flask's `request`): an entry's input that is no parameter.
        self.ambient = {
            name: frozenset(replace(t, ambient=True) for t in taints)
            for name, taints in inputs.items()
            if name not in env
        }
        env.update(self.ambient)
        end = self.block(self.node.body, env)
        if end is not None:
            self.exits.append(end)

    # --- what expressions ask of the walk (exprs.Frame)

    def observe(self, call: ast.Call, env: Env) -> None:
        if self.observer is not None:
            self.observer.call(call, Scope(self, env))

    def refine(self, test: ast.expr, truth: bool, env: Env) -> Env:
        return self.guards.refine(test, truth, env)

    def enter(self, call: ast.Call, args: list[Taints], kwargs: Env, env: Env) -> Taints | None:
        func = call.func
        if (
            isinstance(func, ast.Name)
            and func.id in self.nested
            and self.defs.get(func.id) is UNKNOWN
        ):
            node = self.nested[func.id]
            return self._walk_nested(node, bind_arguments(node, call, args, kwargs), env)
        callees = self._callees(call)
        if not callees:
            return None
        out = CLEAN
        for callee in callees:
            bound = bind_arguments(self.index.functions[callee], call, args, kwargs)
            self.program.feed(self.node.name, callee, bound)
            summary = self.program.summaries.get(callee)
            out = join(out, substituted(summary.returns, bound) if summary else CLEAN)
        return out

    def _callees(self, call: ast.Call) -> list[str]:
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in self.defs:
                bound = self.defs[func.id]
                return self.index.dispatch(bound) or _named(self.index, bound)
            return _named(self.index, func)
        return self.index.dispatch(func)

    def _pure_taint(self, node: ast.expr, env: Env) -> Taints:
        return self.pure.taint(node, env)

    # --- statements

    def block(self, body: list[ast.stmt], env: Env | None) -> Env | None:
        """`env` after `body`; None when no path gets through it."""
        for statement in body:
            if env is None:
                return None
            step = _STATEMENTS.get(type(statement), FunctionWalk._other)
            env = step(self, statement, env)
        return env

    def _other(self, node: Any, env: Env) -> Env | None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.exprs.taint(child, env)
        # What an exception the `try` being walked catches carries: `raise E(data) from
        # F(data)`, `assert ok, data`.
        if isinstance(node, ast.Raise | ast.Assert):
            self.raised = join(self.raised, *(self.pure.taint(p, env) for p in _carried(node)))
        if isinstance(node, ast.Raise | ast.Break | ast.Continue):
            return None
        return env

    def _assign(self, node: ast.Assign | ast.AnnAssign, env: Env) -> Env:
        if node.value is None:
            return env
        value = self.exprs.taint(node.value, env)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            self.bind(target, value, node.value, env)
        self._validate(node.value, env)
        return env

    def _augassign(self, node: ast.AugAssign, env: Env) -> Env:
        value = join(self.exprs.taint(node.value, env), self.pure.taint(node.target, env))
        if value and isinstance(node.op, ast.Add | ast.Mod):
            value = built(value, node.lineno)
        self.bind(node.target, value, UNKNOWN, env)
        return env

    def _expr(self, node: ast.Expr, env: Env) -> Env:
        self.exprs.taint(node.value, env)
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            root = root_name(call.func.value)
            if call.func.attr in _GROWING and root in self.locals:
                added = join(*(self.pure.taint(a, env) for a in call.args))
                env[root] = join(env.get(root, CLEAN), added)
        self._validate(call, env)
        return env

    def yielded(self, value: Taints) -> None:
        self.returns = join(self.returns, value)

    def spend(self, line: int) -> None:
        self.spent[0] += 1
        if self.spent[0] > MAX_INLINED:
            raise TooDeep(f"nested code read more than {MAX_INLINED} times (line {line})")

    def _return(self, node: ast.Return, env: Env) -> None:
        self.returns = join(self.returns, self.exprs.taint(node.value, env))
        self.exits.append(dict(env))

    def _if(self, node: ast.If, env: Env) -> Env | None:
        self.exprs.taint(node.test, env)
        body = self.block(node.body, self.refine(node.test, True, env))
        orelse = self.block(node.orelse, self.refine(node.test, False, env))
        return _merge(body, orelse)

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While, env: Env) -> Env | None:
        start = dict(env)
        test = node.test if isinstance(node, ast.While) else node.iter
        items = self.exprs.taint(test, env)
        after: Env | None = start
        for _ in range(2):
            inner = dict(_merge(start, after) or start)
            if not isinstance(node, ast.While):
                self.bind(node.target, items, UNKNOWN, inner)
            after = self.block(node.body, inner)
        return _merge(_merge(start, after), self.block(node.orelse, dict(start)))

    def _with(self, node: ast.With | ast.AsyncWith, env: Env) -> Env | None:
        for item in node.items:
            value = self.exprs.taint(item.context_expr, env)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value, item.context_expr, env)
        return self.block(node.body, env)

    def _try(self, node: ast.Try, env: Env) -> Env | None:
        outer, self.raised = self.raised, CLEAN
        body = self.block(node.body, dict(env))
        entry = _merge(env, body) or env
        # An exception the body raises carries what it was made of to `except E as e`,
        # and so does one Python raises there: the key of a failed lookup, the text a
        # conversion could not read.
        implicit = (self.pure.taint(part, dict(entry)) for part in _operands(node.body))
        # What the body may reach otherwise (an object's state, a closure, a partial, a
        # called function's raise): any data the function holds when the body runs.
        held = join(*env.values(), *(body or {}).values())
        raised = join(self.raised, *implicit, held)
        self.raised = join(outer, raised)
        ends = [self.block(h.body, self._caught(h, raised, entry)) for h in node.handlers]
        ends.append(self.block(node.orelse, dict(body)) if body is not None else None)
        joined: Env | None = None
        for end in ends:
            joined = _merge(joined, end)
        if node.finalbody:
            final = self.block(node.finalbody, dict(_merge(entry, joined) or entry))
            return joined if final is not None else None
        return joined

    def _caught(self, handler: ast.ExceptHandler, raised: Taints, entry: Env) -> Env:
        env = dict(entry)
        if handler.name is not None:
            _forget_checks(env, handler.name)
            env[handler.name] = raised
        return env

    def _match(self, node: ast.Match, env: Env) -> Env | None:
        subject = self.exprs.taint(node.subject, env)
        joined: Env | None = env
        for case in node.cases:
            inner = dict(env)
            for pattern in subtree(case.pattern):
                captured = getattr(pattern, "name", None) or getattr(pattern, "rest", None)
                if isinstance(captured, str):
                    inner[captured] = subject
            joined = _merge(joined, self.block(case.body, inner))
        return joined

    def _import(self, node: ast.Import | ast.ImportFrom, env: Env) -> Env:
        for local, qualified in import_names(node):
            # `from flask import request` inside a view binds the request its entry reads.
            env[local] = self.ambient.get(local, CLEAN)
            if local == qualified:
                self.defs.pop(local, None)  # `import os`: the module itself, as at the top
            else:
                self.defs[local] = ast.parse(qualified, mode="eval").body
        return env

    def _nested(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, env: Env) -> Env:
        self.defs[node.name] = UNKNOWN
        env[node.name] = CLEAN
        if not isinstance(node, ast.ClassDef):
            # A closure reads this function's names whenever it runs (a callback, a
            # thread): read once here as well as at each call.
            self.nested[node.name] = node
            self._walk_nested(node, {}, env)
        return env

    def _walk_nested(self, node: FunctionNode, bound: Env, env: Env) -> Taints:
        """What a function defined in this one returns, walked with the arguments `bound`
        and this function's names as they are now (its closure)."""
        chain = (*self.enclosing, id(self.node))
        if id(node) in chain:
            return CLEAN  # a recursion: its body is being walked already
        if len(chain) > MAX_NESTING:
            raise TooDeep(f"functions nested more than {MAX_NESTING} deep (line {node.lineno})")
        self.spend(node.lineno)
        closure = {k: v for k, v in env.items() if v and k.isidentifier()}
        walk = FunctionWalk(self.program, node, self.observer)
        walk.enclosing, walk.spent = chain, self.spent
        walk.run({**closure, **bound})
        return walk.returns

    # --- bindings

    def bind(self, target: ast.expr, value: Taints, source: ast.expr, env: Env) -> None:
        """Store `value` (computed from `source`) into an assignment target."""
        if isinstance(target, ast.Name):
            _forget_checks(env, target.id)
            env[target.id] = value
            self.defs[target.id] = source
        elif isinstance(target, ast.Tuple | ast.List):
            values = source.elts if isinstance(source, ast.Tuple | ast.List) else []
            for i, element in enumerate(target.elts):
                part = values[i] if len(values) == len(target.elts) else source
                self.bind(element, value, part, env)
            return
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value, UNKNOWN, env)
            return
        elif isinstance(target, ast.Subscript | ast.Attribute):
            self.exprs.taint(target.value, env)  # a sink inside the target is still a sink
            if isinstance(target, ast.Subscript):
                self.exprs.taint(target.slice, env)
            root = root_name(target)
            # A local's attribute, or one of the module's classes (`Job.path = data`);
            # never a module's (`os.environ[...]`), whose every use would read as data.
            if root is not None and (root in self.locals or root in self.index.classes):
                env[root] = join(env.get(root, CLEAN), value)
        if self.observer is not None:
            self.observer.store(target, value, Scope(self, env))

    def _validate(self, node: ast.expr, env: Env) -> None:
        """After `check(x)` returns, `x` is as safe as the check makes it."""
        if not isinstance(node, ast.Call):
            return
        for callee in self._callees(node):
            summary = self.program.summaries.get(callee)
            if not summary or not summary.validates:
                continue
            params = parameters(self.index.functions[callee])
            for position, arg in enumerate(node.args):
                kinds = summary.validates.get(params[position]) if position < len(params) else None
                if kinds and isinstance(arg, ast.Name | ast.Subscript | ast.Attribute):
                    text = arg.id if isinstance(arg, ast.Name) else ast.unparse(arg)
                    env[text] = cleared(self.pure.taint(arg, env), kinds)


def _carried(node: ast.Raise | ast.Assert) -> list[ast.expr]:
    """What a `raise` or `assert` puts into the exception: a made exception's arguments
    (or the exception itself), its cause, an assertion's message."""
    if isinstance(node, ast.Assert):
        return [node.msg] if node.msg is not None else []
    found: list[ast.expr] = []
    for exc in (node.exc, node.cause):
        if isinstance(exc, ast.Call):
            found += [*exc.args, *(k.value for k in exc.keywords)]
        elif exc is not None:
            found.append(exc)
    return found


def _operands(body: list[ast.stmt]) -> list[ast.expr]:
    """The lookup keys and call arguments a block evaluates itself (not in functions it
    defines): what an exception Python raises there may hold."""
    found: list[ast.expr] = []
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, ast.Subscript):
            found.append(node.slice)
        elif isinstance(node, ast.Call):
            found += [a for a in node.args if not isinstance(a, ast.Starred)]
        pending.extend(ast.iter_child_nodes(node))
    return found


def _named(index: ModuleIndex, node: ast.expr) -> list[str]:
    return [node.id] if isinstance(node, ast.Name) and node.id in index.functions else []


def _merge(a: Env | None, b: Env | None) -> Env | None:
    """Two paths joined: a name holds what it holds on either. A checked expression
    (`event['x']` after an allow-list test) stays checked only if both paths checked it."""
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    return {
        k: join(a.get(k, CLEAN), b.get(k, CLEAN))
        for k in a.keys() | b.keys()
        if k.isidentifier() or (k in a and k in b)
    }


def _forget_checks(env: Env, name: str) -> None:
    """`name` is bound anew: checks of expressions on its old value no longer hold."""
    for key in [k for k in env if not k.isidentifier()]:
        match = _LEADING_NAME.match(key)
        if match and match.group(0) == name:
            del env[key]


_LEADING_NAME = re.compile(r"[A-Za-z_]\w*")


Step = Callable[[FunctionWalk, Any, Env], "Env | None"]
_STATEMENTS: dict[type, Step] = {
    ast.Assign: FunctionWalk._assign,
    ast.AnnAssign: FunctionWalk._assign,
    ast.AugAssign: FunctionWalk._augassign,
    ast.Expr: FunctionWalk._expr,
    ast.Return: FunctionWalk._return,
    ast.If: FunctionWalk._if,
    ast.For: FunctionWalk._loop,
    ast.AsyncFor: FunctionWalk._loop,
    ast.While: FunctionWalk._loop,
    ast.With: FunctionWalk._with,
    ast.AsyncWith: FunctionWalk._with,
    ast.Try: FunctionWalk._try,
    ast.Match: FunctionWalk._match,
    ast.Import: FunctionWalk._import,
    ast.ImportFrom: FunctionWalk._import,
    ast.FunctionDef: FunctionWalk._nested,
    ast.AsyncFunctionDef: FunctionWalk._nested,
    ast.ClassDef: FunctionWalk._nested,
}
if hasattr(ast, "TryStar"):  # Python 3.11
    _STATEMENTS[ast.TryStar] = FunctionWalk._try

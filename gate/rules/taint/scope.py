"""What a function walk shares: with the rules that watch it (Observer, Scope) and with
the module-wide analysis that drives it (Program, Summary), and how a call's arguments
bind to the callee's parameters."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Protocol

from gate.rules.context import subtree
from gate.rules.taint.exprs import Env
from gate.rules.taint.module import FunctionNode, ModuleIndex
from gate.rules.taint.values import CLEAN, Taints, join, real


@dataclass
class Summary:
    """What a call to a module function does with its arguments."""

    returns: Taints = CLEAN
    """Placeholders of the parameters whose data the function returns."""
    validates: dict[str, frozenset[str]] = field(default_factory=dict)
    """Parameters the function checks: it returns only when they are safe for these."""


class Walk(Protocol):
    """What a scope reads of the walk it is in (gate.rules.taint.walk.FunctionWalk)."""

    node: FunctionNode
    index: ModuleIndex
    defs: dict[str, ast.expr]
    locals: set[str]
    globals: set[str]

    @property
    def pure(self) -> Tainting: ...


class Tainting(Protocol):
    """What event data an expression carries, given what the names hold."""

    def taint(self, node: ast.expr, env: dict[str, Taints]) -> Taints: ...


class Program(Protocol):
    """The module-wide analysis a walk reports to."""

    index: ModuleIndex
    summaries: dict[str, Summary]

    def feed(self, caller: str, callee: str, arguments: Env) -> None: ...

    def names(self, node: FunctionNode) -> tuple[set[str], set[str]]:
        """The function's local names and those it declares global."""
        ...


class Observer(Protocol):
    """A rule that looks at each call and store of a walked function."""

    def call(self, call: ast.Call, scope: Scope) -> None: ...

    def store(self, target: ast.expr, value: Taints, scope: Scope) -> None: ...


def parameters(node: FunctionNode) -> list[str]:
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return names + [a.arg for a in (args.vararg, args.kwarg) if a is not None]


@dataclass
class Scope:
    """Where an observer is: a function, and what its names hold at this point."""

    walk: Walk
    env: Env

    @property
    def function(self) -> str:
        return self.walk.node.name

    def taint(self, node: ast.expr) -> Taints:
        """The event data (placeholders left out) `node` carries here."""
        return real(self.walk.pure.taint(node, dict(self.env)))

    def qualname(self, node: ast.expr) -> str | None:
        return self.walk.index.qualname(node, self.walk.defs)

    def resolve(self, node: ast.expr) -> ast.expr:
        """What a name stands for here: the value a local was last bound to, or a module
        constant bound once and never changed; `node` itself otherwise."""
        if not isinstance(node, ast.Name):
            return node
        if node.id in self.walk.locals:
            return self.walk.defs.get(node.id, node)
        index = self.walk.index
        if node.id in index.values and node.id not in index.mutated:
            return index.values[node.id]
        return node

    def is_local(self, name: str) -> bool:
        return name in self.walk.locals

    def is_global(self, name: str) -> bool:
        return name in self.walk.globals


def bind_arguments(node: FunctionNode, call: ast.Call, args: list[Taints], kwargs: Env) -> Env:
    """The caller's taint of each of the callee's parameters."""
    positional = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    bound: Env = {}
    for i, (arg, taints) in enumerate(zip(call.args, args, strict=True)):
        if isinstance(arg, ast.Starred):
            for name in positional[i:]:
                bound[name] = join(bound.get(name, CLEAN), taints)
        if i < len(positional):
            bound[positional[i]] = join(bound.get(positional[i], CLEAN), taints)
        elif node.args.vararg is not None:
            bound[node.args.vararg.arg] = join(bound.get(node.args.vararg.arg, CLEAN), taints)
    names = set(parameters(node))
    for key, taints in kwargs.items():
        if key in names:
            bound[key] = join(bound.get(key, CLEAN), taints)
        elif key == "**":
            for name in names:
                bound[name] = join(bound.get(name, CLEAN), taints)
        elif node.args.kwarg is not None:
            bound[node.args.kwarg.arg] = join(bound.get(node.args.kwarg.arg, CLEAN), taints)
    return bound


def local_names(node: FunctionNode) -> set[str]:
    """Parameters, assignment targets, imports and classes defined in it: names local to
    the function unless declared global."""
    names = set(parameters(node))
    for child in subtree(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, ast.alias):
            names.add((child.asname or child.name).split(".")[0])
        elif isinstance(child, ast.ClassDef):
            names.add(child.name)  # a class the function defines is its own name
    return names

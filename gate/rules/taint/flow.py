"""Event data through one module: from the handlers' event parameters into and out of
the module's own functions.

Each function is walked on its own (gate/rules/taint/walk.py). Between functions
a bounded fixpoint over a work list: a walk summarises a function with its parameters
as placeholders (what it returns, which parameters it validates) and collects the
event data it passes to the functions it calls; a function is walked again when the
data passed to it grows, and its callers when its summary changes. A last walk, with
the rule watching, covers every function event data reaches."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from gate.rules.context import BundleContext, subtree
from gate.rules.findings import RawFinding
from gate.rules.taint.entries import HandlerModule, handler_modules
from gate.rules.taint.exprs import Env
from gate.rules.taint.module import FunctionNode, ModuleIndex
from gate.rules.taint.scope import Observer, Summary, local_names, parameters
from gate.rules.taint.values import CLEAN, event, join, real, validated
from gate.rules.taint.walk import FunctionWalk

MAX_WALKS_PER_FUNCTION = 12
"""How often the fixpoint may walk each function before it stops: enough for real call
graphs, and a bound on pathological ones (a chain of calls deeper than this is cut off)."""


class Analysis:
    """The taint analysis of one module from its entry points."""

    def __init__(self, index: ModuleIndex, entries: Mapping[str, tuple[str, ...]]) -> None:
        """`entries`: function -> the names that hold event data when it is called."""
        self.index = index
        self.inputs: dict[str, Env] = {
            name: {p: event(p) for p in names} for name, names in entries.items()
        }
        self.summaries: dict[str, Summary] = {}
        self._callers: dict[str, set[str]] = {}
        self._pending: dict[str, None] = dict.fromkeys(index.functions)
        self._names: dict[int, tuple[set[str], set[str]]] = {}

    def run(self, observer: Observer) -> None:
        """Settle the summaries, then walk every function event data reaches once more
        with `observer` watching."""
        budget = MAX_WALKS_PER_FUNCTION * len(self.index.functions)
        while self._pending and budget:
            name = next(iter(self._pending))
            del self._pending[name]
            budget -= 1
            node = self.index.functions[name]
            walk = FunctionWalk(self, node, None)
            walk.run(self.inputs.get(name, {}))
            self._summarise(name, node, walk)
        for name, node in self.index.functions.items():
            if any(self.inputs.get(name, {}).values()):
                FunctionWalk(self, node, observer).run(self.inputs[name])

    def feed(self, caller: str, callee: str, arguments: Env) -> None:
        """Event data a call in `caller` passes to `callee`'s parameters."""
        self._callers.setdefault(callee, set()).add(caller)
        inputs = self.inputs.setdefault(callee, {})
        for name, taints in arguments.items():
            grown = join(inputs.get(name, CLEAN), real(taints))
            if grown != inputs.get(name, CLEAN):
                inputs[name] = grown
                self._pending[callee] = None

    def names(self, node: FunctionNode) -> tuple[set[str], set[str]]:
        """A function's local and global names, worked out once."""
        key = id(node)  # a nested function may share a module function's name
        if key not in self._names:
            declared = {n for s in subtree(node) if isinstance(s, ast.Global) for n in s.names}
            self._names[key] = (local_names(node) - declared, declared)
        return self._names[key]

    def _summarise(self, name: str, node: FunctionNode, walk: FunctionWalk) -> None:
        validates = {}
        for param in parameters(node):
            kinds = validated((exit_env.get(param, CLEAN) for exit_env in walk.exits), param)
            if kinds:
                validates[param] = kinds
        returned = frozenset(t for t in walk.returns if t.param or t.ambient or t.store)
        summary = Summary(returned, validates)
        if summary != self.summaries.get(name):
            self.summaries[name] = summary
            self._pending.update(dict.fromkeys(sorted(self._callers.get(name, ()))))


class Rule(Observer, Protocol):
    """An observer that collects findings."""

    findings: list[RawFinding]


def watch(context: BundleContext, rule: Callable[[HandlerModule], Rule]) -> list[RawFinding]:
    """The findings of `rule`, made for each module with entry points, over the walk of
    every function event data reaches."""
    found: list[RawFinding] = []
    for module in handler_modules(context):
        observer = rule(module)
        Analysis(module.index, module.entries).run(observer)
        found += observer.findings
    return found


def unique(findings: Iterable[RawFinding]) -> list[RawFinding]:
    """One finding per rule and place: a loop walked twice, or a module analysed for two
    handlers, reports the same sink again."""
    seen: dict[tuple[str, str, int], RawFinding] = {}
    for finding in findings:
        seen.setdefault((finding.rule_id, finding.path, finding.line or 0), finding)
    return list(seen.values())

"""Event taint (GATE-SLS-001..009): event data reaching a command, code, SQL,
deserialisation, template, filesystem, URL or XML sink without a sanitiser on the way,
directly or through a table or bucket another function writes it to (second_order.py).

Sources are the event parameters of the bundle's handlers (entries.py). The
data is followed within each module: assignments, subscripts, attributes, `.get()`,
f-strings, `+`, `%`, `.format()`, `json.loads`, `base64` and the like (exprs.py,
strings.py), branches and guards (walk.py, guards.py), and calls to
the module's own functions, dispatch tables included (flow.py), to lambdas and to
functions defined inside functions (read where they are called, closures too), and what
generators yield. A sink handed on (`functools.partial`, `map`, `getattr`) is a sink
called, and a handler may be a name bound to another function. Sanitisers
clear the data for some sink kinds (`shlex.quote`: commands; `os.path.basename`:
paths) or for all (`int()`, `uuid.UUID()`, an allow-list test). A sink is a call in
sinks.py; the bandit test that reports the same call is folded into the
finding, so one problem is one finding.

Not followed: calls into other modules of the bundle or into libraries (their result
is clean unless listed as propagating), methods of classes and attribute state
(`self.x`), and data a handler reads from elsewhere than its event (a queue, a
database, `app.current_event` of a web framework). Argument injection into a program
run without a shell is out of scope.
"""

from __future__ import annotations

import ast

from gate.model import Absorbs
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.taint.entries import HandlerModule
from gate.rules.taint.flow import unique, watch
from gate.rules.taint.scope import Scope
from gate.rules.taint.second_order import StoredRead, Write, second_order
from gate.rules.taint.sinks import (
    KIND,
    PATH_METHODS,
    Sink,
    checked_arguments,
    handed_on,
    lookup,
    resolves_entities,
)
from gate.rules.taint.stores import store_call
from gate.rules.taint.values import Taint, Taints, join, origin, reaching

RULE_IDS = tuple(kind.rule_id for kind in KIND.values())


def check(context: BundleContext) -> list[RawFinding]:
    observers: list[SinkObserver] = []

    def observer(module: HandlerModule) -> SinkObserver:
        observers.append(SinkObserver(module))
        return observers[-1]

    found = watch(context, observer)
    writes = [w for o in observers for w in o.writes]
    reads = [r for o in observers for r in o.stored_reads]
    return unique([*found, *second_order(context, writes, reads)])


class SinkObserver:
    """Reports each sink call that event data reaches, and notes event data written to a
    store and stored data reaching a sink, for GATE-SLS-009."""

    def __init__(self, module: HandlerModule) -> None:
        self.module = module
        self.findings: list[RawFinding] = []
        self.writes: list[Write] = []
        self.stored_reads: list[StoredRead] = []

    def call(self, call: ast.Call, scope: Scope) -> None:
        name = scope.qualname(call.func)
        made = handed_on(call, name)
        if made is not None:  # `functools.partial(eval, data)`, `map(eval, items)`
            self.call(made, scope)
        imports = [*scope.walk.index.imports.values(), *self.module.bundle_imports]
        sink = lookup(call, name, imports)
        legacy = self.module.legacy_lxml
        if sink is not None and resolves_entities(
            call, sink, scope.walk.index, scope.walk.defs, legacy
        ):
            for argument in checked_arguments(call, sink, scope.resolve):
                self._check(call, name, sink, scope.taint(argument), scope)
        elif isinstance(call.func, ast.Attribute) and call.func.attr in PATH_METHODS:
            self._check(call, name, Sink("path", ()), scope.taint(call.func.value), scope)
        kept = store_call(call, scope.walk.index, scope.walk.defs)
        if kept is not None and kept.direction == "write":
            taint = origin(join(*(scope.taint(data) for data in kept.data)))
            if taint is not None:
                write = Write(kept.store, self.module, scope.function, call.lineno, taint)
                self.writes.append(write)

    def store(self, target: ast.expr, value: Taints, scope: Scope) -> None:
        """Stores are the container-reuse rule's concern."""

    def _check(
        self, call: ast.Call, name: str | None, sink: Sink, taints: Taints, scope: Scope
    ) -> None:
        taint = reaching(taints, sink.kind, built_only=sink.built_only)
        if taint is not None:
            self.findings.append(self._finding(call, name, sink, taint, scope.function))
        kept = reaching(taints, sink.kind, built_only=sink.built_only, stored=True)
        if kept is not None and kept.store is not None:
            self.stored_reads.append(
                StoredRead(
                    kept.store,
                    self.module,
                    scope.function,
                    sink.kind,
                    _callee(call, name),
                    call.lineno,
                    call.end_lineno,
                    f"{scope.function}: {' '.join(ast.unparse(call).split())}",
                    kept,
                )
            )

    def _finding(
        self, call: ast.Call, name: str | None, sink: Sink, taint: Taint, function: str
    ) -> RawFinding:
        kind = KIND[sink.kind]
        callee = _callee(call, name)
        message = (
            f"Event data from `{taint.source}` reaches `{callee}()` in {function}(), where it "
            f"{kind.what}: {kind.fix}."
        )
        path = self.module.path
        # bandit reports string-built SQL (B608) where the string is built.
        built = taint.built_at if sink.kind == "sql" else None
        lines = {call.lineno} | ({built} if built else set())
        merges = tuple(
            Absorbs("bandit", kind.bandit, path, line) for line in sorted(lines) if kind.bandit
        )
        return RawFinding(
            rule_id=kind.rule_id,
            message=message,
            path=path,
            line=call.lineno,
            end_line=call.end_lineno,
            resource=self.module.resource,
            anchor=f"{function}: {' '.join(ast.unparse(call).split())}",
            merges=merges,
        )


def _callee(call: ast.Call, name: str | None) -> str:
    """The sink as a message names it: its qualified name, else as written."""
    return name if name and "()" not in name else ast.unparse(call.func)

"""Second-order event data (GATE-SLS-009): what one function stores from its event in a
DynamoDB table or S3 bucket, another function of the bundle reads back into a sink.

The walk (gate/rules/taint) records each write of event data to a store and each
sink that data read from a store reaches (gate.rules.taint.stores). A read is
reported when a function writes event data to the same store, as far as the IaC
tells: a store named by an environment variable is the resource the function's IaC
sets it to (`TABLE_NAME: !Ref Orders`), so two functions whose variables name
different tables do not match; where the IaC does not say (a Chalice app, a module no
IaC handler names), the variable's name is the store's identity. The finding is of
medium confidence: the gate cannot tell which items or keys the two share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gate.model import Absorbs
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.taint.entries import HandlerModule
from gate.rules.taint.sinks import KIND
from gate.rules.taint.values import Taint

RULE_ID = "GATE-SLS-009"
_TERRAFORM_REFERENCE = re.compile(r"^\$\{((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.")


@dataclass(frozen=True)
class Write:
    """Event data a function stores."""

    store: str
    module: HandlerModule
    function: str
    line: int
    taint: Taint


@dataclass(frozen=True)
class StoredRead:
    """Data read from a store that reaches a sink."""

    store: str
    module: HandlerModule
    function: str
    kind: str
    callee: str
    line: int
    end_line: int | None
    anchor: str
    taint: Taint


def second_order(
    context: BundleContext, writes: Iterable[Write], reads: Iterable[StoredRead]
) -> list[RawFinding]:
    """GATE-SLS-009 for each read whose store a function writes event data to."""
    writes, reads = list(writes), list(reads)
    if not writes or not reads:
        return []  # the IaC is read only when there is something to match
    identities = _Identities(context)
    written = [(identities.of(w.store, w.module), w) for w in writes]
    findings = []
    for read in reads:
        stores = identities.of(read.store, read.module)
        writers = [w for ids, w in written if ids & stores and read.kind not in w.taint.cleared]
        if writers:
            findings.append(_finding(read, writers))
    return findings


def _finding(read: StoredRead, writers: list[Write]) -> RawFinding:
    kind = KIND[read.kind]
    writer = min(writers, key=lambda w: (w.module.path, w.line))
    service, _, name = read.store.partition(":")
    what = {"dynamodb": "DynamoDB table", "s3": "S3 bucket"}[service]
    named = name.split(":", 1)[1]
    others = f" (and {len(writers) - 1} more writes)" if len(writers) > 1 else ""
    message = (
        f"Data {_who(read.module, read.function)} reads from the {what} {named!r} "
        f"(`{read.taint.source}`) reaches `{read.callee}()`, where it {kind.what}; "
        f"{_who(writer.module, writer.function)} stores event data from "
        f"`{writer.taint.source}` in that {what} ({writer.module.path}:{writer.line}){others}. "
        f"Treat what the store holds as event data: {kind.fix}."
    )
    merges = (Absorbs("bandit", kind.bandit, read.module.path, read.line),) if kind.bandit else ()
    return RawFinding(
        rule_id=RULE_ID,
        message=message,
        path=read.module.path,
        line=read.line,
        end_line=read.end_line,
        resource=read.module.resource,
        anchor=f"{read.anchor} from {writer.module.path}:{writer.function}",
        merges=merges,
        confidence="medium",
    )


def _who(module: HandlerModule, function: str) -> str:
    """`handler() of WriteFunction`: the Python function, and the Lambda function that
    deploys it where its IaC names it."""
    if module.resource is None:
        return f"{function}()"
    return f"{function}() of {module.resource.rsplit('.', 1)[-1]}"


class _Identities:
    """What a store a module names is, by the IaC of the functions that deploy it."""

    def __init__(self, context: BundleContext) -> None:
        from gate.rules.iac import function_views

        self.variables: dict[tuple[str, str, str], set[str]] = {}
        """(function resource, handler file, variable) -> what the variable names."""
        for view in function_views(context):
            function = view.function
            for variable in view.variables:
                key = (function.resource, function.handler_file or "", variable.name)
                named = self.variables.setdefault(key, set())
                named.add(_identity(variable.reference, variable.literal))

    def of(self, store: str, module: HandlerModule) -> set[str]:
        service, _, name = store.partition(":")
        if not name.startswith("env:") or module.resource is None:
            return {store}
        variable = name.removeprefix("env:")
        found = self.variables.get((module.resource, module.path, variable))
        if not found or "" in found:
            return {store}
        return {f"{service}:{identity}" for identity in found}


def _identity(reference: str | None, literal: str | None) -> str:
    """`ref:Orders`, `lit:orders-prod` or `tf:aws_dynamodb_table.orders`; "" when the
    value says nothing the gate can match (deploy-time, an expression)."""
    if reference:
        return f"ref:{reference}"
    if literal is None:
        return ""
    terraform = _TERRAFORM_REFERENCE.match(literal)
    if terraform:
        return f"tf:{terraform.group(1)}"
    return "" if "${" in literal else f"lit:{literal}"
